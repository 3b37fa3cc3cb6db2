"""A bounded load test on 127.0.0.1: many readers while the night desk edits, approves and releases.

    .venv/bin/python -m tests.load.run --readers 16 --seconds 30

starts the site (Django's threaded server) on a fresh database of its own (a SQLite file, or a
scratch PostgreSQL database when DATABASE_URL points at PostgreSQL) with the demo paper and an
unreleased issue whose front page carries one story in second review. Reader threads request the
front page, the demo pages and stories, the archive, and the new issue's page and story, while the
desk works in the admin as two people with the newsroom's roles:

- the editor (编辑) saves the story through its form while it waits for final approval;
- the chief editor (值班总编) approves it (终审), signs off the page and releases the issue from
  the assembly screen at the time the screen proposes;
- the editor's ordinary form is then refused (a released story changes only by a correction), and
  the editor corrects the story (更正) several times.

Every admin step must end on a page with no error or warning message; a refusal stops the run
with what the site said. The run prints figures and exits non-zero unless readers got no errors
(no 5xx or unexpected status, nothing shown before its release, nothing missing after it, no text
older than a save already confirmed), no save was lost (each bumped the version once; the last is
what is stored and what readers see) and readers saw the issue within 5 s of its release.
tests/load/test_load.py runs it small.
"""

import argparse
import html
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
NEW_ISSUE_DATE = "2020-12-30"
PASSWORD = "load-desk-password-2020"
SETUP = f"""
import datetime, json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from articles.models import Article
from articles.roles import CHIEF, EDITOR
from issues.models import Issue, Page
from issues.services import placement_create
User = get_user_model()
for username, role in (("load-editor", EDITOR), ("load-chief", CHIEF)):
    user = User.objects.create_user(username, password="{PASSWORD}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
reporter = User.objects.create_user("load-reporter", password="{PASSWORD}")
issue = Issue.objects.create(
    date=datetime.date.fromisoformat("{NEW_ISSUE_DATE}"), number=999, total_number=9999
)
page = Page.objects.create(issue=issue, number=1, name="要闻")
# Filed, through 初审 and 二审, waiting for the chief: the night editor may still edit it.
article = Article.objects.create(
    headline="{NEW_HEADLINE}", body="<p>第0次保存</p>", reporter=reporter, status="second_passed"
)
placement_create(page=page, article=article)
print(json.dumps({{
    "issue": issue.pk, "page": page.pk, "article": article.pk,
    "readable": list(Article.objects.published().values_list("pk", flat=True)),
}}))
"""


def stored_script(pk: int) -> str:
    """Shell code printing the story as stored after the run (the site stopped, its data kept)."""
    return f"""
import json
from articles.models import Article
article = Article.objects.get(pk={pk})
print(json.dumps({{"status": article.status, "version": article.version, "body": article.body,
                  "corrections": article.corrections.count()}}))
"""


SAVE_NUMBER = re.compile(r"第(\d+)次保存")
# The photo and credit inlines' management forms, empty: the change form refuses a post without them.
NO_PHOTOS = {
    "photos-TOTAL_FORMS": "0",
    "photos-INITIAL_FORMS": "0",
    "photos-MIN_NUM_FORMS": "0",
    "photos-MAX_NUM_FORMS": "1000",
    "credits-TOTAL_FORMS": "0",
    "credits-INITIAL_FORMS": "0",
    "credits-MIN_NUM_FORMS": "0",
    "credits-MAX_NUM_FORMS": "1000",
}


def save_text(n: int) -> str:
    return f"第{n}次保存"


def text_fields(n: int) -> dict:
    return {
        "kicker": "",
        "headline": NEW_HEADLINE,
        "subheadline": "",
        "byline": "值班编辑",
        "dateline": "本报讯",
        "body": f"<p>{save_text(n)}</p>",
    }


class AdminRefused(RuntimeError):
    """The admin did not do what the desk asked; the message is what the site said."""


@dataclass
class Answer:
    """One reader request: what was asked, when, and what came back."""

    url: str
    started: float
    finished: float
    status: int
    headline_shown: bool = False
    save_shown: int | None = None
    text: str = ""


@dataclass
class Timeline:
    """When the desk's steps were confirmed: each answer is judged by the moment it was asked."""

    release_clicked: float = 0.0
    release_done: float = 0.0
    # (confirmed at, the save readers must see from then on), in order.
    visible_saves: list[tuple[float, int]] = field(default_factory=list)


def reader(site: str, urls: list[str], stop: threading.Event, answers: list[Answer]) -> None:
    opener = urllib.request.build_opener()
    index = 0
    while not stop.is_set():
        url = urls[index % len(urls)]
        index += 1
        started = time.monotonic()
        try:
            with opener.open(site + url, timeout=30) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode(errors="replace")
        except OSError as error:
            status, body = 0, str(error)
        found = SAVE_NUMBER.search(body) if status == 200 else None
        # list.append is atomic: the threads need no lock of their own.
        answers.append(
            Answer(
                url,
                started,
                time.monotonic(),
                status,
                headline_shown=NEW_HEADLINE in body,
                save_shown=int(found.group(1)) if found else None,
                text="" if status in (200, 404) else body[:200],
            )
        )


def judge(answers: list[Answer], timeline: Timeline, *, origin: float, story_url: str) -> list[str]:
    """Every reader answer that was wrong at the moment it was asked, one line each."""
    new_urls = {f"/{NEW_ISSUE_DATE}/", story_url}
    errors = []
    for seen in answers:
        before_release = seen.finished < timeline.release_clicked
        after_release = seen.started > timeline.release_done
        where = f"{seen.url} at +{seen.started - origin:.2f}s"
        if seen.status == 0 or seen.status >= 500:
            errors.append(f"{where}: {seen.status} {seen.text}")
        elif seen.url in new_urls and seen.status == 404:
            if after_release:
                errors.append(f"{where}: 404 after the release")
        elif seen.status != 200:
            errors.append(f"{where}: unexpected {seen.status} {seen.text}")
        elif seen.url in new_urls and before_release:
            errors.append(f"{where}: shown before the release")
        elif seen.url == "/" and seen.headline_shown and before_release:
            errors.append(f"{where}: the story is on the front page before the release")
        elif seen.url == "/" and not seen.headline_shown and after_release:
            errors.append(f"{where}: the front page does not show the released issue")
        elif seen.url == story_url:
            confirmed = [n for at, n in timeline.visible_saves if at < seen.started]
            if confirmed and (seen.save_shown or 0) < confirmed[-1]:
                errors.append(f"{where}: shows save {seen.save_shown} after save {confirmed[-1]}")
    return errors


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A saved admin form answers 302: keep it as the answer instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def explain(body: str) -> str:
    """The error notes of an admin page, or the start of its text."""
    notes = re.findall(
        r'class="(?:errornote|errorlist[^"]*)"[^>]*>(.*?)</(?:p|ul)>', body, re.DOTALL
    )
    text = html.unescape(re.sub(r"<[^>]+>", " ", " ".join(notes) or body))
    return re.sub(r"\s+", " ", text).strip()[:600]


class AdminSession:
    """One person logged in to the admin: posts forms as a browser does and reads the answers."""

    def __init__(self, site: str, username: str, password: str):
        self.site = site
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )
        self.get("/admin/login/")
        credentials = {"username": username, "password": password}
        self.post("/admin/login/?next=/admin/", credentials, what=f"log in as {username}")

    def get(self, path: str) -> str:
        status, _location, body = self._open(urllib.request.Request(self.site + path))
        if status != 200:
            raise AdminRefused(f"GET {path}: {status} {explain(body)}")
        return body

    def post(self, path: str, data: dict, *, what: str) -> str:
        """Post a form and return the page it leads to; stop with what the site says on an error."""
        status, location, body = self._post(path, data)
        if status != 302:
            raise AdminRefused(f"{what}: {status} {explain(body)}")
        # Admin screens answer a refused step with a redirect too: the messages say which it was.
        page = self.get(urllib.parse.urljoin(self.site + path, location).removeprefix(self.site))
        listed = re.search(r'<ul class="messagelist">(.*?)</ul>', page, re.DOTALL)
        messages = (
            re.findall(r'<li class="(\w+)">(.*?)</li>', listed.group(1), re.DOTALL)
            if listed
            else []
        )
        refused = [
            html.unescape(text.strip()) for level, text in messages if level in ("error", "warning")
        ]
        if refused:
            raise AdminRefused(f"{what}: {' / '.join(refused)}")
        return page

    def post_refused(self, path: str, data: dict, *, what: str) -> None:
        """Post a form the rules forbid; anything but a 403 stops the run."""
        status, _location, body = self._post(path, data)
        if status != 403:
            raise AdminRefused(f"{what} should be refused (403): {status} {explain(body)}")

    def _post(self, path: str, data: dict) -> tuple[int, str, str]:
        csrf = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        return self._open(
            urllib.request.Request(
                self.site + path,
                data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode(),
                headers={"Referer": self.site + path},
            )
        )

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return (
                error.code,
                error.headers.get("Location", ""),
                error.read().decode(errors="replace"),
            )


def known_version(page: str) -> str:
    """The version a form was opened at, which its save must send back (optimistic locking)."""
    found = re.search(r'name="known_version" value="(\d+)"', page)
    if found is None:
        raise AdminRefused(f"The form has no known_version: {explain(page)}")
    return found.group(1)


class Desk:
    """The night desk: the editor edits and corrects, the chief approves, signs off and releases."""

    def __init__(self, site: str, ids: dict):
        self.ids = ids
        self.editor = AdminSession(site, "load-editor", PASSWORD)
        self.chief = AdminSession(site, "load-chief", PASSWORD)
        self.change_url = f"/admin/articles/article/{ids['article']}/change/"
        self.correct_url = f"/admin/articles/article/{ids['article']}/correct/"
        self.assembly_url = f"/admin/issues/issue/{ids['issue']}/assembly/"
        self.form = ""  # the story's change form as the editor last saw it

    def save(self, n: int) -> None:
        """The editor saves the story under review: "Save and continue editing" on its form."""
        version = known_version(self.form or self.editor.get(self.change_url))
        data = {
            **text_fields(n),
            "tags": "",
            "known_version": version,
            "_continue": "1",
            **NO_PHOTOS,
        }
        self.form = self.editor.post(self.change_url, data, what=f"save {n}")

    def release(self, timeline: Timeline) -> None:
        """终审, the page's sign-off, and release at the time the assembly screen proposes (now)."""
        workflow_url = f"/admin/articles/article/{self.ids['article']}/workflow/"
        self.chief.post(workflow_url, {"action": "approve", "comment": ""}, what="approve (终审)")
        sign_off = {"action": "sign_off", "page": self.ids["page"]}
        self.chief.post(self.assembly_url, sign_off, what="sign off the page")
        proposed = re.search(
            r'name="release_at" value="([^"]+)"', self.chief.get(self.assembly_url)
        )
        if proposed is None:
            raise AdminRefused("The assembly screen offers no release time.")
        timeline.release_clicked = time.monotonic()
        release = {"action": "release", "release_at": proposed.group(1)}
        self.chief.post(self.assembly_url, release, what="release")
        timeline.release_done = time.monotonic()

    def save_released(self, n: int) -> None:
        """The ordinary form of a released story is read-only: a save there must be refused."""
        version = known_version(self.editor.get(self.correct_url))
        data = {**text_fields(n), "tags": "", "known_version": version, **NO_PHOTOS}
        self.editor.post_refused(
            self.change_url, data, what="an ordinary save of the released story"
        )

    def correct(self, n: int) -> None:
        """更正: the editor changes the released text; readers see it at once with a dated note."""
        version = known_version(self.editor.get(self.correct_url))
        data = {**text_fields(n), "known_version": version, "note": f"更正正文（{n}）。"}
        self.editor.post(self.correct_url, data, what=f"correction {n}")


def run(*, readers: int, seconds: float, saves: int, database_url: str | None = None) -> dict:
    """Set up a site of its own, run readers and the desk against it, and return the figures."""
    with tempfile.TemporaryDirectory(prefix="newsroom-load-") as workdir:
        work = Path(workdir)
        scratch = maintenance = None
        if database_url and database_url.startswith(("postgres://", "postgresql://")):
            import psycopg

            base = database_url.rsplit("/", 1)[0]
            maintenance = base.replace("postgres://", "postgresql://", 1) + "/postgres"
            scratch = f"nr_load_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(maintenance, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{scratch}"')
            url = f"{base}/{scratch}"
        else:
            url = f"sqlite:///{work / 'load.sqlite3'}"
        try:
            env = site_env(url, work / "media", TIME_ZONE="Asia/Shanghai")
            _manage("migrate", "--no-input", env=env)
            # The new issue (2020-12-30) must be the newest paper once released: no latest demo paper.
            _manage("loaddemo", "--password-file", str(work / "pw"), "--without-latest-paper", env=env)
            ids = json.loads(_manage("shell", "--verbosity", "0", "-c", SETUP, env=env))
            result = _hammer(
                env, ids, readers=readers, seconds=seconds, saves=saves, log=work / "server.log"
            )
            stored = json.loads(
                _manage("shell", "--verbosity", "0", "-c", stored_script(ids["article"]), env=env)
            )
        finally:
            if scratch:
                with psycopg.connect(maintenance, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')
    # Each save and correction bumps the version once, review steps do not: fewer means a save
    # was lost, more means one was made twice.
    result["lost_saves"] = (1 + saves) - stored["version"]
    result["last_save_stored"] = stored["body"] == f"<p>{save_text(saves)}</p>"
    result["stored_status"] = stored["status"]
    result["stored_corrections"] = stored["corrections"]
    return result


def _manage(*args: str, env: dict) -> str:
    """Run a manage.py command for the site; its last line of output."""
    result = manage(*args, env=env)
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed: {result.stderr}")
    return (result.stdout.strip().splitlines() or [""])[-1]


def _hammer(env: dict, ids: dict, *, readers: int, seconds: float, saves: int, log: Path) -> dict:
    story_url = f"/articles/{ids['article']}/"
    urls = [
        "/",
        "/2020-12-03/",
        "/2020-12-03/2/",
        "/2020-12-29/",
        "/archive/",
        f"/{NEW_ISSUE_DATE}/",
        story_url,
    ] + [f"/articles/{pk}/" for pk in ids["readable"][:6]]
    answers: list[Answer] = []
    timeline = Timeline()
    before = saves - saves // 2  # through the form while under review; the rest are corrections
    # The desk's steps at fixed times (a warm-up, the saves, the release, the corrections) and two
    # steps' time at the end for readers of the last correction; a slow step only delays the next.
    step = seconds / (saves + 4)
    with running_site(env, log=log) as site:
        desk = Desk(site, ids)
        stop = threading.Event()
        # Each reader starts at a different URL, so all of them are asked from the first second.
        rotations = [urls[i % len(urls) :] + urls[: i % len(urls)] for i in range(readers)]
        threads = [
            threading.Thread(target=reader, args=(site, rotation, stop, answers), daemon=True)
            for rotation in rotations
        ]
        started = time.monotonic()

        def at_step(k: int) -> None:
            time.sleep(max(0.0, started + k * step - time.monotonic()))

        for thread in threads:
            thread.start()
        try:
            for n in range(1, before + 1):
                at_step(n)
                desk.save(n)
            at_step(before + 1)
            desk.release(timeline)
            timeline.visible_saves.append((timeline.release_done, before))
            desk.save_released(before + 1)
            for n in range(before + 1, saves + 1):
                at_step(n + 1)
                desk.correct(n)
                timeline.visible_saves.append((time.monotonic(), n))
            time.sleep(max(0.0, started + seconds - time.monotonic()))
        finally:
            # Also when the desk was refused: the readers must not outlive the site.
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        elapsed = time.monotonic() - started
        status, body = _get(site + story_url)
    errors = judge(answers, timeline, origin=started, story_url=story_url)
    latencies = sorted(seen.finished - seen.started for seen in answers)
    first_seen = min(
        (seen.finished for seen in answers if seen.url == "/" and seen.headline_shown), default=None
    )
    return {
        "readers": readers,
        "seconds": round(elapsed, 1),
        "requests": len(answers),
        "requests_per_second": round(len(answers) / elapsed, 1),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1)
        if latencies
        else None,
        "latency_max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "errors": len(errors),
        "error_samples": errors[:5],
        # The server logs errors only (LOG_LEVEL=ERROR): what it said about them.
        "server_log_tail": log.read_text()[-2000:] if errors else "",
        "saves": before,
        "corrections": saves - before,
        "last_save_published": status == 200 and save_text(saves) in body,
        "seen_after_release_s": round(first_seen - timeline.release_clicked, 2)
        if first_seen
        else None,
    }


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def failures(result: dict) -> list[str]:
    """What the figures show to be wrong, one line each; empty when the run passed."""
    seen = result["seen_after_release_s"]
    checks = {
        "readers got errors": result["errors"] == 0,
        "a save was lost or made twice": result["lost_saves"] == 0,
        "the last save is not what is stored": result["last_save_stored"],
        "the last save is not what readers see": result["last_save_published"],
        "the story is not approved at the end": result["stored_status"] == "approved",
        "a correction is missing": result["stored_corrections"] == result["corrections"],
        "readers did not see the issue within 5 s of its release": seen is not None and seen < 5,
    }
    return [problem for problem, fine in checks.items() if not fine]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--saves",
        type=int,
        default=20,
        help="text saves: the first half through the form, the rest corrections",
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    options = parser.parse_args(argv)
    if options.saves < 2:
        parser.error("--saves must be at least 2: one before the release, one correction after")
    result = run(
        readers=options.readers,
        seconds=options.seconds,
        saves=options.saves,
        database_url=options.database_url,
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    problems = failures(result)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
