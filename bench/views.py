"""What bench/run measures, and its in-process pass: URLs for each view, queries per request, admin screens.

Run inside Django (``python -m bench.views OUT.json``, with the database in DATABASE_URL):
writes the URL lists the load tool cycles through and, for each view, the queries one request
runs (Django test client + CaptureQueriesContext, the page cache off).

A new public surface joins by adding a line to ``optional_views`` (it is measured when it
answers 200) or to ``PUBLIC_VIEWS``; a new admin screen by adding a line to ``admin_screens``.
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

SAMPLE = 200  # URLs per view the load tool cycles through
QUERY_SAMPLE = 20  # of which this many are counted in-process


def public_views(rng: random.Random) -> dict[str, list[str]]:
    """The reader-facing views on main, each with a sample of real URLs across the archive."""
    from django.urls import reverse

    from issues.models import Issue, Page, Placement

    dates = list(Issue.objects.released().values_list("date", flat=True))
    pages = list(Page.objects.released().values_list("issue__date", "number"))
    stories = list(Placement.objects.published().filter(article__isnull=False).values_list("article_id", flat=True))
    years = sorted({date.year for date in dates})
    return {
        "front": [reverse("issues:front")],
        "issue": [f"/{date.isoformat()}/" for date in rng.sample(dates, min(SAMPLE, len(dates)))],
        "page": [f"/{date.isoformat()}/{number}/" for date, number in rng.sample(pages, min(SAMPLE, len(pages)))],
        "article": [f"/articles/{pk}/" for pk in rng.sample(stories, min(SAMPLE, len(stories)))],
        "archive": [reverse("issues:archive")] + [f"{reverse('issues:archive')}?year={year}" for year in years],
    }


def optional_views(rng: random.Random) -> dict[str, list[str]]:
    """Surfaces other parts of the paper add (search, feeds, sitemap, API): measured if they answer."""
    from issues.models import Issue

    latest = Issue.objects.released().order_by("-date").first()
    day = latest.date.isoformat() if latest else "2020-12-03"
    return {
        # Two- and four-character Chinese queries: the short one is the hard case for an index.
        "search-2char": ["/search/?q=金坛", "/search/?q=产业", "/search/?q=发展", "/search/?q=安全"],
        "search-4char": ["/search/?q=乡村振兴", "/search/?q=生物医药", "/search/?q=转型升级", "/search/?q=安全生产"],
        "feed": ["/feeds/latest/", "/feed/", "/rss/", "/feeds/"],
        "sitemap": ["/sitemap.xml"],
        "api": ["/api/issues/", "/api/v1/issues/", f"/api/issues/{day}/"],
        "epaper-calendar": ["/calendar/", "/epaper/"],
    }


def admin_screens() -> dict[str, str]:
    """Admin screens with a target (< 15 queries, < 300 ms at full size)."""
    from django.urls import NoReverseMatch, reverse

    from issues.models import Issue

    screens = {"admin-article-list": reverse("admin:articles_article_changelist")}
    latest = Issue.objects.order_by("-date").first()
    # The issue assembly screen comes with the editorial workflow; measured once it exists.
    for name in ("admin:issues_issue_assembly", "admin:issues_issue_assemble", "issues:assembly", "workflow:assembly"):
        try:
            screens["admin-issue-assembly"] = reverse(name, args=[latest.pk]) if latest else None
            break
        except NoReverseMatch:
            continue
    screens["admin-issue-change"] = reverse("admin:issues_issue_change", args=[latest.pk]) if latest else None
    return {label: url for label, url in screens.items() if url}


def count_queries(client, url: str) -> tuple[int, int, float, float]:
    """(status, queries, wall ms, CPU + database ms) of one request.

    The second time is this process's CPU time plus the time spent in queries: what the
    request costs on an otherwise idle machine, whatever else shares the CPUs now.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    wall = (time.perf_counter() - started) * 1000
    in_queries = sum(float(query["time"]) for query in captured.captured_queries) * 1000
    cost = (time.process_time() - cpu) * 1000
    if connection.vendor != "sqlite":
        cost += in_queries  # the database server's share, spent outside this process
    return response.status_code, len(captured), wall, cost


def measure(seed: int = 7) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # probing absent surfaces is expected
    # Queries of the view itself: the page cache would answer the second request with none.
    settings.NEWSROOM["PUBLIC_CACHE"]["ENABLED"] = False
    rng = random.Random(seed)
    client = Client(HTTP_HOST="127.0.0.1")
    result = {"views": {}, "admin": {}}
    views = public_views(rng)
    for name, candidates in optional_views(rng).items():
        answering = [url for url in candidates if client.get(url).status_code == 200]
        if answering:
            views[name] = answering
    for name, urls in views.items():
        counts, statuses = [], []
        for url in urls[:QUERY_SAMPLE]:
            status, queries, _wall, _cost = count_queries(client, url)
            counts.append(queries)
            statuses.append(status)
        result["views"][name] = {
            "urls": urls,
            "queries_min": min(counts),
            "queries_max": max(counts),
            "statuses": sorted(set(statuses)),
        }
    if settings.NEWSROOM.get("BENCH_FLOOR"):
        result["views"]["floor"] = {"urls": ["/bench/floor/"], "queries_min": 0, "queries_max": 0, "statuses": [200]}

    staff = get_user_model().objects.filter(is_superuser=True).first()
    if staff is None:
        staff = get_user_model().objects.create_superuser("bench-admin", "bench@example.invalid", None)
    admin_client = Client(HTTP_HOST="127.0.0.1")
    admin_client.force_login(staff)
    for label, url in admin_screens().items():
        runs = [count_queries(admin_client, url) for _ in range(5)]
        result["admin"][label] = {
            "url": url,
            "status": runs[-1][0],
            "queries": runs[-1][1],
            "ms_median": round(statistics.median(wall for _s, _q, wall, _c in runs[1:]), 1),
            "cost_ms_median": round(statistics.median(cost for _s, _q, _w, cost in runs[1:]), 1),
        }
    return result


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    Path(argv[0]).write_text(json.dumps(measure(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
