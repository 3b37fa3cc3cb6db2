"""Sitemaps of released issues, pages and published articles, a Google News sitemap, and robots.txt."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.urls import path
from django.utils import timezone
from django.views.generic import TemplateView

from articles.models import Article, ArticleQuerySet, SearchDocument
from issues.models import Issue, IssueQuerySet, Page, PageQuerySet

# Google News reads stories released in the last two days only.
NEWS_WINDOW = datetime.timedelta(days=2)


class ArchiveSitemap(Sitemap):
    # Crawlers accept 50,000 URLs a file, but rendering that many takes seconds: at ten years
    # (216,000 stories) the index lists about a hundred files of this size instead.
    limit = 2000


class IssueSitemap(ArchiveSitemap):
    changefreq = "never"
    priority = 0.6

    def items(self) -> IssueQuerySet:
        return Issue.objects.released().order_by("-date").only("date", "updated_at")

    def lastmod(self, issue: Issue) -> datetime.datetime:
        return issue.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # One aggregate instead of Django's default, which loads every item to find the latest.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(ArchiveSitemap):
    changefreq = "never"
    priority = 0.5

    def items(self) -> PageQuerySet:
        return (
            Page.objects.released()
            .select_related("issue")
            .order_by("-issue__date", "number")
            .only("number", "issue__date", "issue__updated_at")
        )

    def lastmod(self, page: Page) -> datetime.datetime:
        return page.issue.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        return Issue.objects.released().aggregate(latest=Max("updated_at"))["latest"]


class ArticleSitemap(ArchiveSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self) -> ArticleQuerySet:
        return Article.objects.published().order_by("-pk").only("pk", "updated_at")

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class NewsSitemap(Sitemap):
    """Stories first released in the last two days, with the news: tags Google News reads."""

    limit = 1000  # Google News reads at most 1,000 stories per sitemap

    def items(self) -> ArticleQuerySet:
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .with_first_release()
            # The indexed sort key (issue date first) narrows the archive before release times are compared.
            .filter(
                search_document__sort_key__gte=SearchDocument.first_sort_key(
                    timezone.localdate(since) - datetime.timedelta(days=1)
                )
            )
            .filter(released_at__gte=since)
            .order_by("-released_at", "-pk")
            .only("pk", "headline", "updated_at")
        )

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.updated_at


SITEMAPS = {"issues": IssueSitemap, "pages": PageSitemap, "articles": ArticleSitemap}

urlpatterns = [
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemaps:section"}, name="index"),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "newsroom/news_sitemap.xml"},
        name="news",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="section"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]
