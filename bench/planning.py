"""The planning screens on a generated archive, in-process (issue #14): the 稿单, the assembly
screen, the plan list and the calendar, each asked six times, the median of the last five.

    DATABASE_URL=sqlite:////var/bench/sqlite.sqlite3 .venv/bin/python -m bench.planning

Makes a superuser named ``planning-bench`` if there is none. Requests are made with RequestFactory
and a signed-cookie session, so nothing is written (a generator may still be filling the archive);
a real request adds two queries (session and user). bench/views.py measures the same screens in
the full run.
"""

import statistics
import time

from bench import setup_django


def measure(url: str, staff, runs: int = 6) -> tuple[int, int, float]:
    """(status, queries, median milliseconds of all runs but the first) of one desk screen."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    found = []
    for _run in range(runs):
        request = factory.get(url)
        request.user = staff
        request.session = SessionStore()
        request._messages = CookieStorage(request)
        match = resolve(request.path)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
            elapsed = (time.perf_counter() - started) * 1000
        found.append((response.status_code, len(queries), elapsed))
    return found[-1][0], found[-1][1], statistics.median(ms for *_rest, ms in found[1:])


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings
    from django.urls import reverse

    from articles.planning.models import StoryPlan
    from issues.models import Issue

    # In-process, without collectstatic: the plain static storage names files as they are.
    override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    users = get_user_model().objects
    staff = users.filter(username="planning-bench").first() or users.create_superuser(
        "planning-bench", "bench@example.invalid", None
    )
    latest = Issue.objects.order_by("-date").first()
    print(
        f"issues {Issue.objects.count()}, plans {StoryPlan.objects.count()}, latest {latest.date}, "
        f"plans that day {StoryPlan.objects.filter(issue_date=latest.date).count()}"
    )
    urls = {
        "budget (稿单)": reverse("admin:planning_storyplan_budget", args=[latest.date.isoformat()]),
        "assembly": reverse("admin:issues_issue_assembly", args=[latest.pk]),
        "plan list": reverse("admin:planning_storyplan_changelist"),
        "calendar": reverse("admin:planning_storyplan_calendar") + f"?start={latest.date.isoformat()}",
    }
    for label, url in urls.items():
        status, queries, median = measure(url, staff)
        print(f"{label}: status {status}, {queries} queries, median {median:.0f} ms")


if __name__ == "__main__":
    main()
