"""The choice behind the default cache store, measured: file, Redis or database.

    .venv/bin/python -m bench.compare --db sqlite     # after bench/run made the 10-year archive

Loads the floor, the front page and cached pages under the production server (granian) with each
store, and prints a Markdown table for bench/RESULTS.md. The other choice, granian over gunicorn,
was measured once with gunicorn 27 (bench/RESULTS.md, "Which server") and is kept as a figure:
gunicorn is no longer installed.
"""

import argparse
import os
import shutil
import subprocess
import sys

from bench.run import PYTHON, VAR, Server, database_url, request_each, run, wrk


def measure(env: dict, views: dict, seconds: float, workers: int) -> dict:
    server = Server(env, workers)
    try:
        server.wait()
        results = {}
        for name, (paths, fill) in views.items():
            if fill:
                request_each(server, paths)
            wrk(server.url, paths, 1, 8)
            results[name] = wrk(server.url, paths, seconds, 8)
            results[name]["loadavg"] = round(os.getloadavg()[0], 1)
        results["memory"] = max(server.peak_memory_mb() or [0])
        return results
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--label", default=None, help="archive label (default DB-10y)")
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    label = args.label or f"{args.db}-10y"
    base = {
        **os.environ,
        "DATABASE_URL": database_url(args.db, label),
        "MEDIA_ROOT": str(VAR / "media"),
        "STATIC_ROOT": str(VAR / "static"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
        "NEWSROOM_BENCH_FLOOR": "true",
        "LOG_LEVEL": "ERROR",
    }
    import json

    queries = json.loads((VAR / f"{label}.queries.json").read_text())["views"]
    pages = queries["page"]["urls"][:100]
    views = {"floor": (["/bench/floor/"], False), "front": (["/"], True), "page": (pages, True)}
    stores = {
        "file": f"filecache://{VAR / 'cache-compare'}",
        "redis": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/7"),
        "database": "dbcache://newsroom_cache",
    }
    rows = []
    run([PYTHON, "manage.py", "createcachetable"], {**base, "CACHE_URL": stores["database"]})
    for store, url in stores.items():
        shutil.rmtree(VAR / "cache-compare", ignore_errors=True)
        if store == "redis":
            subprocess.run(["redis-cli", "-u", url, "flushdb"], check=False, capture_output=True)
        result = measure({**base, "CACHE_URL": url, "NEWSROOM_CACHE_PUBLIC": "true"}, views, args.duration, args.workers)
        rows.append((f"granian, {store} cache", result))
        print(rows[-1], flush=True)
    print("\n| setup | view | req/s | p50 / p95 / p99 ms | errors | load avg | worker peak MB |")
    print("| --- | --- | ---: | --- | ---: | ---: | ---: |")
    for setup, result in rows:
        for view, figures in result.items():
            if view == "memory":
                continue
            print(f"| {setup} | {view} | {figures['rps']:.0f} | {figures['p50']:.1f} / {figures['p95']:.1f} / "
                  f"{figures['p99']:.1f} | {figures['errors']} | {figures['loadavg']} | {result['memory']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
