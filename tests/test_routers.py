"""Readers' requests read the replica; the admin, writes and the writer's next pages read the primary.

These tests drive the router and its middleware with a stand-in view; tests/scaleout/run.sh
shows the same against a real streaming replica.
"""

import pytest
from django.db import OperationalError, router
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article
from newsroom import routers
from newsroom.routers import (
    PIN_COOKIE,
    PRIMARY,
    REPLICA,
    PrimaryReplicaRouter,
    QueryCountHeaderMiddleware,
    ReplicaRoutingMiddleware,
)


@pytest.fixture
def replica(monkeypatch):
    """A site with a replica that answers; `replica.up = False` makes it stop answering."""

    class Replica:
        up = True
        checks = 0

    state = Replica()

    def available() -> bool:
        state.checks += 1
        return state.up and routers.time.monotonic() >= routers._replica_down_until

    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    monkeypatch.setattr(routers, "replica_available", available)
    monkeypatch.setattr(routers, "_replica_down_until", 0.0)
    return state


def reading_view(seen: list):
    """A view that notes where its reads go, before and after an optional write."""

    def view(request):
        seen.append(router.db_for_read(Article))
        if request.GET.get("write"):
            router.db_for_write(Article)
            seen.append(router.db_for_read(Article))
        return HttpResponse("ok")

    return view


def run(path="/", method="get", cookies=None, **params):
    seen: list[str] = []
    request = getattr(RequestFactory(), method)(path, params)
    request.COOKIES.update(cookies or {})
    response = ReplicaRoutingMiddleware(reading_view(seen))(request)
    return seen, response


def test_router_reads_the_primary_outside_a_request():
    assert PrimaryReplicaRouter().db_for_read(Article) == PRIMARY
    assert PrimaryReplicaRouter().db_for_write(Article) == PRIMARY


def test_router_never_migrates_the_replica():
    assert PrimaryReplicaRouter().allow_migrate(PRIMARY, "articles")
    assert not PrimaryReplicaRouter().allow_migrate(REPLICA, "articles")


def test_readers_page_reads_the_replica(replica):
    seen, response = run("/2020-12-03/2/")
    assert seen == [REPLICA]
    assert PIN_COOKIE not in response.cookies


def test_admin_reads_the_primary_even_for_a_get(replica):
    seen, _response = run(reverse("admin:articles_article_changelist"))
    assert seen == [PRIMARY]


def test_form_post_reads_the_primary(replica):
    seen, _response = run("/search/", method="post", q="金坛")
    assert seen == [PRIMARY]


def test_write_moves_the_rest_of_the_request_to_the_primary_and_pins_the_browser(replica, settings):
    settings.NEWSROOM_REPLICA_PIN_SECONDS = 7

    seen, response = run("/", write="1")

    assert seen == [REPLICA, PRIMARY]
    assert response.cookies[PIN_COOKIE]["max-age"] == 7
    assert response.cookies[PIN_COOKIE]["httponly"]


def test_pinned_browser_reads_the_primary_until_its_cookie_expires(replica):
    pinned, _response = run("/", cookies={PIN_COOKIE: "1"})
    unpinned, _response = run("/")
    assert (pinned, unpinned) == ([PRIMARY], [REPLICA])


def test_replica_down_sends_readers_to_the_primary(replica):
    replica.up = False
    seen, response = run("/")
    assert seen == [PRIMARY]
    assert response.status_code == 200


def test_replica_failing_mid_request_is_retried_on_the_primary_and_avoided_after(replica):
    seen: list[str] = []
    middleware = None

    def view(request):
        alias = router.db_for_read(Article)
        seen.append(alias)
        if alias == REPLICA:
            # What Django's handler does with an exception a view raised: the hook, then a 500.
            middleware.process_exception(request, OperationalError("server closed the connection"))
            return HttpResponse(status=500)
        return HttpResponse("ok")

    middleware = ReplicaRoutingMiddleware(view)
    first = middleware(RequestFactory().get("/"))
    second = middleware(RequestFactory().get("/"))

    assert seen == [REPLICA, PRIMARY, PRIMARY]
    assert (first.status_code, second.status_code) == (200, 200)


def test_without_a_replica_the_middleware_changes_nothing():
    seen, response = run("/", write="1")
    assert seen == [PRIMARY, PRIMARY]
    assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db
def test_query_count_header_counts_queries_per_database():
    def view(request):
        list(Article.objects.all())
        list(Article.objects.all())
        return HttpResponse("ok")

    response = QueryCountHeaderMiddleware(view)(RequestFactory().get("/"))

    assert response["X-Newsroom-Queries"] == "default=2"


class FakeCursor:
    def __init__(self, row):
        self.row = row

    def execute(self, sql):
        self.sql = sql

    def fetchone(self):
        return self.row


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (("streaming", 0), None),
        ((None, None), None),  # not a standby, or no right to see the WAL receiver
        (("streaming", 1.5), None),
        (("stopping", 0), "replication is stopping, not streaming"),
        (("streaming", 42.0), "replay is 42.0 s behind the primary"),
    ],
)
def test_replication_problem_names_a_stalled_or_lagging_replica(settings, row, problem):
    settings.NEWSROOM_REPLICA_MAX_LAG = 10
    assert routers.replication_problem(FakeCursor(row)) == problem
