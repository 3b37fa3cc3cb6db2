"""What tests/scaleout/run.sh shows once its primary, replica, Redis and two app servers run.

Readers and an editor are plain HTTP clients with their own cookie jars; the withdrawal is a
write on the primary through the ORM, as `manage.py shell` would do it. Each step prints what
it saw and fails loudly when the site does not behave.
"""

import datetime
import http.cookiejar
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import django
import psycopg

django.setup()

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article
from issues.models import Issue, Page, Placement

A = os.environ["SCALEOUT_APP_A"]
B = os.environ["SCALEOUT_APP_B"]
PASSWORD = "scale-out-editor-password"
RESULTS: list[str] = []


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: cookies are per host (not per port), like a real one's."""

    def __init__(self, name: str):
        self.name = name
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, url: str, data: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        if body is not None:
            request.add_header("Referer", url)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        content = response.read().decode("utf-8", "replace")
        return response.status, response.headers, content

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def queries(headers) -> dict[str, int]:
    """X-Newsroom-Queries: default=0, replica=7 → {"default": 0, "replica": 7}."""
    pairs = re.findall(r"(\w+)=(\d+)", headers.get("X-Newsroom-Queries", ""))
    return {alias: int(count) for alias, count in pairs}


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "__prefix__" in (attrs.get("name") or ""):
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") not in {"file", "submit"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def wait_until(check, what: str, timeout: float = 10.0) -> float:
    """Poll until check() is true; the milliseconds it took."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.02)
    return (time.monotonic() - start) * 1000


def fail(message: str) -> None:
    print(f"FAILED: {message}", flush=True)
    sys.exit(1)


def show(message: str) -> None:
    RESULTS.append(message)
    print(f"   ✓ {message}", flush=True)


def expect(condition: bool, message: str, detail: object = "") -> None:
    if not condition:
        fail(f"{message} {detail}")
    show(message)


def statements(cluster: str) -> int:
    """Statements the cluster has run so far, counted in its log (log_statement = 'all')."""
    log = os.environ[f"SCALEOUT_{cluster.upper()}_LOG"]
    with open(log, encoding="utf-8", errors="replace") as lines:
        return sum(1 for line in lines if re.search(r"LOG:  (statement|execute [^:]*):", line))


def main() -> None:
    print("== Scenario", flush=True)
    editor_user = get_user_model().objects.create_superuser("editor", "", PASSWORD)
    issue = Issue.objects.create(
        date=datetime.date(2020, 12, 3), number=280, total_number=6800,
        release_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    front = Page.objects.create(issue=issue, number=1, name="要闻")
    lead = Article.objects.create(
        headline="金坛区召开经济工作会议", body="<p>会议部署明年工作。</p>",
        reporter=editor_user, status=Article.Status.APPROVED,
    )  # fmt: skip
    reporter_user = get_user_model().objects.create_user("reporter", "", PASSWORD)
    # Past second review: it waits for the chief's final approval (终审), given through server A.
    story = Article.objects.create(
        headline="茅山景区迎来冬季游客高峰", body="<p>记者现场采访所得。</p>", reporter=reporter_user,
        status=Article.Status.SECOND_PASSED,
    )  # fmt: skip
    brief = Article.objects.create(
        headline="区图书馆延长开放时间", body="<p>周末开放至晚九点。</p>",
        reporter=editor_user, status=Article.Status.APPROVED,
    )  # fmt: skip
    Placement.objects.create(page=front, article=lead, order=1)
    Placement.objects.create(page=front, article=story, order=2)
    Placement.objects.create(page=front, article=brief, order=3)
    story_path = f"/articles/{story.pk}/"
    reader = Browser("reader")
    wait_until(lambda: reader.request(B + "/")[0] == 200, "the replica has the issue")

    print("-- An editor logs in on server A; the session is valid on server B", flush=True)
    editor = Browser("editor")
    status, _h, page = editor.request(A + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _ = editor.request(
        A + "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": token,
            "username": "editor",
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    expect(status == 302 and editor.cookie("sessionid"), "login on A: 302 and a session cookie")
    status, headers, page = editor.request(B + "/admin/")
    expect(
        status == 200 and "editor" in page, "the same session opens the admin on B (200)", status
    )
    counts = queries(headers)
    expect(counts.get("replica") == 0 and counts["default"] > 0,
           f"the admin on B reads the primary only ({headers['X-Newsroom-Queries']})")  # fmt: skip

    print("-- A story approved through server A is seen through server B", flush=True)
    status, _h, _ = reader.request(B + story_path)
    expect(status == 404, "before approval the draft is 404 on B")
    change_url = f"{A}/admin/articles/article/{story.pk}/change/"
    status, _h, page = editor.request(change_url)
    parser = FormFields("article_form")
    parser.feed(page)
    token = dict_of(parser.fields)["csrfmiddlewaretoken"][0]
    workflow_url = f"{A}/admin/articles/article/{story.pk}/workflow/"
    status, headers, _ = editor.request(
        workflow_url, {"csrfmiddlewaretoken": [token], "action": ["approve"], "comment": [""]}
    )
    expect(status == 302 and queries(headers).get("replica") == 0,
           f"approval saved through A's admin, all on the primary ({headers['X-Newsroom-Queries']})")  # fmt: skip
    expect(
        editor.cookie("newsroom_primary") == "1", "the editor's browser is pinned to the primary"
    )
    lag = wait_until(lambda: reader.request(B + story_path)[0] == 200, "approved story on B")
    show(f"a reader on B sees the approved story after {lag:.0f} ms (replication)")
    status, headers, _ = editor.request(B + story_path)
    expect(status == 200 and queries(headers).get("replica") == 0,
           f"the editor reads their own write on B from the primary ({headers['X-Newsroom-Queries']})")  # fmt: skip

    print("-- Readers' pages are read from the replica", flush=True)
    paths = ["/", "/2020-12-03/", "/2020-12-03/1/", story_path, "/archive/"]
    for server in (A, B):
        for path in paths:
            status, headers, _ = reader.request(server + path)
            counts = queries(headers)
            if status != 200 or counts.get("default") != 0 or not counts.get("replica"):
                fail(f"{server}{path}: {status} {headers.get('X-Newsroom-Queries')}")
    show(
        f"{len(paths) * 2} reader pages on A and B: 200, every query on the replica, none on the primary"
    )
    before = {cluster: statements(cluster) for cluster in ("primary", "replica")}
    rounds = 10
    for _ in range(rounds):
        for server in (A, B):
            for path in paths:
                reader.request(server + path)
    time.sleep(0.2)  # let the servers' logs reach the disk
    after = {cluster: statements(cluster) for cluster in ("primary", "replica")}
    primary, replica = (after[c] - before[c] for c in ("primary", "replica"))
    requests = rounds * len(paths) * 2
    expect(replica >= requests and primary == 0,
           f"{requests} reader requests: the clusters' logs show {replica} statements on the "
           f"replica, {primary} on the primary")  # fmt: skip

    print("-- A story withdrawn on the primary disappears from both servers", flush=True)
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    lag = wait_until(
        lambda: (
            reader.request(A + story_path)[0] == 404 and reader.request(B + story_path)[0] == 404
        ),
        "withdrawn story gone",
    )
    show(f"withdrawn story is 404 on A and B after {lag:.0f} ms")
    front_pages = [reader.request(server + "/")[2] for server in (A, B)]
    expect(all(story.headline not in p and lead.headline in p for p in front_pages),
           "the front page on A and B lists the lead story but no longer the withdrawn one")  # fmt: skip

    print("-- Replication stalls; the servers notice and read the primary", flush=True)
    brief_path = f"/articles/{brief.pk}/"
    expect(all(reader.request(server + brief_path)[0] == 200 for server in (A, B)),
           "a second story is public on A and B")  # fmt: skip
    with psycopg.connect(os.environ["DATABASE_REPLICA_URL"], autocommit=True) as replica_db:
        replica_db.execute("SELECT pg_wal_replay_pause()")
        withdrawn_at = time.monotonic()
        Article.objects.filter(pk=brief.pk).update(status=Article.Status.DRAFT)
        # Each worker checks the replica's lag at most once a second: after the lag limit and
        # that second, no worker may still serve the stale replica.
        max_lag = float(os.environ["NEWSROOM_REPLICA_MAX_LAG"])
        time.sleep(max(0.0, withdrawn_at + max_lag + 1.5 - time.monotonic()))
        answers = [
            (reader.request(server + brief_path)[0], queries(reader.request(server + "/")[1]))
            for server in (A, B)
            for _ in range(8)
        ]
        expect(
            # On the replica at most the router's own lag check (once a second per worker).
            all(
                status == 404 and counts["default"] > 0 and counts.get("replica", 0) <= 1
                for status, counts in answers
            ),
            f"replay paused on the replica, a story withdrawn on the primary: {max_lag + 1.5:.1f} s "
            f"later all {len(answers) * 2} requests to A and B read the primary and the story is 404 "
            f"(NEWSROOM_REPLICA_MAX_LAG={max_lag:g} s; the replica saw only the lag checks)",
            answers,
        )
        replica_db.execute("SELECT pg_wal_replay_resume()")
    back = wait_until(
        lambda: all(queries(reader.request(server + "/")[1]).get("replica") for server in (A, B) for _ in range(4)),
        "readers back on the replica", timeout=60,
    )  # fmt: skip
    show(f"replay resumed: readers' pages read the replica again after {back / 1000:.1f} s "
         f"(NEWSROOM_REPLICA_RETRY_SECONDS={os.environ['NEWSROOM_REPLICA_RETRY_SECONDS']})")  # fmt: skip

    print("-- The replica stops; the site goes on from the primary", flush=True)
    subprocess.run(
        shlex.split(os.environ["SCALEOUT_STOP_REPLICA"]), check=True, capture_output=True
    )
    start = time.monotonic()
    served = 0
    still_public = [path for path in paths if path != story_path] + [f"/articles/{lead.pk}/"]
    for server in (A, B):
        for path in still_public * 4:
            status, headers, _ = reader.request(server + path)
            counts = queries(headers)
            if status != 200 or counts.get("replica") or not counts.get("default"):
                fail(
                    f"with the replica down {server}{path}: {status} {headers.get('X-Newsroom-Queries')}"
                )
            served += 1
    seconds = time.monotonic() - start
    show(
        f"replica stopped: {served} reader pages on A and B, all 200 from the primary, in {seconds:.1f} s"
    )
    status, headers, _ = editor.request(B + "/admin/articles/article/")
    expect(status == 200, "the admin on B still works")

    print("== Scale-out scenario passed:", flush=True)
    for line in RESULTS:
        print(f"   {line}")
    print(f"scaleout: {len(RESULTS)} passed, 0 failed")


def dict_of(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


if __name__ == "__main__":
    main()
