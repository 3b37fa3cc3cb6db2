import datetime
from functools import partial
from itertools import groupby

from django.db.models import BooleanField, ExpressionWrapper
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from articles.models import ArticleQuerySet
from issues.models import Issue, Jump, Placement, Teaser
from issues.reading import story_parts, teaser_targets


def front_page(request: HttpRequest) -> HttpResponse:
    """The latest released issue's front page."""
    issue = Issue.objects.released().with_neighbours().order_by("-date").first()
    if issue is None:
        return render(request, "issues/no_issue.html", status=404)
    return _render_page(request, issue, number=None)


def issue_detail(request: HttpRequest, date: datetime.date) -> HttpResponse:
    """One day's issue, opened at its front page."""
    issue = get_object_or_404(Issue.objects.released().with_neighbours(), date=date)
    return _render_page(request, issue, number=None)


def page_detail(request: HttpRequest, date: datetime.date, number: int) -> HttpResponse:
    """One page of one issue: its stories in reading order, jump lines and teasers."""
    issue = get_object_or_404(Issue.objects.released().with_neighbours(), date=date)
    return _render_page(request, issue, number=number)


@never_cache
def page_preview(request: HttpRequest, date: datetime.date, number: int) -> HttpResponse:
    """Staff preview: a page of any issue, released or not, as readers will see it, drafts marked."""
    if not request.user.has_perm("issues.preview_issue"):
        raise Http404(_("This issue has no such page."))  # to everyone else the page does not exist
    issue = get_object_or_404(Issue.objects.with_neighbours(), date=date)
    response = _render_page(request, issue, number=number, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _preview_url(page) -> str:
    return reverse("issues:page-preview", kwargs={"date": page.issue.date, "number": page.number})


def _render_page(
    request: HttpRequest, issue: Issue, number: int | None, *, preview: bool = False
) -> HttpResponse:
    """Render one page; a preview shows every placed story, the unapproved ones marked as such."""
    pages = list(issue.pages.select_related("editor"))
    for each in pages:
        each.issue = issue
        if preview:
            # Links between pages (navigation, jumps, teasers) stay inside the preview.
            each.get_absolute_url = partial(_preview_url, each)
    if number is None:
        page = pages[0] if pages else None
    else:
        page = next((page for page in pages if page.number == number), None)
        if page is None:
            raise Http404(_("This issue has no such page."))
    parts, teasers = [], []
    if page is not None:
        if preview:
            # The one bypass of the publication rule: staff only, never cached, not indexed.
            placed = Placement.objects.annotate(
                is_approved=ExpressionWrapper(ArticleQuerySet.approved_q("article__"), output_field=BooleanField())
            )
        else:
            placed = Placement.objects.published()
        placements = list(placed.filter(page=page).for_reading())
        for placement in placements:
            placement.page = page
        incoming = Jump.objects.filter(to_page=page).select_related("placement")
        parts = story_parts(placements, incoming, pages)
        teasers = _teasers_with_targets(page, pages, preview=preview)
    index = pages.index(page) if page in pages else 0
    return render(
        request,
        "issues/page_detail.html",
        {
            "issue": issue,
            "page": page,
            "pages": pages,
            "parts": parts,
            "teasers": teasers,
            "previous_page": pages[index - 1] if index > 0 else None,
            "next_page": pages[index + 1] if index + 1 < len(pages) else None,
            "preview": preview,
        },
    )


def _teasers_with_targets(page, pages, *, preview: bool = False) -> list[Teaser]:
    """Teasers of approved stories, each with the pages ("二、三版") its story runs on in this issue."""
    teasers = page.teasers.select_related("article")
    if not preview:
        teasers = teasers.filter(ArticleQuerySet.approved_q("article__"))
    teasers = list(teasers)
    if not teasers:
        return []
    pages_by_id = {p.pk: p for p in pages}
    placed = Placement.objects.all() if preview else Placement.objects.published()
    placements = list(
        placed.filter(page__issue=page.issue_id, article__in=[teaser.article_id for teaser in teasers])
        .only("page_id", "article_id")
    )
    for placement in placements:
        placement.page = pages_by_id[placement.page_id]
    targets = teaser_targets(teasers, placements)
    for teaser in teasers:
        teaser.target_pages = targets[teaser.pk]
    # A teaser whose story is not (yet) in this issue points nowhere: readers do not see it.
    return [teaser for teaser in teasers if teaser.target_pages]


def archive(request: HttpRequest) -> HttpResponse:
    """Released issues of one year, by month, newest first."""
    years = [day.year for day in Issue.objects.released().dates("date", "year", order="DESC")]
    try:
        year = int(request.GET.get("year", years[0] if years else 0))
    except ValueError:
        raise Http404(_("No such year."))
    if years and year not in years:
        raise Http404(_("No issues were published that year."))
    issues = Issue.objects.released().filter(date__year=year).only("date", "number", "total_number")
    months = [
        (month, list(month_issues))
        for month, month_issues in groupby(issues, key=lambda issue: issue.date.replace(day=1))
    ]
    return render(request, "issues/archive.html", {"years": years, "year": year, "months": months})
