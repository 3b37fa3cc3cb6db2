"""The one map from a change to the cached public pages it drops (newsroom/cache.py stores them).

Two halves, read together:

**What a page shows** (its tags), from its URL name, plus what the view adds with
``cache_tag(request, ...)`` once it knows (the page of an issue it renders, a story's
neighbours in print):

=============================== ===================================================
page                            tags
=============================== ===================================================
a story (``articles/<id>/``)    ``article:<id>``, and ``article:<id>`` of the stories
                                before and after it in print (上一篇/下一篇)
front, issue, page of an issue  ``page:<id>`` of the page shown
tag page                        ``tags``
feeds (RSS, Atom, per tag)      ``feeds``
sitemaps                        ``sitemaps``
search                          ``search``
API                             ``api``
archive calendar                ``archive``
a contributor's page            ``contributors``
anything not listed             ``other`` (every public change drops it)
=============================== ===================================================

**What a change drops.** A change counts when what it touches was public before *or* is public
after, decided only by the querysets (``Article.objects.published()``, ``Issue.objects.released()``,
``Photo.objects.published()``), never by restating the rule:

- a story, its photos, its 更正 notes, its tags: ``article:<id>``, ``page:<id>`` of every page
  it is placed on or teased from, ``issue:<id>`` of their issues (no page carries it: it drops
  the issue's stored parts, its reading order and its pages' sidebar, newsroom/fragments.py), and ``feeds``, ``sitemaps``,
  ``search``, ``api``, ``tags``, ``other``. The story's own ``article:<id>`` drop is *hard*: its page is never served stale
  while it renders again (readers wait for the one render), so a confirmed 更正 is what the next
  reader sees; the lists may show the previous copy for that moment. Taken out of public view
  (撤稿, or sent back to draft), every drop is hard.
- a contributor or a credit: the stories they are credited on, as above, and ``contributors``
  (their pages). Rate tables and statements are the finance office's: nothing.
- anything of a released issue (the issue, its pages, placements, jumps, teasers, hot zones):
  a new generation for the whole site (rare: only corrections and withdrawals change them).
- history rows, review steps (``Transition``), search documents, proofing, sessions, and any
  change to what readers cannot see yet (a draft, a story in review, an unreleased issue):
  nothing, except that a new or moved release time reschedules the exact-time switch.
- a model of a watched app that this map does not know: a new generation (safe, never
  precise), until a line here says what it shows.
"""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from newsroom import cache

# What a change to a public story drops besides its own pages: every list that names stories.
STORY_LISTS = frozenset({"feeds", "sitemaps", "search", "api", "tags", "other"})

# Tags by URL name (namespace:name); the API and sitemaps by namespace.
URL_TAGS = {
    "issues:archive": {"archive"},
    "issues:archive-month": {"archive"},
    "articles:search": {"search"},
    "articles:tag-detail": {"tags"},
    "articles:feed-rss": {"feeds"},
    "articles:feed-atom": {"feeds"},
    "articles:tag-feed-rss": {"feeds"},
    "articles:tag-feed-atom": {"feeds"},
    "contributors:contributor-detail": {"contributors"},
}
NAMESPACE_TAGS = {"sitemaps": {"sitemaps"}}

# Rows readers never see (history, review log, search documents) by model name.
PRIVATE_MODELS = {
    "articles.transition",
    "articles.searchdocument",
    "contributors.ratetable",
    "contributors.rateband",
    "contributors.statement",
    "contributors.statementline",
}


def page_tags(request: HttpRequest) -> set[str]:
    """The tags a public page carries by its URL alone."""
    match = request.resolver_match
    if match is None:
        return {"other"}
    if match.view_name in ("articles:article-detail", "articles:article-detail-slug"):
        return {f"article:{match.kwargs['pk']}"}
    if match.view_name.startswith(("issues:front", "issues:issue-detail", "issues:page-detail")):
        return set()  # the view adds the page it shows
    if match.view_name in URL_TAGS:
        return URL_TAGS[match.view_name]
    if match.namespaces and match.namespaces[0] in NAMESPACE_TAGS:
        return NAMESPACE_TAGS[match.namespaces[0]]
    if match.namespaces and match.namespaces[0].startswith("api"):
        return {"api"}
    return {"other"}


# --- What a change drops ------------------------------------------------------------------------


def story_tags(article_ids: set[int]) -> set[str]:
    """The tags of everything that shows these (public) stories: their pages and every list."""
    from issues.models import Page

    if not article_ids:
        return set()
    pages = Page.objects.filter(placements__article__in=article_ids).values_list("pk", "issue_id")
    teased = Page.objects.filter(teasers__article__in=article_ids).values_list("pk", "issue_id")
    shown = {*pages, *teased}
    return (
        {f"article:{pk}" for pk in article_ids}
        | {f"page:{pk}" for pk, _issue in shown}
        | {f"issue:{issue}" for _page, issue in shown}
        | STORY_LISTS
    )


def _public_stories(article_ids: set[int]) -> set[int]:
    from articles.models import Article

    if not article_ids:
        return set()
    return set(Article.objects.published().filter(pk__in=article_ids).values_list("pk", flat=True))


def _stories_of(instance) -> set[int] | None:
    """The stories a row of the articles or taggit apps belongs to; None for a row the map does not know."""
    from articles.contributors.models import Contributor, Credit
    from articles.models import Article, Correction, Photo
    from taggit.models import Tag, TaggedItem

    if isinstance(instance, Article):
        return {instance.pk}
    if isinstance(instance, (Photo, Correction)):
        return {instance.article_id} if instance.article_id else set()
    if isinstance(instance, TaggedItem):
        return {instance.object_id} if instance.content_type.model_class() is Article else set()
    if isinstance(instance, Tag):
        return set(Article.objects.filter(tags=instance).values_list("pk", flat=True))
    if isinstance(instance, Credit):
        return {instance.article_id} if instance.article_id else set()
    if isinstance(instance, Contributor):
        return set(Credit.objects.filter(contributor=instance, article__isnull=False).values_list("article_id", flat=True))
    return None


def _released_issue(instance) -> bool | None:
    """Whether the row of the issues app belongs to a released issue; None for a row the map does not know."""
    from issues.models import HotZone, Issue, Jump, Page, Placement, Teaser

    if isinstance(instance, Issue):
        issue_id = instance.pk
    elif isinstance(instance, (Page,)):
        issue_id = instance.issue_id
    elif isinstance(instance, (Placement, Teaser)):
        issue_id = Page.objects.filter(pk=instance.page_id).values_list("issue_id", flat=True).first()
    elif isinstance(instance, (Jump, HotZone)):
        issue_id = (
            Placement.objects.filter(pk=instance.placement_id).values_list("page__issue_id", flat=True).first()
        )
    else:
        return None
    return issue_id is not None and Issue.objects.released().filter(pk=issue_id).exists()


def _photo_news_pages(instance) -> set[str]:
    """A photo placed by itself on released pages (图片新闻) shows there."""
    from articles.contributors.models import Credit
    from articles.models import Correction, Photo
    from issues.models import Placement

    # The photo itself, a caption's 更正 note under it, or its photographer's credit.
    photo_id = instance.pk if isinstance(instance, Photo) else getattr(instance, "photo_id", None)
    if not isinstance(instance, (Photo, Correction, Credit)) or photo_id is None:
        return set()
    pages = Placement.objects.released().filter(photo=photo_id).values_list("page_id", flat=True)
    return {f"page:{pk}" for pk in pages}


def before_change(instance) -> tuple[set[str], bool]:
    """What the row shows now, before the change: (tags, whether the whole site changes)."""
    label = instance._meta.label_lower
    if label in PRIVATE_MODELS or instance._meta.model_name.startswith("historical"):
        return set(), False
    stories = _stories_of(instance)
    if stories is not None:
        public = _public_stories(stories)
        tags = story_tags(public) | _photo_news_pages(instance)
        if label.startswith("contributors.") and (tags or label == "contributors.contributor"):
            tags.add("contributors")
        return tags, False
    released = _released_issue(instance)
    if released is None:
        return set(), True  # not in the map: drop everything rather than miss something
    return set(), released


def changed(instance, before: tuple[set[str], bool] | None, *, deleted: bool = False) -> None:
    """Drop what the row showed before and shows after the change; reschedule otherwise."""
    tags, whole_site = before or (set(), False)
    # Already the whole site: nothing after the change can add to that, so it costs no query.
    after_tags, after_whole_site = (set(), False) if deleted or whole_site else before_change(instance)
    # A story leaving public view (撤稿, sent back, deleted): its pages are never served stale.
    own = f"article:{instance.pk}" if instance._meta.label_lower == "articles.article" else None
    leaving = own in tags and own not in after_tags
    tags, whole_site = tags | after_tags, whole_site or after_whole_site
    if whole_site:
        cache.invalidate_on_commit()
    elif tags:
        # A changed story's own page (and its neighbours', which show its headline) is not served
        # stale either: whoever confirmed a 更正 and opens the story must see it. Lists may lag the
        # one render by a moment.
        hard = tags if leaving else {tag for tag in tags if tag.startswith("article:")}
        cache.invalidate_tags_on_commit(tags, hard=hard)
    else:
        # After the commit (at once outside a transaction, or in a test's, which never commits).
        blocks = transaction.get_connection().atomic_blocks
        if not blocks or blocks[0]._from_testcase:
            reschedule()
        else:
            transaction.on_commit(reschedule, robust=True)


def reschedule() -> None:
    """A change nobody sees yet may still move the next release time: keep the switch exact."""
    generation = cache.current_generation()
    if generation[1] != cache._scheduled_release(timezone.now()):
        cache.invalidate(fragments=False)  # a new release time changes no story
