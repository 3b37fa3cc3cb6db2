import json
import time

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from articles.contributors.bylines import article_byline_text
from articles.forms import SearchForm
from articles.models import (
    NEWS_FRONT_WINDOW,
    STORY_CREDITS,
    STORY_PHOTOS,
    Article,
    attach_tag_lists,
    published_tag_or_404,
)
from articles.search import excerpt, highlight, parse_query, quick_text, search_articles
from issues.models import Placement
from newsroom.cache import cache_public, cache_tag
from newsroom.fragments import cached_fragments, template_version
from newsroom.prepared import PreparedQuery
from newsroom.structured_data import byline_people, json_ld, moment, publication_issue

RESULTS_PER_PAGE = 20
# Counting every match of a very common word costs more than it tells: a page counts the matches
# up to this many pages past itself ("more than 200 stories"), so page 1 is as quick for 督查 as
# for a rare name, and "more results" still leads on as far as the reader goes.
COUNTED_PAGES_AHEAD = 10
# No reader pages this far; a larger number is read as this one, so LIMIT/OFFSET stay far inside
# the databases' 64-bit integers (page 2**63 was a 500).
MAX_PAGE_NUMBER = 10_000


# The story page's queries, compiled once per process (newsroom/prepared.py).
PUBLISHED_STORY = PreparedQuery(
    lambda pk: Article.objects.published().with_last_change().filter(pk=pk),
    pk=int,
)
STORY_IN_PRINT = PreparedQuery(
    lambda article: Placement.objects.published()
    .filter(article=article)
    .select_related("page__issue", "jump__to_page")
    .order_by("-page__issue__date", "page__number"),
    article=int,
)
STORIES_OF_ISSUE = PreparedQuery(
    lambda issue: Placement.objects.published()
    .filter(page__issue=issue, article__isnull=False)
    .order_by("page__number", "order", "pk")
    .values_list("article_id", "article__headline"),
    issue=int,
)


@cache_public
def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """The whole story, with its photos, tags, the pages it ran on and its neighbours in print.

    A story released online (网络首发) before any issue printed it has no page yet: it shows when
    it went online, and the page it ran on joins once that issue is released, at the same URL.
    """
    # Before the story is read: a change after this is not stored (newsroom.fragments).
    started = time.time()
    article = PUBLISHED_STORY.first(pk=pk)
    if article is None:
        raise Http404(_("No such article."))
    placements = STORY_IN_PRINT.fetch(article=article.pk)
    # Where the story first ran (a reprint in a later issue does not move it): the line under the
    # headline, the masthead's issue, and the issue whose reading order 上一篇/下一篇 follow.
    printed = min(
        placements, key=lambda placement: (placement.page.issue.date, placement.page.number), default=None
    )
    issue = printed.page.issue if printed else None
    parts, reading_order = _stored_parts(request, article, printed, started=started)
    previous_story, next_story = _neighbours_in_print(article, reading_order)
    # Their headlines show here: a correction of either drops this page too (newsroom/invalidation.py).
    cache_tag(request, *(f"article:{story.pk}" for story in (previous_story, next_story) if story))
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "parts": parts,
            "placements": placements,
            "printed": printed,
            "issue": issue,
            "previous_story": previous_story,
            "next_story": next_story,
        },
    )


STORY_PART_TEMPLATES = {
    "story": ("articles/includes/story_body.html", "includes/listen.html", "articles/includes/photo.html",
              "articles/includes/corrections.html", "contributors/includes/byline.html"),
    "tags": ("articles/includes/story_tags.html",),
    "head": ("articles/includes/story_head.html", "articles/includes/tag_feeds.html",
             "articles/includes/share_meta.html"),
}


def _stored_parts(
    request: HttpRequest, article: Article, printed: Placement | None, *, started: float
) -> tuple[dict[str, SafeString], list[tuple[int, str]]]:
    """The story's own parts of its page (its text and photos, its tags, its <head> and summary),
    stored by the story, and its issue's reading order, stored by the issue (newsroom.fragments):
    a story page rendered again reads neither its photos, credits, tags and 更正 notes nor the issue.

    A part's name holds what it shows besides the story: where it first ran and when it reached
    readers (both move with the clock: an issue's release, an online embargo lifting), the host
    its links name, the templates.
    """
    moments = ":".join(
        str(moment and moment.timestamp()) for moment in (article.released_at, article.online_released_at, article.changed_at)
    )
    story = f"{printed.pk if printed else 0}:{moments}"
    origin = f"{request.scheme}://{request.get_host()}"
    tag = f"article:{article.pk}"
    # Each part: its tag, its name, and how it is drawn on a miss.
    parts = {
        "story": (
            tag,
            f"story-body:{template_version(*STORY_PART_TEMPLATES['story'])}:{article.pk}:{story}",
            lambda: _draw_story(article, printed),
        ),
        "tags": (
            tag,
            f"story-tags:{template_version(*STORY_PART_TEMPLATES['tags'])}:{article.pk}",
            lambda: get_template(STORY_PART_TEMPLATES["tags"][0]).render({"article": article}),
        ),
        "head": (
            tag,
            f"story-head:{template_version(*STORY_PART_TEMPLATES['head'])}:{article.pk}:{story}:{origin}",
            lambda: _draw_head(request, article, printed),
        ),
        "description": (tag, f"story-description:{article.pk}", lambda: escape(_description(article))),
    }
    issue = printed.page.issue_id if printed else None
    if issue is not None:
        # Any public change to a story of the issue drops ``issue:<id>`` (newsroom/invalidation.py).
        parts["reading-order"] = (
            f"issue:{issue}",
            f"reading-order:{issue}",
            lambda: json.dumps(_reading_order(issue), ensure_ascii=False),
        )
    names = list(parts)

    def draw(indexes: list[int]) -> list[str]:
        if any(names[index] != "reading-order" for index in indexes):
            STORY_PHOTOS.attach([article])
            STORY_CREDITS.attach([article])
            attach_tag_lists([article])
        return [parts[names[index]][2]() for index in indexes]

    stored = dict(zip(names, cached_fragments([parts[name][:2] for name in names], draw, started=started), strict=True))
    reading_order = [tuple(entry) for entry in json.loads(stored.pop("reading-order", "[]"))]
    return stored, reading_order


def _description(article: Article) -> str:
    return article.subheadline or excerpt(quick_text(article.body), (), width=120)


def _draw_story(article: Article, printed: Placement | None) -> str:
    prefetch_related_objects([article], "corrections")  # only the drawn part shows them
    return get_template(STORY_PART_TEMPLATES["story"][0]).render({"article": article, "printed": printed})


def _draw_head(request: HttpRequest, article: Article, printed: Placement | None) -> str:
    photos = list(article.photos.all())
    description = _description(article)
    context = {
        "article": article,
        "description": description,
        # For sharing: the first photo, and when the story first reached readers.
        "share_photo": photos[0] if photos else None,
        "published_at": article.released_at,
        "structured_data": json_ld(
            _news_article(request, article, printed, photos, published_at=article.released_at, description=description)
        ),
    }
    return get_template(STORY_PART_TEMPLATES["head"][0]).render(context, request)


def _news_article(request, article: Article, printed: Placement | None, photos, *, published_at, description: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": description,
        "datePublished": moment(published_at),
        # A story changes for readers only by a 更正 after its release.
        "dateModified": moment(article.changed_at),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "inLanguage": "zh-CN",
        "publisher": {"@type": "Organization", "name": settings.NEWSROOM["PUBLISHER"]},
    }
    if printed is not None:
        data["isPartOf"] = publication_issue(request, printed.page.issue)
        data["printPage"] = str(printed.page.number)
        data["printSection"] = printed.page.name
    data.update(byline_people(request, article))
    if photos:
        data["image"] = [request.build_absolute_uri(photo.image.url) for photo in photos]
    if article.tag_list:
        data["keywords"] = [tag.name for tag in article.tag_list]
    return data


def _reading_order(issue: int) -> list[tuple[int, str]]:
    """The issue's published stories in reading order (page, then place on it), each once, where it starts."""
    # Plain tuples, not model instances: an issue has some eighty placements.
    stories: dict[int, str] = {}
    for article_id, headline in STORIES_OF_ISSUE.fetch(issue=issue):
        stories.setdefault(article_id, headline)
    return list(stories.items())


def _neighbours_in_print(article: Article, reading_order: list[tuple[int, str]]) -> tuple[Article | None, Article | None]:
    """The stories before and after this one in its issue's reading order."""
    ids = [pk for pk, _headline in reading_order]
    if article.pk not in ids:
        return None, None
    index = ids.index(article.pk)

    def story(at: int) -> Article | None:
        return Article(pk=reading_order[at][0], headline=reading_order[at][1]) if 0 <= at < len(ids) else None

    return story(index - 1), story(index + 1)


@cache_public
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A tag's published stories, newest first, with the tag's feeds."""
    tag = published_tag_or_404(slug)
    stories = (
        Article.objects.published()
        .filter(tags=tag)
        .newest_first()
        .with_first_release()
        .only("pk", "kicker", "headline", "subheadline")
    )
    # A common tag runs on thousands of stories: count them as search counts its matches.
    number = request.GET.get("page")
    page = CappedPaginator(stories, RESULTS_PER_PAGE, limit=counted_limit(number, RESULTS_PER_PAGE)).get_page(number)
    return render(request, "articles/tag_detail.html", {"tag": tag, "page_obj": page})


def counted_limit(page_number, per_page: int) -> int:
    """How many matches to count when showing this page: a few pages past it, then stop."""
    try:
        number = min(max(int(page_number), 1), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        number = 1
    return (number + COUNTED_PAGES_AHEAD - 1) * per_page


class CappedPaginator(Paginator):
    """Counts matches only up to ``limit`` (+1, to know there are more)."""

    def __init__(self, object_list, per_page, *, limit: int, counted=None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit
        # The same rows as object_list, if they are cheaper to count another way.
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        # Unordered: which rows are counted does not matter, and sorting every match would.
        return self.counted.order_by()[: self.limit + 1].count()

    @property
    def more_than_counted(self) -> bool:
        return self.count > self.limit


NEWS_PER_PAGE = 20


@cache_public
def news_front(request: HttpRequest) -> HttpResponse:
    """滚动新闻: the latest stories as they went public (网络首发 or the issue's release), paginated."""
    stories = (
        Article.objects.published()
        .as_they_went_public(since=timezone.now() - NEWS_FRONT_WINDOW)
        .only("pk", "kicker", "headline", "subheadline", "online_at")
    )
    number = request.GET.get("page")
    page = CappedPaginator(stories, NEWS_PER_PAGE, limit=counted_limit(number, NEWS_PER_PAGE)).get_page(number)
    return render(request, "articles/news_front.html", {"page_obj": page, "days": NEWS_FRONT_WINDOW.days})


@cache_public
def search(request: HttpRequest) -> HttpResponse:
    """Published stories containing every word the reader typed, highlighted, newest or best first."""
    form = SearchForm(request.GET or None)
    query, page, results = None, None, []
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = parse_query(form.cleaned_data["q"])
        options = {
            "relevance": form.cleaned_data["order"] == SearchForm.ORDER_RELEVANCE,
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
        }
        articles = search_articles(query, **options)
        articles = articles.select_related("search_document").with_tag_list().with_credits().prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.published()
                .select_related("page__issue")
                .order_by("page__issue__date", "page__number"),
                to_attr="printed",
            ),
        )
        number = request.GET.get("page")
        # Counted in no order: on PostgreSQL that skips the newest-first walk (articles.search).
        paginator = CappedPaginator(
            articles,
            RESULTS_PER_PAGE,
            limit=counted_limit(number, RESULTS_PER_PAGE),
            counted=search_articles(query, ordered=False, **options),
        )
        page = paginator.get_page(number)
        results = [_result(article, query.terms) for article in page]
    return render(
        request,
        "articles/search.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "results": results,
            "query_string": _query_string_without_page(request),
        },
    )


def _result(article: Article, terms: tuple[str, ...]) -> dict:
    return {
        "article": article,
        "kicker": highlight(article.kicker, terms),
        "headline": highlight(article.headline, terms),
        "subheadline": highlight(article.subheadline, terms),
        "excerpt": highlight(excerpt(quick_text(article.body), terms), terms),
        "byline": highlight(article_byline_text(article), terms),
        "tags": [highlight(tag.name, terms) for tag in article.tag_list],
        "printed": article.printed,
    }


def _query_string_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
