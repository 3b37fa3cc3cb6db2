from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from articles.forms import SearchForm
from articles.models import Article
from articles.search import body_text, excerpt, highlight, parse_query, search_articles
from issues.models import Placement

RESULTS_PER_PAGE = 20
# Counting every match of a very common word costs more than it tells: past this, "1000+".
MAX_COUNTED_RESULTS = 1000


def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """The whole story, with its photos, tags and the pages it ran on."""
    article = get_object_or_404(
        Article.objects.published().with_photos().prefetch_related("tags", "corrections"), pk=pk
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
            "description": article.subheadline or excerpt(body_text(article.body), (), width=120),
        },
    )


class CappedPaginator(Paginator):
    """Counts at most MAX_COUNTED_RESULTS + 1 rows, so a page costs the same for any word."""

    @cached_property
    def count(self) -> int:
        # Unordered: which rows are counted does not matter, and sorting every match would.
        return self.object_list.order_by()[: MAX_COUNTED_RESULTS + 1].count()

    @property
    def more_than_counted(self) -> bool:
        return self.count > MAX_COUNTED_RESULTS


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
        articles = articles.select_related("search_document").prefetch_related(
            "tags",
            Prefetch(
                "placements",
                queryset=Placement.objects.published()
                .select_related("page__issue")
                .order_by("page__issue__date", "page__number"),
                to_attr="printed",
            ),
        )
        page = CappedPaginator(articles, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        results = [_result(article, query.terms) for article in page]
    return render(
        request,
        "articles/search.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "results": results,
            "max_counted": MAX_COUNTED_RESULTS,
            "query_string": _query_string_without_page(request),
        },
    )


def _result(article: Article, terms: tuple[str, ...]) -> dict:
    return {
        "article": article,
        "kicker": highlight(article.kicker, terms),
        "headline": highlight(article.headline, terms),
        "subheadline": highlight(article.subheadline, terms),
        "excerpt": highlight(excerpt(body_text(article.body), terms), terms),
        "byline": highlight(article.byline, terms),
        "tags": [highlight(tag.name, terms) for tag in article.tags.all()],
        "printed": article.printed,
    }


def _query_string_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
