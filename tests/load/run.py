"""A bounded load test on 127.0.0.1: many readers while an editor saves and releases an issue.

    .venv/bin/python -m tests.load.run --readers 16 --seconds 30

starts the site (Django's threaded server) on a fresh database of its own (a SQLite file, or a
scratch PostgreSQL database when DATABASE_URL points at PostgreSQL) with the demo paper and an
unreleased issue, then runs reader threads on the front page, pages, articles and the archive
while an editor, logged in to the admin, saves one story again and again, releases the issue
half-way through, and saves on. It prints figures and exits non-zero unless there were no
errors, no lost saves, and readers saw the issue appear. tests/load/test_load.py runs it small.
"""

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.load.server import manage, running_site, site_env

NEW_HEADLINE = "负载测试头条"
SETUP = """
import datetime, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article
from issues.models import Issue, Page
from issues.services import placement_create
editor = get_user_model().objects.create_superuser("load-editor", password="load-editor-password-2020")
reporter = get_user_model().objects.create_user("load-reporter", password="load-reporter-password-2020")
issue = Issue.objects.create(date=datetime.date(2020, 12, 30), number=999, total_number=9999, release_at=None)
page = Page.objects.create(issue=issue, number=1, name="要闻")
# Past second review and waiting for the chief: the night editor may still edit it.
article = Article.objects.create(headline="%s", body="<p>第0次保存</p>", reporter=reporter, status="second_passed")
placement_create(page=page, article=article)
print(json.dumps({"issue": issue.pk, "page": page.pk, "article": article.pk, "editor": editor.pk,
                  "readable": list(Article.objects.published().values_list("pk", flat=True))}))
""" % NEW_HEADLINE


@dataclass
class Figures:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    saves: int = 0
    failed_saves: list[str] = field(default_factory=list)
    released_at: float | None = None
    first_seen_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def reader(site: str, urls: list[str], stop: threading.Event, figures: Figures) -> None:
    opener = urllib.request.build_opener()
    index = 0
    while not stop.is_set():
        url = urls[index % len(urls)]
        index += 1
        started = time.monotonic()
        try:
            with opener.open(site + url, timeout=30) as response:
                body = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
        except OSError as error:
            status, body = 0, str(error)
        elapsed = time.monotonic() - started
        with figures.lock:
            figures.requests += 1
            figures.latencies.append(elapsed)
            if status != 200:
                figures.errors.append(f"{url}: {status} {body[:200]}")
            if url == "/" and NEW_HEADLINE in body and figures.first_seen_at is None:
                figures.first_seen_at = time.monotonic()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A saved admin form answers 302: keep it as the answer instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


class Editor:
    """The night editor at the admin: logs in, saves a story, releases the issue."""

    def __init__(self, site: str):
        self.site = site
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def _post(self, path: str, data: dict) -> tuple[int, str]:
        data = {**data, "csrfmiddlewaretoken": self._csrf()}
        request = urllib.request.Request(
            self.site + path, data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.site + path},
        )
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self) -> None:
        self.opener.open(self.site + "/admin/login/", timeout=30).read()
        status, body = self._post("/admin/login/?next=/admin/", {"username": "load-editor", "password": "load-editor-password-2020"})
        if status != 302:
            raise RuntimeError(f"Editor could not log in: {status} {body[:300]}")

    def version(self, article: int) -> int:
        page = self.opener.open(f"{self.site}/admin/articles/article/{article}/change/", timeout=30).read().decode()
        return int(re.search(r'name="known_version" value="(\d+)"', page).group(1))

    def save(self, ids: dict, n: int) -> tuple[int, str]:
        known = self.version(ids["article"])
        return self._post(f"/admin/articles/article/{ids['article']}/change/", {
            "kicker": "", "headline": NEW_HEADLINE, "subheadline": "", "byline": "值班编辑",
            "dateline": "本报讯", "body": f"<p>第{n}次保存</p>", "tags": "", "reporter": ids["editor"],
            "known_version": known,
            "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0", "photos-MIN_NUM_FORMS": "0", "photos-MAX_NUM_FORMS": "1000",
        })

    def release(self, ids: dict) -> tuple[int, str]:
        """The chief's night: final approval (终审), sign-off of the page, release, all in the admin."""
        status, body = self._post(f"/admin/articles/article/{ids['article']}/workflow/", {"action": "approve", "comment": ""})
        if status != 302:
            return status, body
        assembly = f"/admin/issues/issue/{ids['issue']}/assembly/"
        status, body = self._post(assembly, {"action": "sign_off", "page": ids["page"]})
        if status != 302:
            return status, body
        now = time.localtime(time.time() - 60)
        return self._post(assembly, {"action": "release", "release_at": time.strftime("%Y-%m-%d %H:%M", now)})


def run(*, readers: int, seconds: float, saves: int, database_url: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsroom-load-") as workdir:
        work = Path(workdir)
        scratch = None
        if database_url and database_url.startswith(("postgres://", "postgresql://")):
            import psycopg

            base = database_url.rsplit("/", 1)[0]
            scratch = f"nr_load_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(base.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{scratch}"')
            url = f"{base}/{scratch}"
        else:
            url = f"sqlite:///{work / 'load.sqlite3'}"
        try:
            env = site_env(url, work / "media", TIME_ZONE="Asia/Shanghai")
            for command in (("migrate", "--no-input"), ("loaddemo", "--password-file", str(work / "pw"))):
                result = manage(*command, env=env)
                if result.returncode:
                    raise RuntimeError(result.stderr)
            result = manage("shell", "--verbosity", "0", "-c", SETUP, env=env)
            if result.returncode:
                raise RuntimeError(result.stderr)
            ids = json.loads(result.stdout.strip().splitlines()[-1])
            return _hammer(env, ids, readers=readers, seconds=seconds, saves=saves)
        finally:
            if scratch:
                with psycopg.connect(base.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')


def _hammer(env: dict, ids: dict, *, readers: int, seconds: float, saves: int) -> dict:
    figures = Figures()
    urls = ["/", "/2020-12-03/", "/2020-12-03/2/", "/2020-12-29/", "/archive/"] + [
        f"/articles/{pk}/" for pk in ids["readable"][:6]
    ]
    with running_site(env) as site:
        editor = Editor(site)
        editor.login()
        stop = threading.Event()
        threads = [threading.Thread(target=reader, args=(site, urls[i % len(urls):] + urls[: i % len(urls)], stop, figures))
                   for i in range(readers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        pause = seconds / (saves + 2)
        for n in range(1, saves + 1):
            status, body = editor.save(ids, n)
            figures.saves += 1
            if status != 302:
                figures.failed_saves.append(f"save {n}: {status} {body[:300]}")
            if n == saves // 2:
                status, body = editor.release(ids)
                if status != 302:
                    figures.failed_saves.append(f"release: {status} {body[:300]}")
                figures.released_at = time.monotonic()
            time.sleep(pause)
        while time.monotonic() - started < seconds:
            time.sleep(0.1)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        try:
            final = urllib.request.urlopen(f"{site}/articles/{ids['article']}/", timeout=30).read().decode()
        except urllib.error.HTTPError:
            final = ""  # not published: the figures say why (failed saves or release)
        version = editor.version(ids["article"])
    latencies = sorted(figures.latencies)
    return {
        "readers": readers,
        "seconds": round(elapsed, 1),
        "requests": figures.requests,
        "requests_per_second": round(figures.requests / elapsed, 1),
        "errors": len(figures.errors),
        "error_samples": figures.errors[:5],
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1) if latencies else None,
        "saves": figures.saves,
        "failed_saves": figures.failed_saves,
        # Every save bumps the version once: fewer means a save was lost, more means one was doubled.
        "lost_saves": (1 + figures.saves) - version,
        "last_save_published": f"第{saves}次保存" in final,
        "seen_after_release_s": round(figures.first_seen_at - figures.released_at, 2)
        if figures.first_seen_at and figures.released_at else None,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    options = parser.parse_args(argv)
    result = run(readers=options.readers, seconds=options.seconds, saves=options.saves, database_url=options.database_url)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    ok = not result["errors"] and not result["failed_saves"] and result["lost_saves"] == 0 \
        and result["last_save_published"] and result["seen_after_release_s"] is not None
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
