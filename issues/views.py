import datetime
from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

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


def _render_page(request: HttpRequest, issue: Issue, number: int | None) -> HttpResponse:
    pages = list(issue.pages.select_related("editor"))
    for each in pages:
        each.issue = issue
    if number is None:
        page = pages[0] if pages else None
    else:
        page = next((page for page in pages if page.number == number), None)
        if page is None:
            raise Http404(_("This issue has no such page."))
    parts, teasers = [], []
    if page is not None:
        placements = list(Placement.objects.published().filter(page=page).for_reading())
        for placement in placements:
            placement.page = page
        incoming = Jump.objects.filter(to_page=page).select_related("placement")
        parts = story_parts(placements, incoming, pages)
        teasers = _teasers_with_targets(page, pages)
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
        },
    )


def _teasers_with_targets(page, pages) -> list[Teaser]:
    """Teasers of approved stories, each with the pages ("二、三版") its story runs on in this issue."""
    teasers = list(
        page.teasers.filter(ArticleQuerySet.approved_q("article__")).select_related("article")
    )
    if not teasers:
        return []
    pages_by_id = {p.pk: p for p in pages}
    placements = list(
        Placement.objects.published()
        .filter(page__issue=page.issue_id, article__in=[teaser.article_id for teaser in teasers])
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
    # Before the first release there is no year to show (and date__year=0 would be an error).
    issues = Issue.objects.released().filter(date__year=year).only("date", "number", "total_number") if years else []
    months = [
        (month, list(month_issues))
        for month, month_issues in groupby(issues, key=lambda issue: issue.date.replace(day=1))
    ]
    return render(request, "issues/archive.html", {"years": years, "year": year, "months": months})
