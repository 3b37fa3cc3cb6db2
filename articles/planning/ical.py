"""Each person's assignments and deadlines as an iCalendar feed (RFC 5545), for a phone calendar.

Written by hand: a VCALENDAR of VEVENTs is a few lines, and the escaping and line folding the
RFC asks for are below. The address carries a per-person secret (CalendarToken) that can be reset.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles.planning.models import CalendarToken, StoryPlan
from issues.numerals import page_label
from newsroom.people import person_name

app_name = "planning"

# The feed covers deadlines from this many days back and at most this many plans.
FEED_PAST_DAYS = 30
FEED_LIMIT = 500


def _escape(text: str) -> str:
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(plans, *, name: str, host: str) -> str:
    """The VCALENDAR text for these plans: one event at each deadline."""
    now = _stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{settings.NEWSROOM['PAPER_NAME']}//newsroom planning//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for plan in plans:
        page = f" {page_label(plan.page_number)}" if plan.page_number else ""
        description = f"{plan.summary}\n{plan.issue_date.isoformat()}{page}, {plan.planned_chars} 字"
        lines += [
            "BEGIN:VEVENT",
            f"UID:storyplan-{plan.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(plan.deadline)}",
            f"DTEND:{_stamp(plan.deadline + datetime.timedelta(minutes=30))}",
            f"SUMMARY:{_escape('截稿：' + plan.slug)}",
            f"DESCRIPTION:{_escape(description)}",
            f"URL:https://{host}{reverse('admin:planning_storyplan_change', args=[plan.pk])}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


@never_cache
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """One person's assignments and deadlines; a wrong or reset token is a 404."""
    found = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if found is None:
        raise Http404("No such calendar.")
    user = found.user
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    plans = (
        StoryPlan.objects.active()
        .filter(Q(reporter=user) | Q(photographer=user), deadline__gte=since)
        .order_by("deadline", "pk")[:FEED_LIMIT]
    )
    name = f"{settings.NEWSROOM['PAPER_NAME']} · {person_name(user)}"
    response = HttpResponse(calendar_text(plans, name=name, host=request.get_host()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="planning.ics"'
    return response


urlpatterns = [path("planning/calendar/<str:token>.ics", ical_feed, name="ical")]
