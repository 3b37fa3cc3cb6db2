from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.contributors.models import Contributor, Credit
from articles.models import Article, Photo
from articles.views import RESULTS_PER_PAGE, CappedPaginator, counted_limit
from newsroom.cache import cache_public


def credited_q(contributor: Contributor, to: str = "article") -> Exists:
    return Exists(Credit.objects.filter(**{to: OuterRef("pk")}, contributor=contributor))


@cache_public
def contributor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contributor's published stories, newest first, and their published photo news."""
    contributor = get_object_or_404(Contributor.objects.filter(public_page=True), pk=pk)
    stories = (
        Article.objects.published()
        .filter(credited_q(contributor))
        .newest_first()
        .with_first_release()
        .only("pk", "kicker", "headline", "subheadline")
    )
    photos = list(Photo.objects.published().filter(article__isnull=True).filter(credited_q(contributor, "photo"))[:24])
    number = request.GET.get("page")
    page = CappedPaginator(stories, RESULTS_PER_PAGE, limit=counted_limit(number, RESULTS_PER_PAGE)).get_page(number)
    # Like a tag: a name credited only on unpublished stories is 404, or its page would confirm them.
    if not page.object_list and not photos:
        raise Http404
    return render(request, "contributors/contributor_detail.html",
                  {"contributor": contributor, "page_obj": page, "photos": photos})
