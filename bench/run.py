"""bench/run: the benchmark against a full archive, on SQLite and PostgreSQL, under the production server.

For each database: make a fresh one, fill it (bench.generate), collect static files, count the
queries of every public view and time the admin screens in-process (bench.views), then start
the production server on 127.0.0.1 twice (page cache off, then on) and load every view with
wrk for a fixed time, including a bare view that returns a fixed string (the framework's floor).
Then a mixed day (bench.mixed): readers while the desk saves drafts and corrects stories.
Peak memory per worker is read from /proc. The report goes to bench/RESULTS.md.

    bench/run                 # 10 years, both databases (about 20 minutes on 2 cores)
    bench/run --quick         # a few weeks of archive, short loads: a smoke run
    bench/run --db sqlite --reuse --duration 5
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var" / "bench"
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

# Targets from the issue.
UNCACHED_SHARE, CACHED_SHARE = 0.40, 0.85
MAX_QUERIES, ADMIN_MAX_QUERIES, ADMIN_MAX_MS = 8, 15, 300
SEARCH_P95_MS, WORKER_MAX_MB = 150, 150


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=BASE_DIR, check=True, **kwargs)


def database_url(db: str, label: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{VAR / f'{label}.sqlite3'}"
    return f"{PG_URL}/nr_bench_{label.replace('-', '_')}"


def recreate_database(db: str, url: str) -> None:
    if db == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(db: str, label: str, years: float, reuse: bool, env: dict) -> dict:
    """A filled database for this run; returns what the generator reported."""
    marker = VAR / f"{label}.generated.json"
    if reuse and marker.exists():
        log(f"{db}: reusing the {label} archive")
        return json.loads(marker.read_text())
    recreate_database(db, env["DATABASE_URL"])
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    log(f"{db}: generating {years:g} years of archive")
    started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    output = run([PYTHON, "-m", "bench.generate", "--years", str(years)], env, stdout=subprocess.PIPE, text=True).stdout
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    generated = {
        "seconds": round(time.monotonic() - started),
        # CPU time of the generator itself (not the database server): on a shared machine the
        # wall time says more about the neighbours than about the generator.
        "cpu_seconds": round(used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime),
        "summary": output.strip().splitlines()[-1],
    }
    log(f"{db}: {generated['summary']} ({generated['seconds']} s with start-up)")
    marker.write_text(json.dumps(generated))
    return generated


def query_pass(env: dict, out: Path) -> dict:
    run([PYTHON, "-m", "bench.views", str(out)], {**env, "NEWSROOM_CACHE_PUBLIC": "false"})
    return json.loads(out.read_text())


class Server:
    """The production server (granian) on a free local port, with the environment given; stopped on exit."""

    def __init__(self, env: dict, workers: int) -> None:
        self.port = free_port()
        # The production settings (deploy/granian.env), on this run's port and worker count.
        for line in (BASE_DIR / "deploy" / "granian.env").read_text().splitlines():
            key, _, value = line.partition("=")
            if key and not key.startswith("#") and value:
                env = {key: value, **env}
        env = {**env, "GRANIAN_HOST": "127.0.0.1", "GRANIAN_PORT": str(self.port),
               "GRANIAN_WORKERS": str(workers), "GRANIAN_LOG_LEVEL": "warning"}
        command = [str(Path(PYTHON).parent / "granian"), "newsroom.wsgi:application"]
        self.process = subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait(self, path: str = "/bench/floor/", seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"granian exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"granian did not answer within {seconds} s")

    def worker_pids(self) -> list[int]:
        pids, queue = [], [self.process.pid]
        while queue:
            pid = queue.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                children = (task / "children").read_text().split() if (task / "children").exists() else []
                for child in map(int, children):
                    pids.append(child)
                    queue.append(child)
        return pids or [self.process.pid]

    def peak_memory_mb(self) -> list[float]:
        """Peak resident memory (VmHWM) of each worker process, in MB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(round(int(line.split()[1]) / 1024, 1))
            except FileNotFoundError:
                continue
        return peaks

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wrk(url: str, paths: list[str], seconds: float, connections: int) -> dict:
    """Load ``paths`` (cycled) for ``seconds``; requests/s, latency percentiles in ms, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
             "-s", str(BASE_DIR / "bench" / "wrk.lua"), url],
            env={**os.environ, "BENCH_URLS": listing.name}, check=True, capture_output=True, text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(listing.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(raw[key] for key in raw if key.startswith("errors_"))
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "requests": raw["requests"],
        "p50": raw["p50_us"] / 1000,
        "p95": raw["p95_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "errors": errors,
    }


def request_each(server: Server, paths: list[str]) -> None:
    """Fetch every path once (four at a time), so a cached pass measures stored pages."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(path: str) -> None:
        with urllib.request.urlopen(server.url + path, timeout=30) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(fetch, paths))


def load_pass(server: Server, views: dict, seconds: float, connections: int, fill: bool) -> dict:
    """Each view after a short floor measurement, so every view has a floor taken under the same load."""
    results = {}
    for name, view in views.items():
        if name == "floor":
            continue
        if fill:
            request_each(server, view["urls"])
        wrk(server.url, view["urls"], 1, connections)  # warm connections and caches
        floor = wrk(server.url, ["/bench/floor/"], max(2, seconds / 3), connections)
        load_before, cpu_before, workers = os.getloadavg()[0], server.cpu_seconds(), set(server.worker_pids())
        result = wrk(server.url, view["urls"], seconds, connections)
        # The workers' own CPU per request does not depend on what else runs on the machine;
        # unknown when granian replaced a worker meanwhile (GRANIAN_WORKERS_MAX_RSS): its time went with it.
        replaced = set(server.worker_pids()) != workers
        result["cpu_ms"] = None if replaced else round(
            (server.cpu_seconds() - cpu_before) * 1000 / max(1, result["requests"]), 2
        )
        # Other processes share the CPUs: the load around each measurement says how much.
        result["loadavg"] = round(max(load_before, os.getloadavg()[0]), 1)
        result["floor_rps"] = floor["rps"]
        results[name] = result
        cpu = "a worker was replaced" if replaced else f"{result['cpu_ms']:6.2f} CPU ms/req"
        log(f"  {name:16} {result['rps']:8.1f} req/s  p95 {result['p95']:7.1f} ms  {cpu}  "
            f"floor {floor['rps']:.0f} req/s  errors {result['errors']}")
    cpu_before = server.cpu_seconds()
    results["floor"] = wrk(server.url, ["/bench/floor/"], seconds, connections)
    results["floor"]["cpu_ms"] = round((server.cpu_seconds() - cpu_before) * 1000 / max(1, results["floor"]["requests"]), 2)
    results["floor"]["loadavg"] = round(os.getloadavg()[0], 1)
    log(f"  {'floor':16} {results['floor']['rps']:8.1f} req/s  {results['floor']['cpu_ms']:6.2f} CPU ms/req")
    results["_memory_mb"] = server.peak_memory_mb()
    return results


def bench_database(db: str, args, label: str) -> dict:
    VAR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(db, label),
        "MEDIA_ROOT": str(VAR / "media"),
        "STATIC_ROOT": str(VAR / "static"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "NEWSROOM_BENCH_FLOOR": "true",
        "LOG_LEVEL": "ERROR",
    }
    env.setdefault("CACHE_URL", f"filecache://{VAR / f'cache-{label}'}")
    if env["CACHE_URL"].startswith("filecache://"):
        shutil.rmtree(env["CACHE_URL"].removeprefix("filecache://"), ignore_errors=True)
    elif env["CACHE_URL"].startswith("redis://"):
        # Each database's run starts from an empty store: the archives share their URLs.
        import redis

        redis.Redis.from_url(env["CACHE_URL"]).flushdb()
    generated = prepare(db, label, args.years, args.reuse, env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    log(f"{db}: counting queries in-process")
    measured = query_pass(env, VAR / f"{label}.queries.json")
    views = {name: view for name, view in measured["views"].items() if 200 in view["statuses"]}
    result = {"generated": generated, "queries": measured, "load": {}}
    for mode, cached in (("uncached", "false"), ("cached", "true")):
        log(f"{db}: granian, {args.workers} workers, page cache {'on' if cached == 'true' else 'off'}")
        server = Server({**env, "NEWSROOM_CACHE_PUBLIC": cached}, args.workers)
        try:
            server.wait()
            result["load"][mode] = load_pass(
                server, views, args.duration, args.connections, fill=cached == "true"
            )
        finally:
            server.stop()
    if args.mixed_seconds > 0:
        from bench.mixed import mixed_pass

        log(f"{db}: a mixed day, {args.mixed_seconds:g} s: readers while the desk saves drafts and corrects stories")
        server = Server({**env, "NEWSROOM_CACHE_PUBLIC": "true"}, args.workers)
        try:
            server.wait()
            result["mixed"] = mixed_pass(
                server.url, env, seconds=args.mixed_seconds, draft_every=args.draft_every,
                correct_every=args.correct_every, log=log,
            )
        finally:
            server.stop()
    return result


def one_issue_queries(args) -> dict:
    """Query counts with a single issue in the database (SQLite), next to those at full size."""
    env = {**os.environ, "DATABASE_URL": database_url("sqlite", "one-issue"), "MEDIA_ROOT": str(VAR / "media"),
           "NEWSROOM_BENCH_FLOOR": "true", "CACHE_URL": "locmemcache://bench", "LOG_LEVEL": "ERROR",
           "STATIC_ROOT": str(VAR / "static"), "DJANGO_DEBUG": "false"}
    recreate_database("sqlite", env["DATABASE_URL"])
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    run([PYTHON, "-m", "bench.generate", "--years", str(1 / 300), "--no-progress"], env, stdout=subprocess.DEVNULL)
    return query_pass(env, VAR / "one-issue.queries.json")


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
    versions = subprocess.run(
        [PYTHON, "-c", "import django, granian, sys; print(sys.version.split()[0], django.get_version(), granian.__version__)"],
        capture_output=True, text=True, check=True).stdout.split()
    postgres = subprocess.run(["psql", f"{PG_URL}/postgres", "-tAc", "SHOW server_version"], capture_output=True, text=True).stdout.strip()
    import sqlite3

    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "python": versions[0], "django": versions[1], "granian": versions[2],
            "sqlite": sqlite3.sqlite_version, "postgresql": postgres.split()[0] if postgres else "?"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small archive and short loads: a smoke run")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--years", type=float, help="archive size (default 10; --quick 0.1)")
    parser.add_argument("--duration", type=float, help="seconds of load per view and mode (default 10; --quick 2)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--mixed-seconds", type=float, help="length of the mixed day (default 120; --quick 12; 0: none)")
    parser.add_argument("--draft-every", type=float, default=3, help="mixed day: seconds between draft saves")
    parser.add_argument("--correct-every", type=float, help="mixed day: seconds between corrections (default 60; --quick 4)")
    parser.add_argument("--reuse", action="store_true", help="keep an archive a previous run generated")
    parser.add_argument("--output", type=Path, help="default bench/RESULTS.md; --quick: var/bench/RESULTS-quick.md")
    args = parser.parse_args(argv)
    VAR.mkdir(parents=True, exist_ok=True)
    # A smoke run never replaces the figures of a full one.
    args.output = args.output or (VAR / "RESULTS-quick.md" if args.quick else BASE_DIR / "bench" / "RESULTS.md")
    # Stopped with SIGTERM (or from a background shell, where SIGINT is ignored): still stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.years = args.years if args.years is not None else (0.1 if args.quick else 10)
    args.duration = args.duration if args.duration is not None else (2 if args.quick else 10)
    args.mixed_seconds = args.mixed_seconds if args.mixed_seconds is not None else (12 if args.quick else 120)
    args.correct_every = args.correct_every if args.correct_every is not None else (4 if args.quick else 60)
    if shutil.which("wrk") is None:
        sys.exit("bench/run needs wrk: apt-get install -y wrk")
    size = "quick" if args.quick else f"{args.years:g}y"
    started = time.monotonic()
    report = {"machine": machine(), "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
              "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}, "databases": {}}
    report["one_issue"] = one_issue_queries(args)
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        report["databases"][db] = bench_database(db, args, f"{db}-{size}")
    report["minutes"] = round((time.monotonic() - started) / 60, 1)
    (VAR / f"report-{size}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    from bench.report import write_results

    write_results(report, args.output)
    log(f"done in {report['minutes']} min: {args.output}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    sys.exit(main())
