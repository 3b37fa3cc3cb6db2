import calendar
import datetime
import time
from functools import partial

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from articles.models import STORY_CREDITS, STORY_PHOTOS, ArticleQuerySet, Correction
from issues.models import Issue, Page, Placement, Teaser
from issues.reading import StoryPart, page_parts, teaser_targets
from newsroom.cache import cache_public, cache_tag
from newsroom.fragments import cached_fragments, template_version
from newsroom.prepared import PreparedQuery
from newsroom.structured_data import json_ld, publication_issue


# The reader's page queries, compiled once per process (newsroom/prepared.py). The latest issue
# is picked in a subquery first: ordering the annotated queryset would work out both neighbour
# subqueries for every issue in the archive before keeping one (47 ms at ten years).
LATEST_ISSUE = PreparedQuery(
    lambda: Issue.objects.released()
    .with_neighbours()
    .filter(pk=Subquery(Issue.objects.released().order_by("-date").values("pk")[:1]))
)
ISSUE_ON = PreparedQuery(lambda date: Issue.objects.released().with_neighbours().filter(date=date), date=datetime.date)
PAGES_OF_ISSUE = PreparedQuery(lambda issue: Page.objects.filter(issue=issue).select_related("editor"), issue=int)


@cache_public
def front_page(request: HttpRequest) -> HttpResponse:
    """The latest released issue's front page."""
    issue = LATEST_ISSUE.first()
    if issue is None:
        return render(request, "issues/no_issue.html", status=404)
    return _render_page(request, issue, number=None)


@cache_public
def issue_detail(request: HttpRequest, date: datetime.date) -> HttpResponse:
    """One day's issue, opened at its front page."""
    issue = ISSUE_ON.first(date=date)
    if issue is None:
        return _no_issue_on(request, date)
    return _render_page(request, issue, number=None)


@cache_public
def page_detail(request: HttpRequest, date: datetime.date, number: int) -> HttpResponse:
    """One page of one issue: its page image with hot zones when it has one, its stories, jumps and teasers."""
    issue = ISSUE_ON.first(date=date)
    if issue is None:
        return _no_issue_on(request, date)
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


def _no_issue_on(request: HttpRequest, date: datetime.date) -> HttpResponse:
    """A 404 that helps: the nearest released issues before and after the date asked for."""
    nearest = Issue.objects.released().aggregate(
        before=Max("date", filter=Q(date__lt=date)), after=Min("date", filter=Q(date__gt=date))
    )
    return render(request, "issues/issue_missing.html", {"date": date, **nearest}, status=404)


def date_jump(request: HttpRequest) -> HttpResponse:
    """The date picker's target without JavaScript: ?date=YYYY-MM-DD goes to that day's issue."""
    try:
        date = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        raise Http404(_("Pick a date to open that day's paper."))
    return redirect("issues:issue-detail", date=date)


def _render_page(
    request: HttpRequest, issue: Issue, number: int | None, *, preview: bool = False
) -> HttpResponse:
    """Render one page; a preview shows every placed story, the unapproved ones marked as such."""
    pages = list(issue.pages.select_related("editor")) if preview else PAGES_OF_ISSUE.fetch(issue=issue.pk)
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
    parts, teasers, zones = [], [], []
    # Before the page's rows are read: a part dropped after this is not stored (newsroom.fragments).
    started = time.time()
    if page is not None:
        cache_tag(request, f"page:{page.pk}")  # what drops it: newsroom/invalidation.py
        if preview:
            # The one bypass of the publication rule: staff only, never cached, not indexed.
            placements = _placements_to_read(
                Placement.objects.annotate(
                    is_approved=ExpressionWrapper(ArticleQuerySet.approved_q("article__"), output_field=BooleanField())
                ),
                zones=bool(page.image),
            ).filter(page=page)
        else:
            placements = (PUBLISHED_ON_IMAGED_PAGE if page.image else PUBLISHED_ON_PAGE).fetch(page=page.pk)
        parts = page_parts(page, pages, placements)
        # Photo news is drawn on every render; a story's notes only with its part (_draw_parts).
        attach_corrections([part.placement for part in parts if part.article is None])
        if page.image:
            zones = [(zone, part) for part in parts for zone in part.placement.hot_zones.all()]
        teasers = _teasers_with_targets(page, pages, preview=preview)
    sidebar = _draw_parts(parts, {"issue": issue, "page": page, "pages": pages}, preview=preview, started=started)
    index = pages.index(page) if page in pages else 0
    return render(
        request,
        "issues/page_detail.html",
        {
            "issue": issue,
            "page": page,
            "pages": pages,
            "parts": parts,
            "zones": zones,
            "teasers": teasers,
            "sidebar": sidebar,
            "previous_page": pages[index - 1] if index > 0 else None,
            "next_page": pages[index + 1] if index + 1 < len(pages) else None,
            "preview": preview,
            # Not in a preview: an unreleased issue must not describe itself to anyone.
            "structured_data": None
            if preview
            else json_ld({"@context": "https://schema.org", **publication_issue(request, issue)}),
        },
    )


def _placements_to_read(placements, *, zones: bool):
    # Photos and credits only for the stories drawn, not for those whose part is stored (_draw_parts).
    placements = placements.for_reading(photos=False, credits=False).annotate(has_corrections=HAS_CORRECTIONS)
    # Zones hang off the placements shown: an unapproved story has no zone to click.
    return placements.prefetch_related("hot_zones") if zones else placements


PUBLISHED_ON_PAGE = PreparedQuery(
    lambda page: _placements_to_read(Placement.objects.published(), zones=False).filter(page=page), page=int
)
PUBLISHED_ON_IMAGED_PAGE = PreparedQuery(
    lambda page: _placements_to_read(Placement.objects.published(), zones=True).filter(page=page), page=int
)


STORY_PART_TEMPLATE = "issues/includes/story_part.html"
SIDEBAR_TEMPLATE = "issues/includes/sidebar.html"
# Everything a stored part is drawn with: in each stored part's name, so a deploy that changes
# one of them draws the parts again.
STORY_PART_TEMPLATES = (
    STORY_PART_TEMPLATE,
    "articles/includes/photo.html",
    "articles/includes/corrections.html",
    "contributors/includes/byline.html",
)
SIDEBAR_TEMPLATES = (SIDEBAR_TEMPLATE, "issues/includes/page_nav.html", "issues/includes/issue_nav.html")


def _draw_parts(parts: list[StoryPart], sidebar: dict, *, preview: bool, started: float) -> SafeString:
    """Each story part's HTML as ``part.html``, and the sidebar's (the issue's pages and its
    neighbours) returned: stored (newsroom.fragments), drawn on a miss.

    A preview draws every part (drafts are never stored, its links stay in the preview). Any
    change to a story drops its tag; the name of a stored story part holds what it shows besides
    its story: where it starts and ends, and the pages its jump lines link to. The sidebar is
    stored under the issue's tag and named by the page it marks and the neighbouring issues'
    dates, which the clock's switch to a new issue changes; any change to a released issue's
    pages drops every stored part (newsroom/invalidation.py).
    """
    stories = [part for part in parts if part.article is not None]

    def draw(indexes: list[int]) -> list[SafeString]:
        drawn = [index for index in indexes if index < len(stories)]
        articles = [stories[index].placement.article for index in drawn]
        STORY_PHOTOS.attach(articles)
        STORY_CREDITS.attach(articles)
        attach_corrections([stories[index].placement for index in drawn])
        template = get_template(STORY_PART_TEMPLATE)
        # Our own templates' output: Jinja2 hands it back as a plain string.
        html = {index: mark_safe(template.render({"part": stories[index], "preview": preview})) for index in drawn}
        if len(stories) in indexes:
            html[len(stories)] = mark_safe(get_template(SIDEBAR_TEMPLATE).render(sidebar))
        return [html[index] for index in indexes]

    page, issue = sidebar["page"], sidebar["issue"]
    if preview or page is None:
        drawn = draw(list(range(len(stories) + 1)))
    else:
        version = template_version(*STORY_PART_TEMPLATES)
        drawn = cached_fragments(
            [
                *(
                    (
                        f"article:{part.article.pk}",
                        f"story-part:{version}:{part.article.pk}:{part.start}:{part.end}:"
                        f"{_page_link(part.continued_from)}:{_page_link(part.continued_to)}",
                    )
                    for part in stories
                ),
                (
                    f"issue:{issue.pk}",
                    f"sidebar:{template_version(*SIDEBAR_TEMPLATES)}:{page.pk}:{issue.previous_date}:{issue.next_date}",
                ),
            ],
            draw,
            started=started,
        )
    *story_html, sidebar_html = drawn
    for part, html in zip(stories, story_html, strict=True):
        part.html = html
    return sidebar_html


def _page_link(page) -> str:
    return f"{page.pk}@{page.get_absolute_url()}" if page is not None else ""


# Whether a placement's story (or its photo news caption) was corrected: asked in the placements'
# own query, so a page without corrections (nearly every page) costs no query for them.
HAS_CORRECTIONS = Exists(
    Correction.objects.filter(
        Q(article=OuterRef("article")) | Q(article__isnull=True, photo=OuterRef("photo"))
    )
)


def attach_corrections(placements: list[Placement]) -> None:
    """Each placement's 更正 notes (its story's, or its photo news caption's) as ``placement.corrections``.

    One query when any placement was corrected (``has_corrections``), none otherwise.
    """
    corrected = [placement for placement in placements if placement.has_corrections]
    article_ids = {placement.article_id for placement in corrected if placement.article_id}
    photo_ids = {placement.photo_id for placement in corrected if placement.photo_id}
    notes: dict[tuple[str, int], list[Correction]] = {}
    if article_ids or photo_ids:
        for correction in Correction.objects.filter(
            Q(article__in=article_ids) | Q(article__isnull=True, photo__in=photo_ids)
        ):
            key = ("article", correction.article_id) if correction.article_id else ("photo", correction.photo_id)
            notes.setdefault(key, []).append(correction)
    for placement in placements:
        key = ("article", placement.article_id) if placement.article_id else ("photo", placement.photo_id)
        placement.corrections = notes.get(key, [])


def _teasers_with_targets(page, pages, *, preview: bool = False) -> list[Teaser]:
    """Teasers of approved stories, each with the pages ("二、三版") its story runs on in this issue."""
    teasers = list(page.teasers.select_related("article")) if preview else APPROVED_TEASERS.fetch(page=page.pk)
    if not teasers:
        return []
    pages_by_id = {p.pk: p for p in pages}
    stories = [teaser.article_id for teaser in teasers]
    if preview:
        placements = list(_teaser_placements(Placement.objects.all(), page.issue_id, stories))
    else:
        placements = PUBLISHED_TEASER_PLACEMENTS.fetch(issue=page.issue_id, stories=stories)
    for placement in placements:
        placement.page = pages_by_id[placement.page_id]
    targets = teaser_targets(teasers, placements)
    for teaser in teasers:
        teaser.target_pages = targets[teaser.pk]
    # A teaser whose story is not (yet) in this issue points nowhere: readers do not see it.
    return [teaser for teaser in teasers if teaser.target_pages]


APPROVED_TEASERS = PreparedQuery(
    lambda page: Teaser.objects.filter(page=page).select_related("article").filter(ArticleQuerySet.approved_q("article__")),
    page=int,
)


def _teaser_placements(placements, issue, stories):
    return placements.filter(page__issue=issue, article__in=stories).only("page_id", "article_id")


PUBLISHED_TEASER_PLACEMENTS = PreparedQuery(
    lambda issue, stories: _teaser_placements(Placement.objects.published(), issue, stories), issue=int, stories=list
)


@cache_public
def archive(request: HttpRequest) -> HttpResponse:
    """往期回顾: the month of the latest released issue; the month/year form lands here too."""
    if "year" in request.GET:
        try:
            year = int(request.GET["year"])
            month = int(request.GET.get("month", 12))
        except ValueError:
            raise Http404(_("No such month."))
        if not 1 <= month <= 12 or not datetime.MINYEAR <= year <= datetime.MAXYEAR:
            raise Http404(_("No such month."))
        return redirect("issues:archive-month", year=year, month=month)
    latest = Issue.objects.released().aggregate(date=Max("date"))["date"]
    if latest is None:
        return render(request, "issues/archive.html", {"weeks": []})
    return _render_month(request, latest.year, latest.month)


@cache_public
def archive_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """One month of the archive as a calendar: the days with an issue are links."""
    if not 1 <= month <= 12:
        raise Http404(_("No such month."))
    return _render_month(request, year, month)


def _render_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not datetime.MINYEAR < year < datetime.MAXYEAR:
        raise Http404(_("The archive has no issues that year."))
    first = datetime.date(year, month, 1)
    after_month = (first + datetime.timedelta(days=31)).replace(day=1)
    released = Issue.objects.released()
    span = released.aggregate(
        first=Min("date"),
        last=Max("date"),
        before=Max("date", filter=Q(date__lt=first)),
        after=Min("date", filter=Q(date__gte=after_month)),
    )
    # Any month of the years the paper has issues in; outside them there is nothing to show.
    if span["first"] is None or not span["first"].year <= year <= span["last"].year:
        raise Http404(_("The archive has no issues that year."))
    issues = {
        issue.date: issue
        for issue in released.filter(date__gte=first, date__lt=after_month).only(
            "date", "number", "total_number"
        )
    }
    weeks = [
        [(day, issues.get(day) if day.month == month else None, day.month == month) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    return render(
        request,
        "issues/archive.html",
        {
            "month": first,
            "weeks": weeks,
            "weekdays": [weeks[0][n][0] for n in range(7)],
            "issue_count": len(issues),
            "before": span["before"],
            "after": span["after"],
            "years": range(span["last"].year, span["first"].year - 1, -1),
            "months": [datetime.date(year, n, 1) for n in range(1, 13)],
            # The arrows step to the nearest month that has an issue: a gap (a strike, a holiday
            # break, the years before the archive was digitised) is one click, not one per month.
            "previous_month": span["before"] and span["before"].replace(day=1),
            "next_month": span["after"] and span["after"].replace(day=1),
        },
    )
