"""The planning screens of the desk: the 稿单 (story budget) of an issue and the planning calendar.

Both read a fixed few queries whatever the number of plans (tests/planning pins them).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.planning.models import PlanningEvent, StoryPlan
from articles.planning.services import calendar_token_for, calendar_token_reset
from articles.text import char_count
from issues.fit import PageFill, fills, placement_chars
from issues.numerals import page_label
from newsroom.people import person_name

# How far ahead the calendar looks, in days.
CALENDAR_DAYS = 28


def planning_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path("budget/", wrap(lambda request: budget_today(model_admin, request)), name="planning_storyplan_budget_today"),
        path("budget/<str:date>/", wrap(lambda request, date: budget_view(model_admin, request, date)),
             name="planning_storyplan_budget"),
        path("calendar/", wrap(lambda request: calendar_view(model_admin, request)), name="planning_storyplan_calendar"),
        path("calendar/token/", wrap(lambda request: token_reset_view(model_admin, request)),
             name="planning_storyplan_token_reset"),
    ]


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404(_("Not a date.")) from None


def _filtered(request: HttpRequest, plans):
    """Narrow plans by the screen's filters: person (reporter or photographer), state, page."""
    person, state, page = request.GET.get("person", ""), request.GET.get("state", ""), request.GET.get("page", "")
    if person.isdigit():
        plans = plans.filter(Q(reporter=person) | Q(photographer=person))
    if state in StoryPlan.Status.values:
        plans = plans.filter(status=state)
    if page.isdigit():
        plans = plans.filter(page_number=int(page))
    return plans


@dataclass
class BudgetRow:
    """One story of the 稿单: planned, written, placed, or all three."""

    slug: str
    headline: str = ""
    plan: StoryPlan | None = None
    article: object = None
    reporter: object = None
    photographer: object = None
    planned: int | None = None
    actual: int | None = None
    photos_wanted: int = 0
    photos: int = 0
    state: str = ""
    late: bool = False
    placed_on: str = ""

    @property
    def reporter_name(self) -> str:
        return person_name(self.reporter)

    @property
    def photographer_name(self) -> str:
        return person_name(self.photographer)


@dataclass
class BudgetPage:
    number: int | None
    label: str
    name: str = ""
    editor: object = None
    fill: PageFill | None = None
    rows: list[BudgetRow] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(row.planned or 0 for row in self.rows)


def budget(*, date: datetime.date, user, request: HttpRequest | None = None) -> dict:
    """The 稿单 of one day's issue, page by page (five queries whatever the number of stories)."""
    from issues.models import Issue, Jump, PagePlan, Placement

    issue = Issue.objects.filter(date=date).first()
    plans = StoryPlan.objects.active().seen_by(user).filter(issue_date=date)
    if request is not None:
        plans = _filtered(request, plans)
    plans = list(
        plans.for_listing().with_late().annotate(photo_count=Count("article__photos")).order_by("page_number", "pk")
    )
    pages: list[BudgetPage] = []
    placements: list = []
    if issue is not None:
        issue_pages = list(issue.pages.select_related("editor").order_by("number"))
        placements = list(
            Placement.objects.filter(page__issue=issue, article__isnull=False)
            .select_related("article__reporter", "page")
            .annotate(photo_count=Count("article__photos"))
            .order_by("page__number", "order", "pk")
        )
        jumps = list(Jump.objects.filter(placement__page__issue=issue))
        chars = placement_chars(placements, jumps)
        page_fill = fills(issue_pages, placements, jumps, _planned(plans), chars)
        pages = [
            BudgetPage(page.number, page.label, page.name, page.editor, page_fill[page.pk]) for page in issue_pages
        ]
    else:
        layout = PagePlan.objects.for_date(date)
        slots = list(layout.slots.select_related("editor").order_by("number")) if layout else []
        pages = [BudgetPage(slot.number, page_label(slot.number), slot.name, slot.editor) for slot in slots]
        chars = {}
    by_number = {page.number: page for page in pages}
    placed_by_article: dict[int, list] = {}
    for placement in placements:
        placed_by_article.setdefault(placement.article_id, []).append(placement)
    unpaged = BudgetPage(None, str(_("No page yet")))
    for plan in plans:
        row = BudgetRow(
            slug=plan.slug,
            plan=plan,
            reporter=plan.reporter,
            photographer=plan.photographer,
            planned=plan.planned_chars,
            photos_wanted=plan.photos_wanted,
            photos=plan.photo_count,
            state=plan.get_status_display(),
            late=plan.late,
        )
        if plan.article_id:
            row.article, row.headline = plan.article, plan.article.headline
            row.state = plan.article.get_status_display()
            placed = placed_by_article.pop(plan.article_id, [])
            here = [p for p in placed if p.page.number == plan.page_number]
            # On its planned page, the part that page carries; otherwise the whole story.
            row.actual = chars[here[0].pk] if here else char_count(plan.article.body)
            row.placed_on = "、".join(p.page.label for p in placed)
        page = by_number.get(plan.page_number)
        if page is None and plan.page_number is not None:
            page = by_number.setdefault(plan.page_number, BudgetPage(plan.page_number, page_label(plan.page_number)))
            pages.append(page)
        (page or unpaged).rows.append(row)
    for article_placements in placed_by_article.values():  # placed without a plan
        for placement in article_placements:
            article = placement.article
            by_number[placement.page.number].rows.append(
                BudgetRow(
                    slug=article.headline,
                    headline=article.headline,
                    article=article,
                    reporter=article.reporter,
                    actual=chars[placement.pk],
                    photos=placement.photo_count,
                    state=article.get_status_display(),
                    placed_on=placement.page.label,
                )
            )
    pages.sort(key=lambda page: page.number)
    if unpaged.rows:
        pages.append(unpaged)
    return {
        "date": date,
        "issue": issue,
        "pages": pages,
        "late_count": sum(1 for plan in plans if plan.late),
        "plan_count": len(plans),
    }


def _planned(plans: list[StoryPlan]) -> dict[int, int]:
    planned: dict[int, int] = {}
    for plan in plans:
        if plan.page_number is not None:
            planned[plan.page_number] = planned.get(plan.page_number, 0) + plan.planned_chars
    return planned


def _filter_context(request: HttpRequest) -> dict:
    from articles.planning.services import assignable_people

    return {
        "people": list(assignable_people()),
        "states": StoryPlan.Status.choices,
        "filter_person": request.GET.get("person", ""),
        "filter_state": request.GET.get("state", ""),
        "filter_page": request.GET.get("page", ""),
    }


def budget_today(model_admin, request: HttpRequest) -> HttpResponse:
    """The 稿单 of the next issue being made: tomorrow's, or the first open one."""
    from issues.models import Issue

    issue = Issue.objects.open().filter(date__gte=timezone.localdate()).order_by("date").first()
    date = issue.date if issue else timezone.localdate() + datetime.timedelta(days=1)
    return HttpResponseRedirect(reverse("admin:planning_storyplan_budget", args=[date.isoformat()]))


def budget_view(model_admin, request: HttpRequest, date: str) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    day = _date(date)
    context = budget(date=day, user=request.user, request=request)
    issue = context["issue"]
    return TemplateResponse(
        request,
        "admin/planning/storyplan/budget.html",
        {
            **model_admin.admin_site.each_context(request),
            **context,
            **_filter_context(request),
            "opts": StoryPlan._meta,
            "title": _("稿单 of {date}").format(date=day.isoformat()),
            "previous_day": (day - datetime.timedelta(days=1)).isoformat(),
            "next_day": (day + datetime.timedelta(days=1)).isoformat(),
            "assembly_url": reverse("admin:issues_issue_assembly", args=[issue.pk]) if issue else "",
            "add_url": reverse("admin:planning_storyplan_add") + f"?issue_date={day.isoformat()}",
        },
    )


def calendar(*, start: datetime.date, user, request: HttpRequest | None = None, days: int = CALENDAR_DAYS) -> list[dict]:
    """The next weeks by day: issues, story plans and known events (three queries)."""
    from issues.models import Issue

    end = start + datetime.timedelta(days=days)
    issues = {
        issue.date: issue
        for issue in Issue.objects.filter(date__gte=start, date__lt=end).annotate(page_count=Count("pages"))
    }
    plans = StoryPlan.objects.active().seen_by(user).filter(issue_date__gte=start, issue_date__lt=end)
    if request is not None:
        plans = _filtered(request, plans)
    by_day: dict[datetime.date, list] = {}
    for plan in plans.for_listing().with_late().order_by("issue_date", "page_number", "pk"):
        plan.reporter_name = person_name(plan.reporter)
        by_day.setdefault(plan.issue_date, []).append(plan)
    events: dict[datetime.date, list] = {}
    for event in PlanningEvent.objects.filter(date__gte=start, date__lt=end):
        events.setdefault(event.date, []).append(event)
    return [
        {
            "date": day,
            "issue": issues.get(day),
            "plans": by_day.get(day, []),
            "events": events.get(day, []),
            "today": day == timezone.localdate(),
        }
        for day in (start + datetime.timedelta(days=n) for n in range(days))
    ]


def calendar_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    start = _date(request.GET["start"]) if request.GET.get("start") else timezone.localdate()
    token = calendar_token_for(user=request.user)
    return TemplateResponse(
        request,
        "admin/planning/storyplan/calendar.html",
        {
            **model_admin.admin_site.each_context(request),
            **_filter_context(request),
            "opts": StoryPlan._meta,
            "title": _("Planning calendar"),
            "days": calendar(start=start, user=request.user, request=request),
            "start": start,
            "earlier": (start - datetime.timedelta(days=CALENDAR_DAYS)).isoformat(),
            "later": (start + datetime.timedelta(days=CALENDAR_DAYS)).isoformat(),
            "feed_url": request.build_absolute_uri(reverse("planning:ical", args=[token.token])),
            "reset_url": reverse("admin:planning_storyplan_token_reset"),
        },
    )


def token_reset_view(model_admin, request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        calendar_token_reset(user=request.user)
        messages.success(request, _("Your calendar address is new: the old one no longer works. Subscribe again."))
    return HttpResponseRedirect(reverse("admin:planning_storyplan_calendar"))
