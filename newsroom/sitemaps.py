"""Sitemaps of released issues, pages and published articles, a Google News sitemap, and robots.txt."""

import datetime
from collections.abc import Callable
from functools import cache

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import DateTimeField, Exists, Max, OuterRef, Q, Subquery
from django.urls import path
from django.utils import timezone
from django.views.generic import TemplateView

from articles.models import Article, ArticleQuerySet, Correction, Photo, SearchDocument, last_change
from issues.models import Issue, IssueQuerySet, Page, PageQuerySet

# Google News reads stories released in the last two days only.
GOOGLE_NEWS_WINDOW = datetime.timedelta(days=2)


def latest_correction(on: Q) -> Subquery:
    """When a story (or photo news caption) matching ``on`` (with OuterRef) was last corrected."""
    return Subquery(
        Correction.objects.filter(on).order_by("-corrected_at").values("corrected_at")[:1],
        output_field=DateTimeField(),
    )


def corrected_on(placed: str) -> Q:
    """Corrections of the stories, or photo news captions, placed where ``placed`` says."""
    return Q(**{f"article__placements__{placed}": OuterRef("pk")}) | Q(
        article__isnull=True, **{f"photo__placements__{placed}": OuterRef("pk")}
    )


def latest_change() -> datetime.datetime | None:
    """The newest release or correction readers can see, for the sitemap index.

    Corrections newest first, each asked whether its story (or photo news) is public: the first
    that is ends the search. Asking the other way round, whether a correction's story is among
    the published ones, worked out every published story first (0.6 s at ten years, per section).
    """
    visible = Exists(Article.objects.published().filter(pk=OuterRef("article_id"))) | (
        Q(article__isnull=True) & Exists(Photo.objects.published().filter(pk=OuterRef("photo_id")))
    )
    corrected = Correction.objects.filter(visible).order_by("-corrected_at").values_list("corrected_at", flat=True)
    released = Issue.objects.released().aggregate(latest=Max("release_at"))["latest"]
    return max((moment for moment in (corrected.first(), released) if moment is not None), default=None)


class ArchiveSitemap(Sitemap):
    # Crawlers accept 50,000 URLs a file, but rendering that many takes seconds: at ten years
    # (216,000 stories) the index lists about a hundred files of this size instead.
    limit = 2000

    def __init__(self, latest_change: Callable[[], datetime.datetime | None] = latest_change) -> None:
        self.latest_change = latest_change

    def lastmod(self, item) -> datetime.datetime:
        return item.changed_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Two small queries instead of Django's default, which loads every item to find the latest.
        return self.latest_change()


class IssueSitemap(ArchiveSitemap):
    changefreq = "never"
    priority = 0.6

    def items(self) -> IssueQuerySet:
        return (
            Issue.objects.released()
            .order_by("-date")
            .only("date")
            .annotate(changed_at=last_change("release_at", latest_correction(corrected_on("page__issue"))))
        )


class PageSitemap(ArchiveSitemap):
    changefreq = "never"
    priority = 0.5

    def items(self) -> PageQuerySet:
        return (
            Page.objects.released()
            .select_related("issue")
            .order_by("-issue__date", "number")
            .only("number", "issue__date")
            .annotate(changed_at=last_change("issue__release_at", latest_correction(corrected_on("page"))))
        )


class ArticleSitemap(ArchiveSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self) -> ArticleQuerySet:
        return (
            Article.objects.published()
            .with_last_change()
            .order_by("-pk")
            .only("pk")
        )


class NewsSitemap(Sitemap):
    """Stories first released in the last two days, with the news: tags Google News reads."""

    limit = 1000  # Google News reads at most 1,000 stories per sitemap

    def items(self) -> ArticleQuerySet:
        since = timezone.now() - GOOGLE_NEWS_WINDOW
        return (
            Article.objects.published()
            .with_last_change()
            # The indexed sort key (issue date first) narrows the archive before release times are compared.
            .filter(
                search_document__sort_key__gte=SearchDocument.first_sort_key(
                    timezone.localdate(since) - datetime.timedelta(days=1)
                )
            )
            .filter(released_at__gte=since)
            .order_by("-released_at", "-pk")
            .only("pk", "headline")
        )

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.changed_at


SITEMAPS = {"issues": IssueSitemap, "pages": PageSitemap, "articles": ArticleSitemap}


def index(request):
    """The sitemap index: every section's latest change is the site's, worked out once a request."""
    latest = cache(latest_change)
    sections = {name: section(latest) for name, section in SITEMAPS.items()}
    return sitemap_views.index(request, sections, sitemap_url_name="sitemaps:section")


urlpatterns = [
    path("sitemap.xml", index, name="index"),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "newsroom/news_sitemap.xml"},
        name="news",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="section"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]
