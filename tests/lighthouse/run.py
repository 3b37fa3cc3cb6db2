"""Lighthouse (mobile) on every kind of reader page of the demo paper: each category at least 98.

Run by .ci/run after the suites, on its own, because performance is timed and a busy machine
(pytest-xdist next door) would make the score noise. Lighthouse comes from npm
(`LIGHTHOUSE=/path/to/node_modules/.bin/lighthouse`) and drives Debian's Chromium; nothing is
downloaded while it runs, and the site listens on 127.0.0.1 only.

    LIGHTHOUSE=/tmp/newsroom-ci/lighthouse/node_modules/.bin/lighthouse .venv/bin/python -m tests.lighthouse.run
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import django

from tests.load.server import manage, running_site, site_env

MINIMUM = 0.98
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Search results are noindex by design (robots.txt and the page's robots meta say so).
EXCEPTED = {("search", "seo")}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
# Performance is timed: the score a page gets is the median of three runs, as Lighthouse advises.
PERFORMANCE_RUNS = 3


def reader_pages(env: dict) -> dict[str, str]:
    """One page of each kind, found in the demo paper the way a reader would reach it."""
    os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT")})
    django.setup()
    from articles.models import Article
    from issues.models import Page

    story = Article.objects.published().order_by("pk").first()
    page = Page.objects.released().filter(number=2).order_by("-issue__date").first()
    return {
        "front": "/",  # the front page's e-paper: the page image with its stories
        "issue": page.issue.get_absolute_url(),
        "inside page": page.get_absolute_url(),
        "article": story.get_absolute_url(),
        "archive": "/archive/",
        "search": "/search/?q=金坛",
    }


# Lighthouse sometimes fails to record a page load's trace and asks to be run again.
RUNS_ON_RUNTIME_ERROR = 3


def lighthouse(binary: str, url: str, categories: list[str], folder: Path) -> dict[str, float]:
    """Each category's score, and on stderr each weighed audit that lost points (to know what to fix)."""
    report = folder / "report.json"
    command = [binary, url, "--quiet", "--output=json", f"--output-path={report}", f"--chrome-flags={CHROME_FLAGS}",
               f"--only-categories={','.join(categories)}"]
    for attempt in range(1, RUNS_ON_RUNTIME_ERROR + 1):
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=240, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
        )
        if done.returncode == 0:
            break
        # Lighthouse's own failure, not the page's ("Something went wrong with recording the
        # trace… Please run Lighthouse again." NO_NAVSTART): a score never reaches here.
        print(f"    {url}: Lighthouse failed (attempt {attempt}): {done.stderr.strip()[-300:]}", file=sys.stderr)
    else:
        raise subprocess.CalledProcessError(done.returncode, command, done.stdout, done.stderr)
    found = json.loads(report.read_text())
    for name in categories:
        for ref in found["categories"][name]["auditRefs"]:
            audit = found["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                print(f"    {url} {name}: {ref['id']} {audit['score']} {audit.get('displayValue', '')}", file=sys.stderr)
    return {name: found["categories"][name]["score"] for name in categories}


def main() -> int:
    binary = os.environ.get("LIGHTHOUSE", "lighthouse")
    failures = []
    with tempfile.TemporaryDirectory(prefix="newsroom-lighthouse-") as folder:
        folder = Path(folder)
        # The production settings, static files collected and served by WhiteNoise as deployed.
        env = site_env(
            f"sqlite:///{folder / 'site.sqlite3'}", folder / "media",
            DJANGO_SETTINGS_MODULE="newsroom.settings", STATIC_ROOT=str(folder / "static"),
        )
        commands = (["migrate", "--no-input"], ["collectstatic", "--no-input"],
                    ["loaddemo", f"--password-file={folder / 'password'}"])
        for command in commands:
            done = manage(*command, env=env)
            if done.returncode:
                sys.exit(done.stdout + done.stderr)
        pages = reader_pages(env)
        with running_site(env) as site:
            for name, path in pages.items():
                scores = lighthouse(binary, site + path, CATEGORIES, folder)
                timed = [scores["performance"]]
                while len(timed) < PERFORMANCE_RUNS and min(timed) < MINIMUM:
                    timed.append(lighthouse(binary, site + path, ["performance"], folder)["performance"])
                scores["performance"] = statistics.median(timed)
                print(f"{name:14} {path:40} " + "  ".join(f"{key} {round(value * 100)}" for key, value in scores.items()))
                failures += [
                    f"{name} {path}: {category} {round(score * 100)} < {round(MINIMUM * 100)}"
                    for category, score in scores.items()
                    if score < MINIMUM and (name, category) not in EXCEPTED
                ]
    print("\n".join(failures) or "Every reader page scores at least 98 in every category.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
