"""Does search understand residents? ``python -m kiosk bench relevance [--vacancies 5000]``.

Seeds a temporary kiosk database with the demo generator and runs the labelled set in
``bench/data/relevance_queries.csv`` (what residents type → the occupations a station worker would
accept) twice in the same run: as the kiosk searches now (residents' words, spelling, tiers) and
literally (the text as typed, title before the rest: the kiosk before the vocabulary), both city
wide and nearest first, as the list screen asks.

Per query, *relevant* vacancies are the open ones whose title contains an accepted occupation.

* ``recall_at_10``: relevant vacancies among the first 10 results / min(10, relevant ones in the
  city), averaged over the queries (1.0: the first screen holds only acceptable jobs, or all of
  them when there are fewer than 10).
* ``mrr``: mean of 1 / rank of the first relevant result within the first 10 (0 when none).
* ``zero_result_queries``: queries that found nothing at all (a resident walks away).

Latency (p50/p95 of the whole page-of-10 search, each query timed ``--repeat`` times) is reported
for both modes; the goal on the full set is recall@10 ≥ 0.9.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

QUERIES_FILE = Path(__file__).with_name("data") / "relevance_queries.csv"
TOP = 10
GOAL_RECALL = 0.9


@dataclass(frozen=True)
class Labelled:
    query: str
    accepted: tuple[str, ...]
    kind: str


def load_queries(path: Path = QUERIES_FILE) -> list[Labelled]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    out = []
    for r in csv.DictReader(io.StringIO("\n".join(lines))):
        accepted = tuple(a.strip() for a in r["accepted"].split(";") if a.strip())
        if not r["query"].strip() or not accepted:
            raise ValueError(f"{path.name}: a row needs a query and at least one accepted occupation: {r}")
        out.append(Labelled(r["query"].strip(), accepted, r.get("kind", "")))
    return out


def _pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return round(s[k], 2)


def relevant(title: str, accepted: tuple[str, ...]) -> bool:
    return any(a in title for a in accepted)


def score(titles: list[str], accepted: tuple[str, ...], available: int) -> tuple[float, float]:
    """(recall@10, reciprocal rank) of one result list (titles in rank order)."""
    top = titles[:TOP]
    hits = [relevant(t, accepted) for t in top]
    recall = sum(hits) / min(TOP, available) if available else 0.0
    rr = next((1 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
    return recall, rr


def evaluate(store, station, today: date, queries: list[Labelled], *, literal: bool, repeat: int = 3,
             progress=None) -> dict:  # noqa: ANN001 - a Store, a Station and a Progress
    from sqlalchemy import text

    from kiosk.domain.search import Scope, make_query
    from kiosk.store import search as S

    with store.engine.connect() as conn:
        titles = dict(conn.execute(text("SELECT title, count(*) FROM vacancies WHERE status = 'open' "
                                        "AND expires_on >= :t GROUP BY title"), {"t": today.isoformat()}).all())
    recalls, rrs, times = [], [], []
    per_query: list[tuple[float, str]] = []
    misses, zero = [], []
    skipped = 0
    for i, lq in enumerate(queries):
        available = sum(n for t, n in titles.items() if relevant(t, lq.accepted))
        if not available:
            skipped += 1
            continue
        q = make_query(lq.query, scope=Scope.CITY, literal=literal)
        res = S.search(store, q, station, today=today, limit=TOP)
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            S.search(store, q, station, today=today, limit=TOP)
            samples.append((time.perf_counter() - t0) * 1000)
        times += samples
        if samples:
            per_query.append((round(statistics.median(samples), 2), lq.query))
        r, rr = score([h.title for h in res.hits], lq.accepted, available)
        recalls.append(r)
        rrs.append(rr)
        if res.total == 0:
            zero.append(lq.query)
        if r < 1:
            misses.append({"query": lq.query, "recall_at_10": round(r, 2),
                           "top": [h.title for h in res.hits[:5]], "accepted": list(lq.accepted)})
        if progress:
            progress(i + 1, len(queries))
    return {
        "queries_scored": len(recalls),
        "queries_without_relevant_vacancies": skipped,
        "recall_at_10": round(statistics.fmean(recalls), 4) if recalls else 0.0,
        "mrr": round(statistics.fmean(rrs), 4) if rrs else 0.0,
        "zero_result_queries": len(zero),
        "p50_ms": _pct(times, 50) if times else 0.0,
        "p95_ms": _pct(times, 95) if times else 0.0,
        "misses": misses,
        "zero_results": zero,
        "slowest_ms": [{"query": q, "p50_ms": ms} for ms, q in sorted(per_query, reverse=True)[:8]],
    }


def main(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m kiosk bench relevance")
    ap.add_argument("--vacancies", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per query")
    args = ap.parse_args(argv)

    from kiosk.config import load_config
    from kiosk.domain.progress import Progress
    from kiosk.domain.search import Station
    from kiosk.store.engine import open_store
    from kiosk.store.seed import seed_demo

    cfg = load_config()
    today = date.today()
    queries = load_queries()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-relevance-") as tmp:
        store = open_store(Path(tmp) / "kiosk.sqlite3")
        seed_demo(store, args.vacancies, seed=args.seed, today=today, station=cfg.station,
                  progress=Progress("seeding vacancies"))
        station = Station.from_config(cfg.station)
        print("building the search index ...", file=sys.stderr)
        from kiosk.store import search as S

        S.prepare(store, station)
        now = evaluate(store, station, today, queries, literal=False, repeat=args.repeat,
                       progress=Progress("scoring queries (with vocabulary)"))
        base = evaluate(store, station, today, queries, literal=True, repeat=args.repeat,
                        progress=Progress("scoring queries (literal baseline)"))
        store.close()
    return {
        "benchmark": "relevance",
        "vacancies": args.vacancies,
        "labelled_queries": len(queries),
        "scope": "city, nearest first",
        "recall_at_10": now["recall_at_10"],
        "mrr": now["mrr"],
        "baseline_recall_at_10": base["recall_at_10"],
        "baseline_mrr": base["mrr"],
        "zero_result_queries": now["zero_result_queries"],
        "baseline_zero_result_queries": base["zero_result_queries"],
        "p50_ms": now["p50_ms"],
        "p95_ms": now["p95_ms"],
        "baseline_p50_ms": base["p50_ms"],
        "baseline_p95_ms": base["p95_ms"],
        "p95_ratio_to_baseline": round(now["p95_ms"] / max(base["p95_ms"], 1e-9), 2),
        "goal_recall_at_10": GOAL_RECALL,
        "with_vocabulary": {k: now[k] for k in ("queries_scored", "queries_without_relevant_vacancies", "misses",
                                                "zero_results", "slowest_ms")},
        "baseline": {k: base[k] for k in ("misses", "zero_results")},
        "ok": now["recall_at_10"] >= GOAL_RECALL,
    }
