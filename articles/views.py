from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from articles.forms import SearchForm
from articles.models import Article
from articles.search import excerpt, highlight, parse_query, quick_text, search_articles
from issues.models import Placement
from newsroom.cache import cache_public

RESULTS_PER_PAGE = 20
# Counting every match of a very common word costs more than it tells: a page counts the matches
# up to this many pages past itself ("more than 200 stories"), so page 1 is as quick for 督查 as
# for a rare name, and "more results" still leads on as far as the reader goes.
COUNTED_PAGES_AHEAD = 10
# No reader pages this far; a larger number is read as this one, so LIMIT/OFFSET stay far inside
# the databases' 64-bit integers (page 2**63 was a 500).
MAX_PAGE_NUMBER = 10_000


@cache_public
def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """The whole story, with its photos, tags and the pages it ran on."""
    article = get_object_or_404(
        Article.objects.published().with_photos().with_tag_list().prefetch_related("corrections"), pk=pk
    )
    placements = list(
        Placement.objects.published()
        .filter(article=article)
        .select_related("page__issue", "jump__to_page")
        .order_by("-page__issue__date", "page__number")
    )
    photos = list(article.photos.all())
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "placements": placements,
            # For sharing: the first photo, and when the story first reached readers.
            "share_photo": photos[0] if photos else None,
            "published_at": min(placement.page.issue.release_at for placement in placements),
            "description": article.subheadline or excerpt(quick_text(article.body), (), width=120),
        },
    )


def counted_limit(page_number, per_page: int) -> int:
    """How many matches to count when showing this page: a few pages past it, then stop."""
    try:
        number = min(max(int(page_number), 1), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        number = 1
    return (number + COUNTED_PAGES_AHEAD - 1) * per_page


class CappedPaginator(Paginator):
    """Counts matches only up to ``limit`` (+1, to know there are more)."""

    def __init__(self, object_list, per_page, *, limit: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit

    @cached_property
    def count(self) -> int:
        # Unordered: which rows are counted does not matter, and sorting every match would.
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def more_than_counted(self) -> bool:
        return self.count > self.limit


@cache_public
def search(request: HttpRequest) -> HttpResponse:
    """Published stories containing every word the reader typed, highlighted, newest or best first."""
    form = SearchForm(request.GET or None)
    query, page, results = None, None, []
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = parse_query(form.cleaned_data["q"])
        articles = search_articles(
            query,
            relevance=form.cleaned_data["order"] == SearchForm.ORDER_RELEVANCE,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
        articles = articles.select_related("search_document").with_tag_list().prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.published()
                .select_related("page__issue")
                .order_by("page__issue__date", "page__number"),
                to_attr="printed",
            ),
        )
        number = request.GET.get("page")
        paginator = CappedPaginator(articles, RESULTS_PER_PAGE, limit=counted_limit(number, RESULTS_PER_PAGE))
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
        "byline": highlight(article.byline, terms),
        "tags": [highlight(tag.name, terms) for tag in article.tag_list],
        "printed": article.printed,
    }


def _query_string_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
