"""A realistic day: readers on popular and archive pages while the desk saves drafts and corrects a story.

Run by bench/run after the load passes (``mixed_pass``), against the production server with the
page cache on. Readers (threads, 127.0.0.1 only) first read quietly for a baseline of cached
latency, then keep reading while a desk process saves a draft every few seconds and corrects a
published story of the latest issue every so often. Each answer's ``X-Newsroom-Cache`` says
whether it was a hit, a stale stand-in, a wait for another render, or a render (miss); the report
gives the share served without a render, p50/p95/p99, and how many renders each key needed after
each public change (one is the target: no stampede).

    python -m bench.mixed paths          # the popular and archive paths, as JSON (used by bench/run)
    python -m bench.mixed desk --seconds 60 --draft-every 3 --correct-every 20
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench import BASE_DIR


def paths() -> dict[str, list[str]]:
    """Popular: the front page, the latest issue's pages and stories. Archive: a sample of older ones."""
    from django.urls import reverse

    from articles.models import Article
    from issues.models import Issue, Page

    released = list(Issue.objects.released().order_by("-date").values_list("pk", flat=True))
    latest, older = released[:1], released[1:]
    rng = random.Random(17)
    archive_issues = rng.sample(older, min(40, len(older)))

    def pages_of(issues):
        return [page.get_absolute_url() for page in Page.objects.filter(issue__in=issues).select_related("issue")]

    def stories_of(issues, limit):
        ids = list(Article.objects.published().filter(placements__page__issue__in=issues).values_list("pk", flat=True).distinct()[:limit])
        return [reverse("articles:article-detail", args=[pk]) for pk in ids]

    popular = ["/", *pages_of(latest), *stories_of(latest, 40)]
    archive = [*pages_of(archive_issues)[:80], *stories_of(archive_issues, 120), "/archive/", "/feeds/rss/"]
    return {"popular": popular, "archive": archive}


def desk(seconds: float, draft_every: float, correct_every: float) -> None:
    """Save a draft every ``draft_every`` s and correct a story of the latest issue every ``correct_every`` s."""
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from articles.services import article_correct, article_create, article_edit
    from issues.models import Issue

    user, _ = get_user_model().objects.get_or_create(username="bench-desk", defaults={"is_superuser": True, "is_staff": True})
    draft = article_create(user=user, headline="记者正在写的草稿", body="<p>草稿。</p>")
    latest = Issue.objects.released().order_by("-date").first()
    stories = list(Article.objects.published().filter(placements__page__issue=latest).distinct())
    rng = random.Random(2026)
    started = time.monotonic()
    next_draft, next_correction, n = started, started + correct_every / 2, 0
    while time.monotonic() - started < seconds:
        now = time.monotonic()
        if now >= next_draft:
            n += 1
            article_edit(article=draft, user=user, known_version=draft.version, body=f"<p>草稿，第{n}次保存。</p>")
            print(json.dumps({"t": time.time(), "draft": draft.pk}), flush=True)
            next_draft += draft_every
        if now >= next_correction and stories:
            story = rng.choice(stories)
            story.refresh_from_db()
            article_correct(article=story, user=user, note=f"更正第{n}处", subheadline=f"更正于第{n}次保存之后")
            print(json.dumps({"t": time.time(), "corrected": story.pk}), flush=True)
            next_correction += correct_every
        time.sleep(0.05)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def _read(url: str) -> tuple[float, float, str, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url), timeout=30) as response:
            response.read()
            how, status = response.headers.get("X-Newsroom-Cache", "none"), response.status
    except urllib.error.HTTPError as error:
        how, status = error.headers.get("X-Newsroom-Cache", "none"), error.code
    return time.time(), (time.perf_counter() - started) * 1000, how, status


def readers(base: str, sample: dict[str, list[str]], seconds: float, threads: int, popular_share: float = 0.8) -> list[tuple]:
    """Read for ``seconds`` with ``threads`` readers; every answer as (time, path, ms, how, status)."""
    rng = random.Random(7)
    deadline = time.monotonic() + seconds
    answers, lock = [], threading.Lock()

    def reader(seed: int) -> None:
        own = random.Random(seed)
        while time.monotonic() < deadline:
            path = own.choice(sample["popular"] if own.random() < popular_share else sample["archive"])
            answer = _read(base + path)
            with lock:
                answers.append((answer[0], path, *answer[1:]))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(reader, [rng.randrange(1 << 30) for _ in range(threads)]))
    return answers


def summary(answers: list[tuple], corrections: list[tuple[float, int]] | None = None) -> dict:
    """Hit rate, latency percentiles and, after each correction, how many renders each key needed."""
    hows = [how for _t, _path, _ms, how, _status in answers]
    latencies = [ms for _t, _path, ms, _how, _status in answers]
    result = {
        "requests": len(answers),
        "hit": hows.count("hit"), "stale": hows.count("stale"), "wait": hows.count("wait"), "miss": hows.count("miss"),
        "errors": sum(1 for *_rest, status in answers if status >= 500),
        "served_without_render": round((hows.count("hit") + hows.count("stale")) / max(1, len(answers)), 4),
        "p50": _percentile(latencies, 0.50), "p95": _percentile(latencies, 0.95), "p99": _percentile(latencies, 0.99),
        "mean": round(statistics.fmean(latencies), 2) if latencies else 0.0,
    }
    if corrections is not None:
        # Between one correction and the next: the renders of each key read in that window.
        bounds = [t for t, _pk in corrections] + [float("inf")]
        per_key = []
        for start, end in zip(bounds, bounds[1:]):
            renders: dict[str, int] = {}
            for t, path, _ms, how, _status in answers:
                if start <= t < end and how == "miss":
                    renders[path] = renders.get(path, 0) + 1
            per_key += list(renders.values())
        result["corrections"] = len(corrections)
        result["keys_rendered_after_corrections"] = len(per_key)
        result["renders_per_key_max"] = max(per_key, default=0)
        result["renders_per_key_mean"] = round(statistics.fmean(per_key), 2) if per_key else 0.0
    return result


def mixed_pass(server_url: str, env: dict, *, seconds: float, draft_every: float, correct_every: float,
               threads: int = 6, log=print) -> dict:
    """The quiet baseline, then the mixed run with the desk at work; both summarised."""
    sample = json.loads(subprocess.run(
        [sys.executable, "-m", "bench.mixed", "paths"], env=env, cwd=BASE_DIR, check=True, capture_output=True, text=True
    ).stdout)
    for path in sample["popular"] + sample["archive"]:  # every key stored once: the day starts warm
        _read(server_url + path)
    quiet = summary(readers(server_url, sample, max(3.0, seconds / 4), threads))
    log(f"  quiet            hit {quiet['served_without_render']:.1%}  p99 {quiet['p99']} ms")
    desk_process = subprocess.Popen(
        [sys.executable, "-m", "bench.mixed", "desk", "--seconds", str(seconds), "--draft-every", str(draft_every),
         "--correct-every", str(correct_every)], env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True,
    )
    try:
        answers = readers(server_url, sample, seconds, threads)
        out, _ = desk_process.communicate(timeout=seconds + 60)
    finally:
        if desk_process.poll() is None:
            desk_process.kill()
            desk_process.wait()
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    corrections = [(event["t"], event["corrected"]) for event in events if "corrected" in event]
    mixed = summary(answers, corrections)
    mixed["drafts"] = sum(1 for event in events if "draft" in event)
    mixed["p99_vs_quiet"] = round(mixed["p99"] / max(0.01, quiet["p99"]), 2)
    log(f"  mixed            hit {mixed['served_without_render']:.1%}  p50 {mixed['p50']} p95 {mixed['p95']} "
        f"p99 {mixed['p99']} ms  {mixed['drafts']} drafts, {mixed['corrections']} corrections, "
        f"renders per key max {mixed['renders_per_key_max']}")
    return {"quiet": quiet, "mixed": mixed, "seconds": seconds, "draft_every": draft_every,
            "correct_every": correct_every, "threads": threads,
            "paths": {name: len(values) for name, values in sample.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mixed")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("paths")
    desk_parser = sub.add_parser("desk")
    desk_parser.add_argument("--seconds", type=float, default=60)
    desk_parser.add_argument("--draft-every", type=float, default=3)
    desk_parser.add_argument("--correct-every", type=float, default=60)
    args = parser.parse_args(argv)
    from bench import setup_django

    setup_django()
    if args.command == "paths":
        print(json.dumps(paths()))
    else:
        desk(args.seconds, args.draft_every, args.correct_every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
