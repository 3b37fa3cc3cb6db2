"""Turn a bench/run report into the tables of bench/RESULTS.md, checked against the issue's targets.

Only the part between the two markers is rewritten; notes written by hand around it stay.
"""

import os
from pathlib import Path

START, END = "<!-- bench/run: start -->", "<!-- bench/run: end -->"
UNCACHED_SHARE, CACHED_SHARE = 0.40, 0.85
MAX_QUERIES, ADMIN_MAX_QUERIES, ADMIN_MAX_MS = 8, 15, 300
SEARCH_P95_MS, WORKER_MAX_MB = 150, 150


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _check(ok: bool) -> str:
    return "met" if ok else "**missed**"


def database_section(db: str, data: dict, one_issue: dict) -> tuple[list[str], list[str]]:
    lines, misses = [], []
    load = data["load"]
    lines += [
        f"### {db}",
        "",
        f"Archive: {data['generated']['summary']}; generated in {data['generated']['seconds']} s wall "
        + (f"({data['generated']['cpu_seconds']} s CPU in the generator) " if "cpu_seconds" in data["generated"] else "")
        + "into a migrated database, start-up included.",
        "",
        "req/s and latency under wrk; *of floor*: req/s over the floor's req/s measured just before, under the same load; "
        "*CPU ms*: the workers' CPU time per request; *CPU share*: floor CPU ms over the view's, the req/s share "
        "the view would reach on an otherwise idle machine while the workers are the bottleneck"
        + (" (the database server's CPU is not in it)" if db != "sqlite" else "") + ".",
        "",
        "| view | queries (1 issue / full) | uncached req/s | p50 / p95 / p99 ms | err | CPU ms | of floor | CPU share "
        "| cached req/s | p50 / p95 / p99 ms | err | CPU ms | of floor | CPU share |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, view in data["queries"]["views"].items():
        if name not in load["uncached"]:
            continue
        small = one_issue["views"].get(name, {})
        queries = f"{small.get('queries_max', '–')} / {view['queries_max']}"
        if view["queries_min"] != view["queries_max"]:
            queries += f" (min {view['queries_min']})"
        row = [name, queries]
        for mode, share in (("uncached", UNCACHED_SHARE), ("cached", CACHED_SHARE)):
            result = load[mode][name]
            floor_rps = result.get("floor_rps") or load[mode]["floor"]["rps"]
            ratio = result["rps"] / floor_rps if floor_rps else 0
            cpu_share = load[mode]["floor"]["cpu_ms"] / result["cpu_ms"] if result.get("cpu_ms") else 0
            row += [
                f"{result['rps']:.0f}",
                f"{_ms(result['p50'])} / {_ms(result['p95'])} / {_ms(result['p99'])}",
                str(result["errors"]),
                f"{result['cpu_ms']:.2f}" if result.get("cpu_ms") is not None else "— (worker replaced)",
                f"{ratio:.0%}" if name != "floor" else "—",
                f"{cpu_share:.0%}" if name != "floor" and cpu_share else "—",
            ]
            if name != "floor" and ratio < share:
                misses.append(f"{db}, {name} {mode}: {ratio:.0%} of the floor's req/s (CPU share {cpu_share:.0%}), "
                              f"target {share:.0%}")
            if result["errors"]:
                misses.append(f"{db}, {name} {mode}: {result['errors']} errors")
        if name != "floor" and max(view["queries_max"], small.get("queries_max", 0)) > MAX_QUERIES:
            misses.append(f"{db}, {name}: {view['queries_max']} queries, target ≤ {MAX_QUERIES}")
        if name != "floor" and small and small.get("queries_max") != view["queries_max"]:
            misses.append(f"{db}, {name}: {small.get('queries_max')} queries at 1 issue but {view['queries_max']} at full size")
        lines.append("| " + " | ".join(row) + " |")
    searches = {name: view for name, view in data["queries"]["views"].items() if name.startswith("search")}
    if searches:
        lines += ["", "Search latency for one reader at a time (in-process, page cache off, each URL 10 times), next to "
                  "the uncached p95 under the load above (8 connections: mostly waiting in the queue):", "",
                  "| search | one reader p50 / p95 ms | uncached p95 under load ms |", "| --- | ---: | ---: |"]
        for name, view in searches.items():
            under_load = load["uncached"].get(name, {}).get("p95")
            alone = f"{_ms(view['alone_p50'])} / {_ms(view['alone_p95'])}" if "alone_p95" in view else "–"
            lines.append(f"| {name} | {alone} | {_ms(under_load) if under_load is not None else '–'} |")
            if view.get("alone_p95", 0) >= SEARCH_P95_MS:
                misses.append(f"{db}, {name}: p95 {view['alone_p95']:.0f} ms for one reader, target < {SEARCH_P95_MS} ms")
    loads = [result["loadavg"] for mode in ("uncached", "cached") for key, result in load[mode].items()
             if not key.startswith("_") and "loadavg" in result]
    if loads:
        lines += ["", f"Load average (1 min) around the measurements: {min(loads):g}–{max(loads):g} on "
                  f"{os.cpu_count()} CPUs (above the CPU count, other processes shared them)."]
    lines += ["", "Peak memory per worker (VmHWM at the end of each pass):", ""]
    for mode in ("uncached", "cached"):
        peaks = load[mode]["_memory_mb"]
        lines.append(f"- {mode}: " + ", ".join(f"{peak:.0f} MB" for peak in peaks))
        if peaks and max(peaks) >= WORKER_MAX_MB:
            misses.append(f"{db}, {mode}: a worker peaked at {max(peaks):.0f} MB, target < {WORKER_MAX_MB} MB")
    lines += ["", "| admin screen (full archive, staff logged in) | status | queries | median ms (wall) | median ms (CPU + database) |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for label, screen in data["queries"]["admin"].items():
        cost = screen.get("cost_ms_median", screen["ms_median"])
        lines.append(f"| {label} (`{screen['url']}`) | {screen['status']} | {screen['queries']} | "
                     f"{screen['ms_median']:.0f} | {cost:.0f} |")
        if label in ("admin-article-list", "admin-issue-assembly"):
            if screen["queries"] >= ADMIN_MAX_QUERIES or screen["ms_median"] >= ADMIN_MAX_MS:
                misses.append(f"{db}, {label}: {screen['queries']} queries, {screen['ms_median']:.0f} ms wall, "
                              f"{cost:.0f} ms CPU + database (targets < {ADMIN_MAX_QUERIES}, < {ADMIN_MAX_MS} ms)")
    mixed_lines, mixed_misses = mixed_section(db, data.get("mixed"))
    return lines + mixed_lines, misses + mixed_misses


# Targets of the mixed day (issue #17).
MIXED_SERVED_SHARE, MIXED_P99_FACTOR, MIXED_RENDERS_PER_KEY = 0.95, 3, 1


def mixed_section(db: str, mixed: dict | None) -> tuple[list[str], list[str]]:
    """The mixed day: readers while the desk saves drafts and corrects stories (bench.mixed)."""
    if not mixed:
        return [], []
    quiet, busy = mixed["quiet"], mixed["mixed"]
    lines = [
        "", f"A mixed day ({mixed['seconds']:g} s, {mixed['threads']} readers, 80% on the latest issue's "
        f"{mixed['paths']['popular']} pages and stories, 20% on {mixed['paths']['archive']} archive pages; the desk saves "
        f"a draft every {mixed['draft_every']:g} s and corrects a story of the latest issue every {mixed['correct_every']:g} s):",
        "",
        "| phase | requests | served without a render | hit / stale / wait / miss | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, phase in (("quiet (readers only)", quiet), ("mixed (desk at work)", busy)):
        lines.append(f"| {name} | {phase['requests']} | {phase['served_without_render']:.1%} | "
                     f"{phase['hit']} / {phase['stale']} / {phase['wait']} / {phase['miss']} | "
                     f"{phase['p50']:.1f} | {phase['p95']:.1f} | {phase['p99']:.1f} | {phase['errors']} |")
    lines += ["", f"{busy['drafts']} draft saves and {busy['corrections']} corrections; after the corrections "
              f"{busy['keys_rendered_after_corrections']} keys rendered again, at most {busy['renders_per_key_max']} "
              f"render(s) per key (mean {busy['renders_per_key_mean']:g}); p99 {busy['p99_vs_quiet']:g}× the quiet p99."]
    misses = []
    if busy["served_without_render"] < MIXED_SERVED_SHARE:
        misses.append(f"{db}, mixed day: {busy['served_without_render']:.1%} served without a render (target ≥ 95%)")
    if busy["p99_vs_quiet"] > MIXED_P99_FACTOR:
        misses.append(f"{db}, mixed day: p99 {busy['p99_vs_quiet']:g}× the quiet p99 (target ≤ {MIXED_P99_FACTOR}×)")
    if busy["renders_per_key_max"] > MIXED_RENDERS_PER_KEY:
        misses.append(f"{db}, mixed day: up to {busy['renders_per_key_max']} renders of one key after one correction (target 1)")
    return lines, misses


def render(report: dict) -> str:
    machine = report["machine"]
    args = report["args"]
    lines = [
        START,
        "",
        f"Run {report['date']} by `bench/run{' --quick' if args['quick'] else ''}` in {report['minutes']} min.",
        "",
        f"Machine: {machine['cpus']} CPUs ({machine['cpu']}), {machine['memory_gb']} GB memory, Linux "
        f"{machine['kernel']}; Python {machine['python']}, Django {machine['django']}, granian "
        f"{machine['granian']}, SQLite {machine['sqlite']}, PostgreSQL {machine['postgresql']}.",
        "",
        f"Load: wrk, 1 thread, {args['connections']} connections, {args['duration']:g} s per view and mode, "
        f"on the same machine as granian (deploy/granian.env) with {args['workers']} workers, each view after 1 s of "
        "warm-up and a short floor measurement; the cached pass first fetches each URL once, so it measures "
        "stored pages. Each view cycles through up to 200 URLs sampled across the archive "
        "(issue, page, article) or all of them (archive years). `floor` is a bare Django view returning a "
        "fixed string through the same middleware. Queries: one in-process request per URL (up to 20), "
        "page cache off.",
        "",
    ]
    misses = []
    for db, data in report["databases"].items():
        section, missed = database_section(db, data, report["one_issue"])
        lines += section + [""]
        misses += missed
    lines += ["### Targets", ""]
    if misses:
        lines += [f"- {miss}" for miss in misses]
    else:
        lines.append("- All targets met in this run.")
    lines += ["", END]
    return "\n".join(lines)


def write_results(report: dict, path: Path) -> None:
    generated = render(report)
    if path.exists() and START in (text := path.read_text()) and END in text:
        before, _, rest = text.partition(START)
        _, _, after = rest.partition(END)
        path.write_text(before + generated + after)
    else:
        path.write_text("# Benchmark results\n\n" + generated + "\n")
