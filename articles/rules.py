"""Who may see and edit which article: the object-level half of the newsroom's permission matrix.

Model permissions (from the role groups) say what a role may do at all; these rules add the
article's state and ownership. Services and the admin both ask here, so they cannot disagree.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from articles.models import Article, ArticleQuerySet


def reporters_see_all_drafts() -> bool:
    return settings.NEWSROOM.get("REPORTERS_SEE_ALL_DRAFTS", False)


def can_review(user: AbstractBaseUser) -> bool:
    """Editors and the chief editor (初审, 二审, sending back)."""
    return user.has_perm("articles.review_article")


def sees_all_articles(user: AbstractBaseUser) -> bool:
    """Editors, the chief editor and superusers see every article; reporters if the setting allows."""
    return user.is_superuser or can_review(user) or reporters_see_all_drafts()


def visible_articles(user: AbstractBaseUser, queryset: ArticleQuerySet) -> ArticleQuerySet:
    """Articles this user may open in the admin: reporters see others' drafts only if the setting allows."""
    if sees_all_articles(user):
        return queryset
    return queryset.filter(Q(reporter=user.pk) | ~Q(status__in=Article.DRAFT_STATES))


def is_published(article: Article) -> bool:
    """Readers can see this article now (the publication rule, asked of one row).

    The answer is kept on the instance for its current status: an admin page asks it of the same
    row from every permission check (once per photo row too). The services read fresh rows.
    """
    known = getattr(article, "_published_for_status", None)
    if known is None or known[0] != article.status:
        known = (article.status, Article.objects.published().filter(pk=article.pk).exists())
        article._published_for_status = known
    return known[1]


def waits_for_its_release(article: Article) -> bool:
    """The story stands on an issue scheduled for release and not out yet: the chief released its
    page with this text, so it is settled until the release is called back.

    Kept on the instance, as is_published: an admin page asks it from every permission check.
    """
    known = getattr(article, "_waits_for_its_release", None)
    if known is None:
        from issues.models import Issue, Placement  # lazy: issues stands above articles

        scheduled = Issue.objects.not_open().unreleased()
        known = Placement.objects.filter(article=article.pk, page__issue__in=scheduled).exists()
        article._waits_for_its_release = known
    return known


def can_edit(user: AbstractBaseUser, article: Article) -> bool:
    """Whether the article's text may be changed by this user through the ordinary form."""
    if not user.has_perm("articles.change_article"):
        return False
    if article.status == Article.Status.WITHDRAWN:
        return False  # a withdrawn story is a record of what was pulled, not a draft
    if waits_for_its_release(article):
        return False
    if article.status in Article.DRAFT_STATES:
        return article.reporter_id == user.pk or user.is_superuser
    if article.status in Article.REVIEW_STATES:
        return can_review(user)
    # Approved: editors may still change it before release (it then needs approval again);
    # once readers can see it, a change is a correction (更正), told to them.
    return can_review(user) and not is_published(article)
