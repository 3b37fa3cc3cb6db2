from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.models import Article
from issues.models import Placement


def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """The whole story, with its photos, tags and the pages it ran on."""
    article = get_object_or_404(
        Article.objects.published().with_photos().prefetch_related("tags", "corrections"), pk=pk
    )
    placements = (
        Placement.objects.published()
        .filter(article=article)
        .select_related("page__issue", "jump__to_page")
        .order_by("-page__issue__date", "page__number")
    )
    return render(
        request, "articles/article_detail.html", {"article": article, "placements": placements}
    )
