"""What one uncached render costs: CPU per request of the reader views, in-process, page cache off.

The quick loop for making renders cheaper (issue #17): no server, no load tool, one process.
Each view cycles through the same URLs bench/run samples (bench.views.public_views, same
seed), after a warm-up pass over them, and reports this process's CPU time per request
(``time.process_time``: on SQLite the database's work is in it too, as it is in a granian
worker's). The HTTP layer is not in it: bench/run's floor (a bare view under granian, about
0.3 ms) is what a worker adds on top.

    DATABASE_URL=sqlite:///var/bench/sqlite-10y.sqlite3 python -m bench.render
    DATABASE_URL=... python -m bench.render --views article page --rounds 3
    DATABASE_URL=... python -m bench.render --profile page      # cProfile of that view's requests
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

VIEWS = ("front", "page", "article", "feed")
URLS_PER_VIEW = 40
# Targets of issue #17: worker CPU per uncached request, in ms.
TARGETS = {"front": 5, "issue": 5, "page": 5, "article": 3, "feed": 4}


def measure(client, urls: list[str], rounds: int) -> tuple[list[float], list[float], float]:
    """CPU ms of each URL's first request (stored story parts are drawn and stored then), of
    every URL ``rounds`` times after it, and the mean of the quickest pass over all the URLs.

    The quickest pass is the steadiest figure on a shared virtual machine: a neighbour can only
    slow a pass down, so the best of several is the nearest to what the code costs.
    """
    first = []
    for url in urls:
        started = time.process_time()
        response = client.get(url)
        first.append((time.process_time() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    costs, passes = [], []
    for _ in range(rounds):
        pass_started = time.process_time()
        for url in urls:
            started = time.process_time()
            client.get(url)
            costs.append((time.process_time() - started) * 1000)
        passes.append((time.process_time() - pass_started) * 1000 / len(urls))
    return first, costs, min(passes, default=0.0)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", nargs="+", default=list(VIEWS))
    parser.add_argument("--urls", type=int, default=URLS_PER_VIEW, help="URLs per view (sampled as bench/run does)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the URLs after the warm-up")
    parser.add_argument("--profile", metavar="VIEW", help="run cProfile over this view's requests instead")
    parser.add_argument("--top", type=int, default=40, help="functions to list with --profile")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ["NEWSROOM_CACHE_PUBLIC"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from bench.views import public_views

    settings.NEWSROOM["PUBLIC_CACHE"]["ENABLED"] = False
    samples = public_views(random.Random(7))
    client = Client(HTTP_HOST="127.0.0.1")
    if args.profile:
        import cProfile
        import pstats

        urls = samples[args.profile][: args.urls]
        measure(client, urls, 0)
        profiler = cProfile.Profile()
        profiler.enable()
        measure(client, urls, args.rounds)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        return 0
    # "first": each URL's first request in this process; then the repeats: mean, median, p90.
    print(
        f"{'view':8} {'urls':>4} {'first':>8} {'requests':>8} {'mean ms':>8} {'median':>8} {'p90':>8}"
        f" {'best pass':>9} {'target':>7}"
    )
    for name in args.views:
        urls = samples[name][: args.urls]
        # As many requests for a view of one or two URLs (front, feeds) as for one of forty.
        first, costs, best = measure(client, urls, args.rounds * max(1, URLS_PER_VIEW // len(urls)))
        costs.sort()
        target = TARGETS.get(name)
        print(
            f"{name:8} {len(urls):4} {statistics.fmean(first):8.2f} {len(costs):8} {statistics.fmean(costs):8.2f}"
            f" {statistics.median(costs):8.2f} {costs[int(0.9 * (len(costs) - 1))]:8.2f} {best:9.2f}"
            f" {target if target else '—':>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
