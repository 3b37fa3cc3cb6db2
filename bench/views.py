"""What bench/run measures, and its in-process pass: URLs for each view, queries per request, admin screens.

Run inside Django (``python -m bench.views OUT.json``, with the database in DATABASE_URL):
writes the URL lists the load tool cycles through and, for each view, the queries one request
runs (Django test client + CaptureQueriesContext, the page cache off).
``python -m bench.views OUT.json search`` measures only the views whose names start with
``search`` (the one-reader search latency), and no admin screens.

A new public surface joins with an entry in ``public_views``; a new admin screen with a line
in ``admin_screens``. A view that does not answer 200 fails the run: every one must exist.
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

SAMPLE = 200  # URLs per view the load tool cycles through
QUERY_SAMPLE = 20  # of which this many are counted in-process
SEARCH_REPEATS = 10  # each search URL, one request at a time, for the search latency


def public_views(rng: random.Random) -> dict[str, list[str]]:
    """Every reader-facing view, each with a sample of real URLs across the archive."""
    from django.urls import reverse

    from articles.models import Article
    from issues.models import Issue, Page

    dates = list(Issue.objects.released().values_list("date", flat=True))
    pages = list(Page.objects.released().values_list("issue__date", "number"))
    stories = list(Article.objects.published().values_list("pk", flat=True))
    months = sorted({(date.year, date.month) for date in dates})
    search = reverse("articles:search")
    sample = lambda items: rng.sample(items, min(SAMPLE, len(items)))  # noqa: E731
    return {
        "front": [reverse("issues:front")],
        "issue": [f"/{date.isoformat()}/" for date in sample(dates)],
        "page": [f"/{date.isoformat()}/{number}/" for date, number in sample(pages)],
        "article": [f"/articles/{pk}/" for pk in sample(stories)],
        "archive": [reverse("issues:archive")]
        + [reverse("issues:archive-month", args=month) for month in sample(months)],
        # Two- and four-character Chinese queries: the short one is the hard case for an index.
        # Percent-encoded, as browsers send them (wrk sends a request line as given).
        "search-2char": [search + "?" + urlencode({"q": word}) for word in ("金坛", "产业", "发展", "安全", "督查", "宣讲")],
        "search-4char": [search + "?" + urlencode({"q": word}) for word in ("乡村振兴", "生物医药", "转型升级", "安全生产", "集中宣讲")],
        "feed": [reverse("articles:feed-rss"), reverse("articles:feed-atom")],
        "sitemap": [reverse("sitemaps:index"), reverse("sitemaps:news")]
        + [reverse("sitemaps:section", args=[section]) for section in ("issues", "pages", "articles")],
        "api": ["/api/v1/issues", "/api/v1/articles"]
        + [f"/api/v1/issues/{date.isoformat()}" for date in sample(dates)[:50]]
        + [f"/api/v1/articles/{pk}" for pk in sample(stories)[:50]],
    }


def admin_screens() -> dict[str, str]:
    """Admin screens with a target (< 15 queries, < 300 ms at full size)."""
    from django.urls import reverse

    from issues.models import Issue

    screens = {"admin-article-list": reverse("admin:articles_article_changelist")}
    latest = Issue.objects.order_by("-date").first()
    screens["admin-issue-assembly"] = reverse("admin:issues_issue_assembly", args=[latest.pk]) if latest else None
    screens["admin-issue-change"] = reverse("admin:issues_issue_change", args=[latest.pk]) if latest else None
    # 选题 (articles.planning): the 稿单 of the latest issue and the plan list over ten years of plans.
    screens["admin-story-budget"] = (
        reverse("admin:planning_storyplan_budget", args=[latest.date.isoformat()]) if latest else None
    )
    screens["admin-plan-list"] = reverse("admin:planning_storyplan_changelist")
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


def measure(seed: int = 7, only: str = "") -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    # Queries of the view itself: the page cache would answer the second request with none.
    settings.NEWSROOM["PUBLIC_CACHE"]["ENABLED"] = False
    rng = random.Random(seed)
    client = Client(HTTP_HOST="127.0.0.1")
    result = {"views": {}, "admin": {}}
    views = public_views(rng)
    for name, urls in views.items():
        if not name.startswith(only):
            continue
        counts, statuses = [], []
        # Spread over the list, so every kind of URL a view has (lists, details) is counted.
        counted = urls[:: max(1, len(urls) // QUERY_SAMPLE)][:QUERY_SAMPLE]
        for url in counted:
            status, queries, _wall, _cost = count_queries(client, url)
            counts.append(queries)
            statuses.append(status)
        if statuses != [200] * len(statuses):
            raise SystemExit(f"{name}: {counted} answered {statuses}, not 200")
        result["views"][name] = {
            "urls": urls,
            "queries_min": min(counts),
            "queries_max": max(counts),
            "statuses": sorted(set(statuses)),
        }
        if name.startswith("search"):
            # What one reader waits for, with nobody else on the server: the load passes add queueing.
            walls = sorted(count_queries(client, url)[2] for url in urls for _ in range(SEARCH_REPEATS))
            result["views"][name]["alone_p50"] = round(statistics.median(walls), 1)
            result["views"][name]["alone_p95"] = round(walls[int(0.95 * (len(walls) - 1))], 1)
    if only:
        return result
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
    Path(argv[0]).write_text(json.dumps(measure(only=argv[1] if len(argv) > 1 else ""), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
