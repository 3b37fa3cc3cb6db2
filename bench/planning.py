"""The planning screens on a generated archive, in-process (issue #14): the 稿单, the assembly
screen, the plan list and the calendar, each asked six times, the median of the last five.

    DATABASE_URL=sqlite:///var/bench/sqlite.sqlite3 .venv/bin/python bench/planning.py

Needs a superuser named ``planning-bench``. Requests are made with RequestFactory and a signed-cookie
session, so nothing is written (a generator may still be filling the archive); a real request adds
two queries (session and user). bench/views.py measures the same screens in the full run.
"""

import os, sys, statistics, time, django
sys.path.insert(0, "/work/wt-planning")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.conf import settings
from django.test.utils import override_settings
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from issues.models import Issue
from articles.planning.models import StoryPlan
staff = get_user_model().objects.filter(username="planning-bench").first() or get_user_model().objects.create_superuser("planning-bench", "bench@example.invalid", None)
latest = Issue.objects.order_by("-date").first()
print("issues", Issue.objects.count(), "plans", StoryPlan.objects.count(), "latest", latest.date, "plans that day", StoryPlan.objects.filter(issue_date=latest.date).count())
urls = {"budget (稿单)": reverse("admin:planning_storyplan_budget", args=[latest.date.isoformat()]),
        "assembly": reverse("admin:issues_issue_assembly", args=[latest.pk]),
        "plan list": reverse("admin:planning_storyplan_changelist"),
        "calendar": reverse("admin:planning_storyplan_calendar") + f"?start={latest.date.isoformat()}"}
rf = RequestFactory(HTTP_HOST="127.0.0.1")
for label, url in urls.items():
    runs = []
    for _ in range(6):
        request = rf.get(url)
        request.user = staff
        request.session = SessionStore()
        request._messages = CookieStorage(request)
        match = resolve(request.path)
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
            ms = (time.perf_counter() - t) * 1000
        runs.append((response.status_code, len(q), ms))
    print(f"{label}: status {runs[-1][0]}, {runs[-1][1]} queries, median {statistics.median(m for *_x, m in runs[1:]):.0f} ms")
