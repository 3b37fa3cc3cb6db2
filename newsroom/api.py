"""The read-only JSON API for the newsroom's app and WeChat account, under /api/v1/.

django-ninja builds the OpenAPI schema from the type hints below (/api/v1/openapi.json) and
serves Swagger UI from the files it ships (/api/v1/docs), so nothing loads from a CDN. Every
endpoint starts from the publication rule's querysets, as the web pages do.
"""

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Schema
from ninja.pagination import PageNumberPagination, paginate

from articles.contributors.bylines import article_byline_text
from articles.models import Article, ArticleQuerySet, Photo, credits_prefetch, tag_list_prefetch
from articles.search import excerpt, parse_query, quick_text, search_articles
from articles.views import MAX_PAGE_NUMBER, counted_limit
from issues.models import Issue, Page, Placement
from issues.reading import page_parts

api = NinjaAPI(
    title="newsroom API",
    version="1.0",
    description=(
        "Read-only: released issues and their pages, published articles with photos, jumps and tags, "
        "and search. Lists are paginated with `page` (from 1 to 10,000) and `page_size` (at most 100); "
        "the article and search lists count at most ten pages ahead (a count above that means more)."
    ),
    urls_namespace="api",
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _absolute(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url)


# --- Schemas ------------------------------------------------------------------------------------


class TagOut(Schema):
    name: str
    slug: str


class PhotoOut(Schema):
    url: str
    width: int | None
    height: int | None
    caption: str
    credit: str

    @staticmethod
    def resolve_url(photo: Photo, context) -> str:
        return _absolute(context["request"], photo.image.url)


class IssueOut(Schema):
    date: datetime.date
    number: int = Field(description="第N期: the issue's number this year.")
    total_number: int = Field(description="总第N期: the number since the paper's first issue.")
    release_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_url(issue: Issue, context) -> str:
        return _absolute(context["request"], issue.get_absolute_url())


class PageOut(Schema):
    issue_date: datetime.date
    number: int
    label: str = Field(description="第二版 / Page 2, in the reader's language.")
    name: str
    url: str
    image: str | None = Field(description="The printed page as an image, when there is one.")
    pdf: str | None = Field(description="The printed page as a PDF, when there is one.")

    @staticmethod
    def resolve_issue_date(page: Page) -> datetime.date:
        return page.issue.date

    @staticmethod
    def resolve_url(page: Page, context) -> str:
        return _absolute(context["request"], page.get_absolute_url())

    @staticmethod
    def resolve_image(page: Page, context) -> str | None:
        return _absolute(context["request"], page.image.url) if page.image else None

    @staticmethod
    def resolve_pdf(page: Page, context) -> str | None:
        return _absolute(context["request"], page.pdf.url) if page.pdf else None


class IssueDetailOut(IssueOut):
    pages: list[PageOut]

    @staticmethod
    def resolve_pages(issue: Issue) -> list:
        return issue.page_list


class ArticleOut(Schema):
    id: int
    kicker: str
    headline: str
    subheadline: str
    byline: str = Field(description="The printed byline, made from the story's credits (本报记者 左燕 马晓璇).")
    issue_date: datetime.date | None = Field(
        description="The story's first day: the first issue it ran in, or its online release (网络首发) if earlier."
    )
    url: str
    tags: list[TagOut]

    @staticmethod
    def resolve_byline(article: Article) -> str:
        return article_byline_text(article)

    @staticmethod
    def resolve_issue_date(article: Article) -> datetime.date | None:
        return article.search_document.issue_date

    @staticmethod
    def resolve_url(article: Article, context) -> str:
        return _absolute(context["request"], article.get_absolute_url())

    @staticmethod
    def resolve_tags(article: Article) -> list:
        return article.tag_list


class PrintedOut(Schema):
    """Where the story ran: a page, and the page it continues on if it jumps from there."""

    page: PageOut
    continued_on: PageOut | None = Field(description="转版: the page the story continues on.")
    breaks_after_paragraph: int | None = Field(description="How many paragraphs run before the jump line.")

    @staticmethod
    def resolve_continued_on(placement: Placement) -> Page | None:
        jump = _jump_within_issue(placement)
        return jump.to_page if jump else None

    @staticmethod
    def resolve_breaks_after_paragraph(placement: Placement) -> int | None:
        jump = _jump_within_issue(placement)
        return jump.after_paragraph if jump else None


def _jump_within_issue(placement: Placement):
    # A jump into another issue (only an old bypass could make one) would name an unreleased page.
    jump = getattr(placement, "jump", None)
    return jump if jump is not None and jump.to_page.issue_id == placement.page.issue_id else None


class ArticleDetailOut(ArticleOut):
    dateline: str = Field(description="本报讯, or the place the story was filed from.")
    body: str = Field(description="Sanitized HTML.")
    paragraphs: list[str] = Field(description="The body's paragraphs as HTML, the units a jump breaks between.")
    photos: list[PhotoOut]
    printed: list[PrintedOut]

    @staticmethod
    def resolve_photos(article: Article) -> list:
        return list(article.photos.all())

    @staticmethod
    def resolve_printed(article: Article) -> list:
        return article.printed


class StoryPartOut(Schema):
    """A story as one page carries it: its paragraphs here and the jump lines around them."""

    article: ArticleOut | None
    photo: PhotoOut | None = Field(description="Photo news (图片新闻): a photo printed by itself.")
    paragraphs: list[str]
    continued_from: int | None = Field(description="The page number the story comes from (上接).")
    continued_to: int | None = Field(description="The page number the story goes on to (下转).")

    @staticmethod
    def resolve_continued_from(part) -> int | None:
        return part.continued_from.number if part.continued_from else None

    @staticmethod
    def resolve_continued_to(part) -> int | None:
        return part.continued_to.number if part.continued_to else None


class PageDetailOut(PageOut):
    issue: IssueOut
    stories: list[StoryPartOut]


class SearchResultOut(ArticleOut):
    excerpt: str = Field(description="Plain text around the first place the query was found.")

    @staticmethod
    def resolve_excerpt(article: Article, context) -> str:
        return excerpt(quick_text(article.body), context["request"].search_terms)


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers up to MAX_PAGE_NUMBER: a larger one is refused (422) before it reaches SQL.

    Unbounded, page 2**63 made an OFFSET past SQLite's and PostgreSQL's 64-bit integers (a 500).
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE_NUMBER)
        page_size: int | None = Field(None, ge=1)


class CappedPageNumberPagination(BoundedPageNumberPagination):
    """Counts only a few pages past the one asked for, as the search page does.

    Counting every published story of a ten-year archive took 0.3–0.5 s a request; a client
    paging through needs to know only that there is more.
    """

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        limit = counted_limit(pagination.page, page_size)
        return {
            self.items_attribute: queryset[offset : offset + page_size],
            # count is the matches counted, at most one past the limit: more than ``limit`` means more.
            "count": queryset.order_by()[: limit + 1].count(),
        }


# --- Querysets ----------------------------------------------------------------------------------


def _articles(articles: ArticleQuerySet) -> ArticleQuerySet:
    return articles.select_related("search_document").with_tag_list().with_credits()


def _page_out(page: Page, issue: Issue) -> Page:
    page.issue = issue
    return page


# --- Endpoints ----------------------------------------------------------------------------------


@api.get("/issues", response=list[IssueOut], tags=["issues"], summary="Released issues, newest first")
@paginate(BoundedPageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def issue_list(request: HttpRequest):
    return Issue.objects.released().order_by("-date")


@api.get("/issues/{date}", response=IssueDetailOut, tags=["issues"], summary="One issue with its pages")
def issue_detail(request: HttpRequest, date: datetime.date):
    issue = get_object_or_404(Issue.objects.released(), date=date)
    issue.page_list = [_page_out(page, issue) for page in issue.pages.order_by("number")]
    return issue


@api.get(
    "/issues/{date}/pages/{number}",
    response=PageDetailOut,
    tags=["issues"],
    summary="One page: its stories in reading order, cut where they jump",
)
def page_detail(request: HttpRequest, date: datetime.date, number: int):
    issue = get_object_or_404(Issue.objects.released(), date=date)
    pages = [_page_out(page, issue) for page in issue.pages.order_by("number")]
    page = next((page for page in pages if page.number == number), None)
    if page is None:
        raise Http404("This issue has no such page.")
    placements = (
        Placement.objects.published()
        .select_related("article__search_document")
        .prefetch_related(tag_list_prefetch("article__"), credits_prefetch("article__"))
        .select_related("photo", "jump")
    )
    page.stories = page_parts(page, pages, placements.filter(page=page))
    return page


@api.get("/articles", response=list[ArticleOut], tags=["articles"], summary="Published articles, newest first")
@paginate(CappedPageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def article_list(request: HttpRequest, tag: str | None = None):
    articles = Article.objects.published()
    if tag:
        articles = articles.filter(tags__slug=tag)
    return _articles(articles.newest_first())


@api.get("/articles/{int:article_id}", response=ArticleDetailOut, tags=["articles"], summary="One article")
def article_detail(request: HttpRequest, article_id: int):
    article = get_object_or_404(_articles(Article.objects.published()).with_photos(), pk=article_id)
    article.printed = list(
        Placement.objects.published()
        .filter(article=article)
        .select_related("page__issue", "jump__to_page__issue")
        .order_by("page__issue__date", "page__number")
    )
    return article


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=200, description="Words that must all appear, separated by spaces.")
    order: str = Field("newest", pattern="^(newest|relevance)$")
    date_from: datetime.date | None = Field(None, description="First issue date, inclusive.")
    date_to: datetime.date | None = Field(None, description="Last issue date, inclusive.")


@api.get("/search", response=list[SearchResultOut], tags=["articles"], summary="Search published articles")
@paginate(CappedPageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def search(request: HttpRequest, params: Query[SearchParams]):
    query = parse_query(params.q)
    articles = search_articles(
        query, relevance=params.order == "relevance", date_from=params.date_from, date_to=params.date_to
    )
    request.search_terms = query.terms
    return _articles(articles)
