"""Sitemaps of released issues, pages and published articles, a Google News sitemap, and robots.txt."""

import datetime
from collections.abc import Callable
from functools import cache

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core import paginator as pagination
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from articles.models import Article, ArticleQuerySet, Correction, Photo, SearchDocument
from issues.models import Issue, IssueQuerySet, Page, PageQuerySet

# Google News reads stories released in the last two days only.
GOOGLE_NEWS_WINDOW = datetime.timedelta(days=2)


def last_corrected(placed: str) -> dict[int, datetime.datetime]:
    """{id: when last corrected} for every issue or page (``placed``: "page__issue" or "page") that
    prints a corrected story or photo news caption.

    One query that starts from the corrections, which are few: asked row by row, or narrowed to a
    file's issues first, a file of 2,000 issues went through every placement of each (0.1–0.4 s
    at ten years).
    """

    def newest(path: str, **also) -> QuerySet:
        return Correction.objects.filter(**also).values_list(path).annotate(latest=Max("corrected_at")).order_by()

    found = newest(f"article__placements__{placed}").union(
        newest(f"photo__placements__{placed}", article__isnull=True), all=True
    )
    corrected: dict[int, datetime.datetime] = {}
    for key, moment in found:
        if key is not None:  # a correction of a story never placed
            corrected[key] = max(moment, corrected.get(key, moment))
    return corrected


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


class IdRangePaginator:
    """Sitemap files of ``per_page`` ids each, counted from the first public row's id.

    A file lists the same rows whenever it is read (new stories, pages and issues open new files
    at the end), so crawlers fetch the old ones again only when they changed; and reading one is
    a range of the primary key however deep the archive. Numbered by offset, every file was a
    COUNT of every public row plus an offset scan through the ones before it: 0.3–0.9 s a file
    at ten years, a hundred and twenty files. A file whose ids are all unpublished is empty, not
    missing.
    """

    def __init__(self, object_list: QuerySet, per_page: int) -> None:
        self.object_list, self.per_page = object_list, per_page

    def _end(self, order: str) -> int | None:
        # Ordered by the key and cut at one: the database stops at the first public row.
        return self.object_list.order_by(order).values_list("pk", flat=True).first()

    @cached_property
    def first_id(self) -> int | None:
        return self._end("pk")

    @cached_property
    def num_pages(self) -> int:
        if self.first_id is None:
            return 1  # an empty first file, as Django's paginator allows
        return (self._end("-pk") - self.first_id) // self.per_page + 1

    def page(self, number) -> pagination.Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise pagination.PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise pagination.EmptyPage("That page number is less than 1")
        items = []
        if self.first_id is not None:
            low = self.first_id + (number - 1) * self.per_page
            items = list(self.object_list.filter(pk__gte=low, pk__lt=low + self.per_page).order_by("pk"))
        if not items and number > 1 and number > self.num_pages:
            raise pagination.EmptyPage("That page contains no results")
        return pagination.Page(items, number, self)


class ArchiveSitemap(Sitemap):
    # Crawlers accept 50,000 URLs a file, but rendering that many takes seconds: at ten years
    # (216,000 stories) the index lists about a hundred files of this size instead, each a range
    # of ids (IdRangePaginator).
    limit = 2000

    def __init__(self, latest_change: Callable[[], datetime.datetime | None] = latest_change) -> None:
        self.latest_change = latest_change

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Two small queries instead of Django's default, which loads every item to find the latest.
        return self.latest_change()

    @property
    def paginator(self) -> "IdRangePaginator":
        return IdRangePaginator(self._items(), self.limit)


class PrintedSitemap(ArchiveSitemap):
    """Issues or pages: changed at their release, or when what they print was last corrected."""

    placed: str  # where a corrected story stands, from a correction: "page__issue" or "page"

    def released_at(self, item) -> datetime.datetime:
        raise NotImplementedError

    @cached_property
    def corrected(self) -> dict[int, datetime.datetime]:
        return last_corrected(self.placed)  # once a file: each request makes its own sitemap

    def lastmod(self, item) -> datetime.datetime:
        released = self.released_at(item)
        return max(released, self.corrected.get(item.pk, released))


class IssueSitemap(PrintedSitemap):
    changefreq = "never"
    priority = 0.6
    placed = "page__issue"

    def items(self) -> IssueQuerySet:
        return Issue.objects.released().only("date", "release_at")

    def released_at(self, issue: Issue) -> datetime.datetime:
        return issue.release_at


class PageSitemap(PrintedSitemap):
    changefreq = "never"
    priority = 0.5
    placed = "page"

    def items(self) -> PageQuerySet:
        return Page.objects.released().select_related("issue").only("number", "issue__date", "issue__release_at")

    def released_at(self, page: Page) -> datetime.datetime:
        return page.issue.release_at


class ArticleSitemap(ArchiveSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self) -> ArticleQuerySet:
        return Article.objects.published().with_last_change().only("pk")

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.changed_at  # ArticleQuerySet.with_last_change()


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
    return sitemap_views.index(
        request, sections, template_name="sitemaps/index.xml", sitemap_url_name="sitemaps:section"
    )


# Drawn with Jinja2 (templates/reader/sitemaps/): Django's own templates take a file of 2,000
# URLs through {% spaceless %}, a third of its render.
urlpatterns = [
    path("sitemap.xml", index, name="index"),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/urlset.xml"},
        name="section",
    ),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]
