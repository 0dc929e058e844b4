"""Vacancy search at scale: ``python -m kiosk bench search --vacancies 100000``.

Seeds a temporary database with the demo generator, builds the search index, sweeps what has
expired and merges the indexes' segments (as the kiosk's nightly maintenance does, ``sweep_s``
and ``merge_s``), then answers a
fixed mixed query set (1- to 4-character Chinese, pinyin initials, full pinyin; with and
without filters; sorted by distance) the way the list screen asks: the total count plus the
first page of 50. The same queries answered by a plain LIKE scan of the vacancies table are
the same-run baseline. ``mismatches`` counts queries whose full ranked id list differs from
the plain scan's (or whose page and count disagree with that list).

Timing and memory are measured in a fresh process that opens the database as the kiosk does:
the generator's pypinyin phrase dictionary is not in it. ``rss_mb`` is taken after the indexed
searches; the baseline's full-table scans (memory-mapped) come after and are reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

#: (typed text, filters); every query is sorted by distance, the kiosk's default.
QUERIES: tuple[tuple[str, dict], ...] = (
    ("工", {"scope": "circle"}),
    ("工", {"scope": "city"}),
    ("师", {"scope": "district", "salary_min": 6000}),
    ("保洁", {"scope": "circle"}),
    ("会计", {"scope": "city"}),
    ("司机", {"scope": "district", "job_types": ("全职",)}),
    ("服务", {"scope": "city", "posted_within_days": 7}),
    ("保洁员", {"scope": "circle"}),
    ("营业员", {"scope": "city"}),
    ("快递员", {"scope": "city", "salary_min": 6000, "posted_within_days": 30}),
    ("养老护理", {"scope": "city"}),
    ("仓库管理", {"scope": "circle"}),
    ("家政服务", {"scope": "district", "categories": ("家政服务",)}),
    ("bj", {"scope": "circle"}),
    ("kj", {"scope": "city"}),
    ("yyy", {"scope": "city", "job_types": ("全职",)}),
    ("baojie", {"scope": "circle"}),
    ("kuaidi", {"scope": "city"}),
    ("siji", {"scope": "district"}),
    ("保洁 bj", {"scope": "city", "salary_max": 5000}),
)
PAGE = 50
PROJECT_ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 30.0


def _pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return round(s[k], 2)


def main(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m kiosk bench search")
    ap.add_argument("--vacancies", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7, help="timed runs per query (after one warm-up)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--db", default=None, help="keep the database here instead of a temporary file")
    ap.add_argument("--reuse", action="store_true",
                    help="with --db: keep a database this command seeded before with the same --seed and --vacancies")
    ap.add_argument("--baseline-repeat", type=int, default=None,
                    help="timed runs per query of the plain scan (default: --repeat; a 1M scan takes seconds)")
    args = ap.parse_args(argv)

    import sqlite3

    from kiosk.config import load_config
    from kiosk.domain.progress import Progress
    from kiosk.store import search as S
    from kiosk.store.engine import open_store
    from kiosk.store.seed import seed_demo

    cfg = load_config()
    today = date.today()
    tmp = None
    if args.db:
        path = Path(args.db)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kiosk-bench-search-")
        path = Path(tmp.name) / "kiosk.sqlite3"
    try:
        store = open_store(path)
        t0 = time.perf_counter()
        reused = (args.reuse and args.db is not None
                  and store.get_setting("demo.seed") == f"{args.seed}:{args.vacancies}"
                  and store.get_setting("demo.seeded_on") == today.isoformat())
        if not reused:
            seed_demo(store, args.vacancies, seed=args.seed, today=today, station=cfg.station,
                      progress=Progress("seeding vacancies"))
        seed_s = time.perf_counter() - t0
        print("building the search index ...", file=sys.stderr)
        t0 = time.perf_counter()
        S.refresh_index(store)
        index_s = time.perf_counter() - t0
        # what the kiosk's start-up and nightly maintenance do: expired vacancies swept into the
        # withdrawn mark (the seed's first sweep takes all 20 past days; a night, one)
        t0 = time.perf_counter()
        swept = S.sweep_expired(store, today)
        sweep_s = time.perf_counter() - t0
        # and, as each night, the indexes merged into one segment each
        t0 = time.perf_counter()
        segments = S.merge_segments(store)
        merge_s = time.perf_counter() - t0
        store.close()
        # Time in a fresh process: the kiosk does not hold the generator's pypinyin phrase
        # dictionary, so neither should the RSS figure.
        out = subprocess.run(
            [sys.executable, "-c", f"import json, bench.search as b; print(json.dumps(b.measure({str(path)!r}, "
                                   f"{args.repeat}, {today.isoformat()!r}, {args.baseline_repeat!r})))"],
            cwd=PROJECT_ROOT, check=True, stdout=subprocess.PIPE, text=True,
        )
        m = json.loads(out.stdout)
        db_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    finally:
        if tmp is not None:
            tmp.cleanup()
    timed, mismatches = m["timed"], m["mismatches"]
    p95 = _pct(timed["index"], 95)
    return {
        "benchmark": "search",
        "vacancies": args.vacancies,
        "queries": len(QUERIES),
        "runs_per_query": args.repeat,
        "baseline_runs_per_query": args.baseline_repeat or args.repeat,
        "page_size": PAGE,
        "p50_ms": _pct(timed["index"], 50),
        "p95_ms": p95,
        "max_ms": round(max(timed["index"]), 2),
        "baseline_p50_ms": _pct(timed["scan"], 50),
        "baseline_p95_ms": _pct(timed["scan"], 95),
        "speedup_p50": round(_pct(timed["scan"], 50) / max(_pct(timed["index"], 50), 1e-9), 1),
        "mismatches": len(mismatches),
        "mismatched_queries": mismatches,
        "rss_mb": m["rss_mb"],
        "rss_mb_before_search": m["rss_mb_start"],
        "rss_mb_after_baseline_scans": m["rss_mb_after_baseline"],
        "db_mb": round(db_mb, 1),
        "seed_s": None if reused else round(seed_s, 1),
        "index_build_s": round(index_s, 1),
        "swept_docs": swept,
        "sweep_s": round(sweep_s, 1),
        "segments_merged": segments,
        "merge_s": round(merge_s, 1),
        "first_search_ms": m["first_ms"],
        "goal_p95_ms": GOAL_P95_MS,
        "sqlite_version": sqlite3.sqlite_version,
        "per_query": m["per_query"],
        "ok": not mismatches and p95 < GOAL_P95_MS,
    }


def measure(path: str, repeat: int, today_iso: str, baseline_repeat: int | None = None) -> dict:
    """Open the seeded database as a kiosk would and time the query set (run in a fresh process)."""
    import psutil

    from kiosk.config import load_config
    from kiosk.domain.progress import Progress
    from kiosk.domain.search import Station, make_query
    from kiosk.store import search as S
    from kiosk.store.engine import open_store

    proc = psutil.Process(os.getpid())
    today = date.fromisoformat(today_iso)
    station = Station.from_config(load_config().station)
    store = open_store(path)
    rss_start = proc.memory_info().rss / 2**20
    t0 = time.perf_counter()
    S.search(store, make_query("保洁"), station, today=today)  # measures distances from this station
    first_ms = (time.perf_counter() - t0) * 1000
    queries = [make_query(text, **f) for text, f in QUERIES]
    timed: dict[str, list[float]] = {"index": [], "scan": []}
    mismatches: list[str] = []
    rows: list[dict] = [{"query": q.text, "filters": QUERIES[i][1]} for i, q in enumerate(queries)]
    rss_after: dict[str, float] = {}
    # All indexed searches first, then the baseline: a LIKE scan maps the whole vacancies table
    # into memory, which would inflate the RSS the kiosk itself needs.
    for plan, key in ((S.Plan.AUTO, "index"), (S.Plan.SCAN, "scan")):
        progress = Progress(f"timing queries ({key})")
        for i, q in enumerate(queries):
            S.search(store, q, station, today=today, limit=PAGE, plan=plan)  # warm-up
            samples = []
            for _ in range(repeat if plan is not S.Plan.SCAN else baseline_repeat or repeat):
                t0 = time.perf_counter()
                res = S.search(store, q, station, today=today, limit=PAGE, plan=plan)
                samples.append((time.perf_counter() - t0) * 1000)
            timed[key] += samples
            rows[i][f"{key}_p50_ms"] = round(statistics.median(samples), 2)
            rows[i]["total"] = res.total
            progress(i + 1, len(queries))
        rss_after[key] = round(proc.memory_info().rss / 2**20, 1)
    for q in queries:
        ids = S.search_ids(store, q, station, today=today)
        page = S.search(store, q, station, today=today, limit=PAGE)
        if ids != S.search_ids(store, q, station, today=today, plan=S.Plan.SCAN) or (
                page.total, [h.id for h in page.hits]) != (len(ids), ids[:PAGE]):
            mismatches.append(q.text)
    per_query = rows
    rss = rss_after["index"]
    store.close()
    return dict(timed=timed, mismatches=mismatches, per_query=per_query, rss_mb=rss,
                rss_mb_after_baseline=rss_after["scan"], rss_mb_start=round(rss_start, 1),
                first_ms=round(first_ms, 1))
