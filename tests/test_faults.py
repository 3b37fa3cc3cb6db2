"""Faults: the database goes away and comes back; a save is interrupted half-way."""

import os
import uuid
from unittest import mock
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

from articles.models import Article, Photo
from issues.importer import page_import
from issues.models import Issue, Jump, Page, Placement
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory
from tests.load.server import TcpProxy, get, manage, running_site, site_env
from tests.admin_forms import article_form, inline_management, jpeg

# --- The database unreachable -------------------------------------------------------------------


@pytest.fixture
def front_story(db):
    page = PageFactory(issue=IssueFactory(), number=1, name="要闻")
    return PlacementFactory(page=page, article=ArticleFactory(headline="今日头条", approved=True)).article


def refuse_connections(self):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.mark.django_db
def test_readers_get_a_friendly_503_while_the_database_is_down_and_the_paper_once_it_is_back(client, front_story):
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse_connections):
        for url in ("/", front_story.get_absolute_url(), "/archive/", "/2020-12-03/1/"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
            assert "no-store" in response["Cache-Control"]
            assert "报纸马上回来" in response.content.decode()

    response = client.get(front_story.get_absolute_url())
    assert response.status_code == 200 and "今日头条" in response.content.decode()


@pytest.mark.django_db
def test_an_outage_met_in_a_middleware_is_a_503_too(client, front_story, settings):
    """Database errors outside a view (a session lookup, a login check) reach handler500."""
    settings.DEBUG = False
    client.cookies["sessionid"] = "x" * 32
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("gone")):
        client.raise_request_exception = False
        response = client.get(reverse("admin:index"))
    assert response.status_code == 503


@pytest.mark.django_db
def test_other_errors_are_not_disguised_as_503(client, front_story):
    client.raise_request_exception = False
    with mock.patch("issues.views._render_page", side_effect=ValueError("a bug")):
        response = client.get("/")
    assert response.status_code == 500


POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
SERVER = urlsplit(os.environ.get("DATABASE_URL", "")) if POSTGRES else None


def server_url(database: str, *, host: str | None = None, port: int | None = None) -> str:
    """The suite's PostgreSQL server (credentials from DATABASE_URL), another database or address."""
    credentials = SERVER.netloc.rsplit("@", 1)[0] + "@" if "@" in SERVER.netloc else ""
    return f"postgres://{credentials}{host or SERVER.hostname}:{port or SERVER.port or 5432}/{database}"


@pytest.fixture
def scratch_postgres(tmp_path):
    """A database of its own, migrated, with the demo paper, dropped afterwards."""
    name = f"nr_faults_{uuid.uuid4().hex[:8]}"
    maintenance = server_url("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = server_url(name)
    env = site_env(url, tmp_path / "media")
    result = manage("migrate", "--no-input", env=env)
    assert result.returncode == 0, result.stderr
    result = manage("loaddemo", "--password-file", str(tmp_path / "pw"), env=env)
    assert result.returncode == 0, result.stderr
    yield name, tmp_path
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (run with DATABASE_URL=postgres://…)")
def test_a_running_site_survives_postgresql_going_away_and_recovers_by_itself(scratch_postgres):
    name, tmp_path = scratch_postgres
    proxy = TcpProxy(SERVER.port or 5432, target_host=SERVER.hostname)
    proxy.start()
    env = site_env(server_url(name, host="127.0.0.1", port=proxy.port), tmp_path / "media",
                   DATABASE_CONN_MAX_AGE="600")
    with running_site(env) as site:
        status, front, _headers = get(site + "/2020-12-03/")
        assert status == 200  # now in the page cache, and a connection is kept open

        proxy.stop()  # PostgreSQL "restarts": the kept connection is cut, new ones are refused
        for _reader in range(5):
            # A page readers already had is served from the page cache; one nobody asked for yet
            # gets the friendly 503.
            assert get(site + "/2020-12-03/")[:2] == (200, front)
            status, body, headers = get(site + "/2020-12-03/2/")
            assert status == 503
            assert headers["Retry-After"] == "30" and "报纸马上回来" in body.decode()

        proxy.start()
        statuses = [get(site + "/2020-12-03/2/")[0] for _reader in range(5)]
        assert statuses == [200] * 5  # back by itself, no restart of the site
        assert get(site + "/articles/1/")[0] in (200, 404)
    proxy.stop()


# --- An edit interrupted half-way leaves nothing half-written -------------------------------------


class Crash(Exception):
    pass


@pytest.mark.django_db
def test_an_article_save_interrupted_after_the_article_before_its_photo_leaves_nothing(reporter_client):  # noqa: F811
    reporter_client.raise_request_exception = True
    data = article_form(**inline_management("photos", total=1), **{"photos-0-caption": "现场", "photos-0-order": "1"})
    data["photos-0-image"] = jpeg()
    with mock.patch.object(Photo, "save", side_effect=Crash("disk full")), pytest.raises(Crash):
        reporter_client.post(reverse("admin:articles_article_add"), data)
    assert Article.objects.count() == 0 and Photo.objects.count() == 0


@pytest.mark.django_db
def test_an_edit_interrupted_mid_save_keeps_the_previous_version_whole(reporter_client):  # noqa: F811
    reporter_client.raise_request_exception = True
    article = ArticleFactory(reporter=reporter_client.user, headline="原来的标题", body="<p>原来的正文。</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form(
        headline="改了一半的标题", body="<p>改了一半的正文。</p>", known_version=str(article.version),
        **inline_management("photos", total=1), **{"photos-0-caption": "新图", "photos-0-order": "1"},
    )
    data["photos-0-image"] = jpeg()
    with mock.patch.object(Photo, "save", side_effect=Crash("killed")), pytest.raises(Crash):
        reporter_client.post(url, data)
    article.refresh_from_db()
    assert (article.headline, article.body, article.photos.count()) == ("原来的标题", "<p>原来的正文。</p>", 0)
    assert list(article.tags.names()) == []


@pytest.mark.django_db
def test_placing_stories_with_a_jump_interrupted_leaves_the_page_as_it_was(staff_client):
    staff_client.raise_request_exception = True
    front = PageFactory(number=1, issue__release_at=None)
    inside = PageFactory(issue=front.issue, number=4)
    placement = PlacementFactory(page=front)
    data = {"action": "jump", "placement": str(placement.pk), "after_paragraph": "3", "to_page": str(inside.pk)}
    with mock.patch("issues.services.jump_place_continuation", side_effect=Crash("interrupted")), pytest.raises(Crash):
        staff_client.post(reverse("admin:issues_issue_assembly", args=[front.issue_id]), data)
    assert not Jump.objects.exists()
    assert Placement.objects.filter(page=inside).count() == 0


@pytest.mark.django_db
def test_a_page_import_interrupted_half_way_imports_nothing(staff_client):
    from issues.demo import __file__ as demo_init
    from pathlib import Path

    text = (Path(demo_init).parent / "2020-12-03-p1.txt").read_text()
    # The teasers come last: by then the issue, pages, stories and jumps are all written.
    with mock.patch("issues.importer._import_teaser", side_effect=Crash("power cut")), pytest.raises(Crash):
        page_import(text=text, date=__import__("datetime").date(2020, 12, 3), page_number=1, user=staff_client.user)
    assert (Issue.objects.count(), Page.objects.count(), Article.objects.count(), Placement.objects.count()) == (0, 0, 0, 0)
