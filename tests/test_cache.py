import datetime
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from unittest import mock
from pathlib import Path

import pytest
import time_machine
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles.models import Article
from newsroom import cache
from newsroom.cache import cache_public, invalidate
from tests.conftest import aware
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(front_story):
    return front_story


def front(client, **headers):
    return client.get(reverse("issues:front"), headers=headers)


def test_cache_hit_serves_the_same_bytes_without_queries(client, story, django_assert_num_queries):
    first = front(client)
    with django_assert_num_queries(0):
        again = front(client)
    assert again.status_code == 200
    assert again.content == first.content
    assert story.headline in again.content.decode()


def test_cache_is_dropped_when_a_story_is_edited(client, story):
    front(client)
    story.headline = "改过的标题"
    story.save()
    assert "改过的标题" in front(client).content.decode()
    assert "改过的标题" in client.get(story.get_absolute_url()).content.decode()


def test_cache_is_dropped_when_a_story_is_withdrawn(client, story):
    assert story.headline in front(client).content.decode()
    assert client.get(story.get_absolute_url()).status_code == 200

    story.status = Article.Status.DRAFT
    story.save()

    assert story.headline not in front(client).content.decode()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_cache_is_dropped_when_a_photo_or_placement_changes(client, story):
    from tests.factories import PhotoFactory

    front(client)
    photo = PhotoFactory(article=story, caption="新配的图片说明")
    assert "新配的图片说明" in front(client).content.decode()
    photo.delete()
    assert "新配的图片说明" not in front(client).content.decode()
    story.placements.all().delete()  # a queryset delete still sends post_delete per row
    assert story.headline not in front(client).content.decode()


def test_cache_is_dropped_by_invalidate_after_a_bulk_update(client, story):
    front(client)
    Article.objects.filter(pk=story.pk).update(headline="批量改的标题")  # sends no signal
    assert "批量改的标题" not in front(client).content.decode()
    invalidate()
    assert "批量改的标题" in front(client).content.decode()


def test_cached_front_page_switches_to_the_new_issue_exactly_at_its_release_time(client):
    with time_machine.travel(aware(2020, 12, 3, 20), tick=False):  # the desk finishes the next issue
        old = IssueFactory(date=datetime.date(2020, 12, 3), release_at=aware(2020, 12, 3, 6))
        PlacementFactory(page=PageFactory(issue=old, number=1), article=ArticleFactory(approved=True, headline="昨天的头条"))
        new = IssueFactory(date=datetime.date(2020, 12, 4), release_at=aware(2020, 12, 4, 6))
        PlacementFactory(page=PageFactory(issue=new, number=1), article=ArticleFactory(approved=True, headline="今天的头条"))

    with time_machine.travel(aware(2020, 12, 4, 5, 59, 59), tick=False):
        assert "昨天的头条" in front(client).content.decode()
        assert "今天的头条" not in front(client).content.decode()  # served from the cache
        assert client.get(new.get_absolute_url()).status_code == 404
    with time_machine.travel(aware(2020, 12, 4, 6), tick=False):
        content = front(client).content.decode()
        assert "今天的头条" in content and "昨天的头条" not in content
        assert client.get(new.get_absolute_url()).status_code == 200


def test_pages_rendered_while_a_replica_may_lag_are_kept_only_until_it_settles(client, story, settings):
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "PUBLIC_CACHE": {**settings.NEWSROOM["PUBLIC_CACHE"], "SETTLE_SECONDS": 5},
    }
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        story.save()  # a change: the next few seconds' pages may come from a stale replica
        front(client)
        Article.objects.filter(pk=story.pk).update(headline="副本追上后的标题")  # what the replica shows later
        traveller.move_to(start + datetime.timedelta(seconds=3))
        assert "副本追上后的标题" not in front(client).content.decode()
        traveller.move_to(start + datetime.timedelta(seconds=7))
        assert "副本追上后的标题" in front(client).content.decode()


def test_returning_reader_gets_304_by_etag_and_by_date(client, story):
    first = front(client)
    assert first["ETag"] and first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]

    assert front(client, if_none_match=first["ETag"]).status_code == 304
    assert front(client, if_modified_since=first["Last-Modified"]).status_code == 304
    assert front(client, if_none_match='"something-else"').status_code == 200


def test_etag_is_the_same_after_an_invalidation_that_changed_nothing(client, story):
    first = front(client)
    invalidate()
    assert front(client, if_none_match=first["ETag"]).status_code == 304


def test_each_language_is_cached_apart(client, story):
    assert "今日报纸" in front(client).content.decode() or "第一版" in front(client).content.decode()
    client.cookies["django_language"] = "en"
    content = front(client).content.decode()
    assert "Page 1" in content and "第一版" not in content


def test_staff_neither_get_nor_store_cached_pages(client, staff_client, story, django_assert_max_num_queries):
    from django.test import Client

    reader = Client()
    front(reader)  # cached for readers
    Article.objects.filter(pk=story.pk).update(headline="编辑刚改的标题")  # no invalidation

    assert "编辑刚改的标题" in front(staff_client).content.decode()
    assert "编辑刚改的标题" not in front(reader).content.decode()

    invalidate()
    front(staff_client)  # a staff visit after the invalidation stores nothing for readers
    Article.objects.filter(pk=story.pk).update(headline="第三个标题")
    assert "第三个标题" in front(reader).content.decode()


def test_the_language_switch_on_a_cached_page_gives_that_reader_the_english_page(client, story):
    cached = front(client).content.decode()
    assert "csrfmiddlewaretoken" not in cached
    switch = reverse("switch-language", args=["en"])
    assert f'href="{switch}?next=/"' in cached

    response = client.get(switch, {"next": "/"})

    assert response.status_code == 302
    assert "Page 1" in front(client).content.decode()


# --- What is never stored ------------------------------------------------------------------------

CALLS: list[str] = []


def probe(make_response):
    @cache_public
    def view(request):
        CALLS.append(request.path)
        return make_response(request)

    return view


def set_cookie(request):
    response = HttpResponse("带 cookie")
    response.set_cookie("seen", "1")
    return response


def touch_session(request):
    request.session.get("anything")
    return HttpResponse("看了会话")


def unmarked(request):
    CALLS.append(request.path)
    return HttpResponse("没有标记")


urlpatterns = [
    path("plain/", probe(lambda request: HttpResponse("同一页"))),
    path("sets-a-cookie/", probe(set_cookie)),
    path("csrf-token/", probe(lambda request: (get_token(request), HttpResponse("表单"))[1])),
    path("never-cache/", probe(never_cache(lambda request: HttpResponse("不缓存")))),
    path("not-found/", probe(lambda request: HttpResponse("没有", status=404))),
    path("session/", probe(touch_session)),
    path("unmarked/", unmarked),
]


@pytest.fixture
def probes(settings):
    settings.ROOT_URLCONF = __name__
    CALLS.clear()
    return CALLS


def test_plain_public_response_is_stored_once(client, probes):
    client.get("/plain/")
    assert client.get("/plain/").content == "同一页".encode()
    assert probes == ["/plain/"]


@pytest.mark.parametrize(
    "path", ["/sets-a-cookie/", "/csrf-token/", "/never-cache/", "/not-found/", "/session/", "/unmarked/"]
)
def test_responses_that_differ_per_reader_or_ask_not_to_be_cached_are_never_stored(client, probes, path):
    client.get(path)
    client.cookies.clear()
    client.get(path)
    assert probes == [path, path]


def render_claims(client, path: str) -> int:
    with mock.patch.object(cache, "_claim", wraps=cache._claim) as claim:
        client.get(path)
    return sum(1 for call in claim.call_args_list if call.args[1].endswith(":lock"))


@pytest.mark.parametrize("path, claims", [("/plain/", 1), ("/unmarked/", 0)])
def test_only_a_public_view_renders_under_a_claim(client, probes, path, claims):
    """A view that never stores makes no claim: two trips to the store saved on each request."""
    assert render_claims(client, path) == claims


def test_a_page_not_found_renders_under_no_claim(client, db):
    assert render_claims(client, "/no-such-page/") == 0


def test_requests_with_a_session_cookie_bypass_the_cache(client, probes):
    client.get("/plain/")
    client.cookies["sessionid"] = "abc"
    client.get("/plain/")
    assert len(probes) == 2


def test_cache_can_be_switched_off(client, probes, public_cache_off):
    client.get("/plain/")
    client.get("/plain/")
    assert len(probes) == 2


def test_cached_page_keeps_the_headers_the_middleware_added(client, story):
    first = front(client)
    again = front(client)
    for header in ("Vary", "Content-Language", "X-Frame-Options", "ETag", "Content-Type"):
        assert again[header] == first[header]


def test_floor_view_is_not_wired_by_default(client):
    assert client.get("/bench/floor/").status_code == 404


def test_a_draft_save_leaves_the_cached_front_page_alone(client, story, django_assert_num_queries):
    """Readers cannot see a draft: it drops nothing (what a change drops: newsroom/invalidation.py)."""
    front(client)
    with django_assert_num_queries(0):
        front(client)
    ArticleFactory(reporter=UserFactory())
    with django_assert_num_queries(0):
        front(client)


# --- Several server workers share one cache -----------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
WORKER_CACHES = ["file", "per-process"] + (["redis"] if os.environ.get("CACHE_URL", "").startswith("redis") else [])


def production_server_settings() -> dict[str, str]:
    """The GRANIAN_* lines of deploy/granian.env that have a value."""
    settings = {}
    for line in (REPO / "deploy" / "granian.env").read_text().splitlines():
        key, _, value = line.partition("=")
        if key and not key.startswith("#") and value:
            settings[key] = value
    return settings


class Site:
    """The real site under granian with two worker processes, on its own SQLite file and demo paper."""

    def __init__(self, tmp: Path, cache_url: str) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRANIAN_"))},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
            "CACHE_URL": cache_url,
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
            "DJANGO_DEBUG": "false",
            "NEWSROOM_CACHE_PUBLIC": "true",
            "LOG_LEVEL": "ERROR",
        }
        self.access_log = tmp / "access.log"
        self.tmp = tmp

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO, env=self.env, check=True,
            capture_output=True, text=True, timeout=120,
        ).stdout

    def start(self) -> None:
        self.manage("migrate", "--noinput", "-v0")
        self.manage("loaddemo", "--password-file", str(self.tmp / "password"))
        self.manage("collectstatic", "--noinput", "-v0")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        # granian's access line does not say which worker wrote it; Python logging in the worker
        # can, so the access logger writes to a file with the worker's process id in front.
        log_config = self.tmp / "granian-log.json"
        log_config.write_text(json.dumps({
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"access": {"format": "pid=%(process)d %(message)s"}},
            "handlers": {"access": {"class": "logging.FileHandler", "filename": str(self.access_log), "formatter": "access"}},
            "loggers": {"granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False}},
        }))
        # The production settings (deploy/granian.env: threads, backpressure), on a port of our own.
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "granian"), "newsroom.wsgi:application",
             "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--log-level", "warning",
             "--access-log", "--access-log-fmt", '"%(method)s %(path)s" %(status)d', "--log-config", str(log_config)],
            cwd=REPO, env={**self.env, **production_server_settings()}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/archive/", timeout=2)
                return
            except OSError:
                assert self.process.poll() is None, "granian exited"
                time.sleep(0.2)
        raise AssertionError("granian did not answer within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, headers={"Connection": "close"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def from_every_worker(self, paths: list[str], limit: int = 400) -> list[tuple[str, int, str]]:
        """Request the paths concurrently until both workers have answered each one; all answers."""
        offset = self.access_log.stat().st_size if self.access_log.exists() else 0
        answers = []
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _round in range(limit // (8 * len(paths))):
                batch = [path for path in paths for _ in range(8)]
                answers += [(path, *answer) for path, answer in zip(batch, pool.map(self.get, batch))]
                time.sleep(0.1)  # the access log is written after the response
                log = self.access_log.read_text()[offset:]
                served = {path: set(re.findall(rf'^pid=(\d+) "GET {re.escape(path)}" \d+$', log, re.M)) for path in paths}
                if all(len(pids) >= 2 for pids in served.values()):
                    return answers
        raise AssertionError(f"both workers did not answer every path within {limit} requests: {served}")


@pytest.fixture
def site(request, tmp_path):
    kind = request.param
    cache_url = {
        "file": f"filecache://{tmp_path / 'cache'}",
        "per-process": "locmemcache://newsroom",
        # The suite's Redis, with keys of its own (the suite's processes use KEY_PREFIX too).
        "redis": f"{os.environ.get('CACHE_URL', '')}?key_prefix=workers-{tmp_path.name}",
    }[kind]
    served = Site(tmp_path, cache_url)
    if kind == "redis":
        served.env["NEWSROOM_CACHE_TIMEOUT"] = "120"
    served.start()
    yield kind, served
    served.stop()


FRONT_STORY = (
    "from issues.models import Placement\n"
    "story = Placement.objects.published().filter(page__number=1, article__isnull=False)"
    ".order_by('-page__issue__date', 'order').first().article\n"
)


def front_story_of(site: Site) -> tuple[int, str]:
    pk, headline = site.manage("shell", "-c", FRONT_STORY + "print(story.pk); print(story.headline)").strip().splitlines()[-2:]
    return int(pk), headline


def withdraw_front_story(site: Site) -> None:
    """Withdraw it in another process, through the ORM (the admin saves the same way)."""
    site.manage("shell", "-c", FRONT_STORY + "story.status = 'draft'; story.save()")


@pytest.mark.parametrize("site", WORKER_CACHES, indirect=True)
def test_a_withdrawn_story_disappears_from_every_worker_at_once(site):
    kind, served = site
    pk, headline = front_story_of(served)
    paths = ["/", f"/articles/{pk}/"]
    for _path, status, content in served.from_every_worker(paths):
        assert status == 200 and headline in content

    withdraw_front_story(served)
    answers = served.from_every_worker(paths)

    stale = [(path, status) for path, status, content in answers if headline in content]
    if kind == "per-process":
        # The control: each worker keeps its own copy, so the withdrawn story lives on there.
        assert stale, "a per-process cache was expected to keep serving the withdrawn story"
    else:
        assert stale == []
        assert {status for path, status, _ in answers if path == paths[1]} == {404}


EMBARGO = (
    "import datetime\n"
    "from django.contrib.auth import get_user_model\n"
    "from articles.models import Article\n"
    "from articles.services import article_release_online\n"
    "users = get_user_model().objects\n"
    "story = Article.objects.create(headline='定时发布的封路通告', reporter=users.get(username='reporter'), status='approved')\n"
    "at = datetime.datetime.fromtimestamp({at}, tz=datetime.timezone.utc)\n"
    "article_release_online(article=story, user=users.get(username='chief'), at=at)\n"
    "print(story.pk)\n"
)


@pytest.mark.parametrize("site", ["file"], indirect=True)
def test_an_embargoed_story_goes_online_on_every_worker_at_its_time(site):
    """网络首发 at a set time: no worker process, no save at that moment; the cache knows the time."""
    _kind, served = site
    at = int(time.time()) + 12
    pk = int(served.manage("shell", "-c", EMBARGO.format(at=at)).strip().splitlines()[-1])
    paths = ["/news/", "/feeds/news/rss/", f"/articles/{pk}/"]

    before = served.from_every_worker(paths)
    assert time.time() < at, "the workers answered too slowly to test the moment before the embargo"
    assert [(path, status) for path, status, content in before if "定时发布的封路通告" in content or status == 200 and path == paths[2]] == []

    time.sleep(max(0.0, at - time.time()))
    after = served.from_every_worker(paths)
    assert {(path, status) for path, status, content in after if "定时发布的封路通告" not in content} == set()
