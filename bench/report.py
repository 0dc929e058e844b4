"""The workload ledger at city scale: ``python -m central bench report --stations 120 --months 12``.

A throwaway PostgreSQL cluster gets ``months`` months of generated station life for ``stations``
stations in Tianjin's 16 districts (service records, queue tickets, ratings, interests; loaded
with COPY). Then, each ``--repeats`` times: one district's monthly report of the last month (it
reads that month and the one before, for month over month), and one city-wide export (the
report of every station, as XLSX and CSV). The baseline, measured in the same run, is a plain
``SELECT COUNT(*) FROM service_records``; figures are medians, with their ratio to it. Progress
goes to stderr, the JSON to stdout. ``--quick`` is a small run for the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

DISTRICTS = ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区",
             "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区")
TICKET_SERVICES = ("job_registration", "career_guidance", "policy_consultation", "unemployment_registration")
#: service → (weight, channel)
MIX = {"job_registration": (30, "counter"), "career_guidance": (18, "counter"), "policy_consultation": (14, "counter"),
       "unemployment_registration": (8, "counter"), "registration": (14, "kiosk"), "video_consult": (5, "video"),
       "callback": (4, "phone"), "home_visit": (4, "home"), "proxy": (3, "counter")}
PROOFS = ("idcard", "idcard", "essc", "typed", "none")
INTEREST_STATUSES = ("new", "contacted", "referred", "interview", "hired", "failed")


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _months(count: int, today: date) -> list[date]:
    """``count`` whole months ending with last month."""
    m = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    out = [m]
    while len(out) < count:
        m = (m - timedelta(days=1)).replace(day=1)
        out.append(m)
    return sorted(out)


def _days(months: list[date]) -> list[date]:
    end = (months[-1] + timedelta(days=32)).replace(day=1)
    d, out = months[0], []
    while d < end:
        out.append(d)
        d += timedelta(days=1)
    return out


def generate(db_url: str, stations: int, months: list[date], per_day: int, seed: int = 1) -> dict[str, int]:
    """Fill the database; returns the row count of each table written."""
    import psycopg

    from central.db import Database
    from central.models import StationConfig
    from central.seed import DEFAULT_SERVICES

    db = Database(db_url)
    db.migrate()
    ids = [f"TJ-B{i + 1:03d}" for i in range(stations)]
    with db.session() as s:
        for i, sid in enumerate(ids):
            d = DISTRICTS[i % len(DISTRICTS)]
            s.add(StationConfig(station_id=sid, version=1, config={"name": f"{d}第{i // len(DISTRICTS) + 1}就业驿站",
                                                                    "district": d, "services": DEFAULT_SERVICES}))
    db.dispose()
    rng = random.Random(seed)
    services, weights = list(MIX), [w for w, _ in MIX.values()]
    days = _days(months)
    counts = {"service_records": 0, "queue_tickets": 0, "events": 0, "interests": 0}
    url = db_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        rec = cur.copy("COPY service_records (event_id, station_id, service, counter, ticket_id, issued_at, started_at,"
                       " finished_at, person_key, outcome, channel, identity) FROM STDIN")
        with rec as cp_rec:
            tickets = []
            for n, sid in enumerate(ids):
                for day in days:
                    base = datetime(day.year, day.month, day.day) - timedelta(hours=8)  # local midnight, in UTC
                    for _ in range(rng.randint(per_day // 2, per_day * 3 // 2)):
                        svc = rng.choices(services, weights)[0]
                        at = base + timedelta(minutes=rng.randint(510, 1050))
                        person = f"pk-{sid}-{rng.randint(0, 1999)}" if rng.random() < 0.7 else None
                        proof = rng.choice(PROOFS) if person else "none"
                        rid = str(uuid.uuid4())
                        issued = started = None
                        if svc in TICKET_SERVICES:
                            issued = at - timedelta(minutes=rng.randint(3, 60))
                            started = at - timedelta(minutes=rng.randint(2, 15))
                            tickets.append((rid, sid, svc, f"A{rng.randint(1, 999):03d}", day, issued, False, "", "",
                                            person, "done", "1", "", started, started, started, at, 0, "[]", None,
                                            rid, ""))
                        outcome = "served" if svc != "video_consult" or rng.random() < 0.85 else "no_advisor"
                        cp_rec.write_row((rid, sid, svc, "1", "", issued, started, at, person,
                                          "completed" if outcome == "served" and svc == "video_consult" else outcome,
                                          MIX[svc][1], proof))
                        counts["service_records"] += 1
                if (n + 1) % max(1, stations // 10) == 0:
                    _say(f"  generated {n + 1}/{stations} stations")
        with cur.copy("COPY queue_tickets (id, station_id, service, number, day, issued_at, priority, priority_group,"
                      " priority_note, person_key, status, counter, staff, called_at, last_called_at, started_at,"
                      " finished_at, recalls, services_delivered, transferred_from, service_record_id,"
                      " source_event_id) FROM STDIN") as cp:
            for row in tickets:
                cp.write_row(row)
        counts["queue_tickets"] = len(tickets)
        del tickets
        with cur.copy("COPY events (id, kiosk_id, station_id, seq, type, occurred_at, received_at, payload)"
                      " FROM STDIN") as cp:
            seq = 0
            for sid in ids:
                for day in days:
                    base = datetime(day.year, day.month, day.day) - timedelta(hours=8)
                    for _ in range(rng.randint(0, max(1, per_day // 4))):
                        seq += 1
                        at = base + timedelta(minutes=rng.randint(510, 1050))
                        cp.write_row((str(uuid.uuid4()), f"k-{sid}", sid, seq, "feedback.given", at, at,
                                      json.dumps({"station_id": sid, "service": "job_registration",
                                                  "score": rng.choice((5, 5, 5, 4, 4, 3, 2, 1))})))
                        counts["events"] += 1
        with cur.copy("COPY interests (id, reference, station_id, vacancy_id, title, employer, channel, person_key,"
                      " name, phone, id_number, status, note, version, created_at, updated_at, updated_by)"
                      " FROM STDIN") as cp:
            for sid in ids:
                for day in days:
                    base = datetime(day.year, day.month, day.day) - timedelta(hours=8)
                    for _ in range(rng.randint(0, max(1, per_day // 8))):
                        at = base + timedelta(minutes=rng.randint(510, 1050))
                        cp.write_row((str(uuid.uuid4()), uuid.uuid4().hex[:8].upper(), sid, "V1", "", "", "kiosk",
                                      "", "", "", "", rng.choice(INTEREST_STATUSES), "", 1, at, at, ""))
                        counts["interests"] += 1
        conn.commit()
        cur.execute("ANALYZE")
    return counts


def _median(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure(db_url: str, month: date, repeats: int) -> dict:
    from sqlalchemy import text

    from central import ledger_export, ledger_report
    from central.db import Database
    from central.ledger_scope import districts_of

    db = Database(db_url)
    try:
        with db.session() as s:
            known = ledger_report.directory(s)
        district, ids = next(iter(districts_of(known).items()))

        def baseline() -> int:
            with db.engine.connect() as c:
                return c.execute(text("SELECT COUNT(*) FROM service_records")).scalar_one()

        def district_report():  # noqa: ANN202
            with db.session() as s:
                return ledger_report.build(s, month, ids, district)

        def city_export():  # noqa: ANN202
            with db.session() as s:
                rep = ledger_report.build(s, month, None, "全市")
            return rep, ledger_export.to_xlsx(rep), ledger_export.to_csv(rep)

        baseline()  # warm the cache for every measurement alike
        _say("measuring the baseline (COUNT(*) over service_records) ...")
        base_s, total = _median(baseline, repeats)
        _say(f"measuring one district's monthly report ({district}, {len(ids)} stations) ...")
        district_s, rep = _median(district_report, repeats)
        _say("measuring one city-wide export (XLSX and CSV) ...")
        city_s, (city, xlsx, csv_bytes) = _median(city_export, repeats)
    finally:
        db.dispose()
    return {
        "baseline_count_s": round(base_s, 4), "service_records_counted": total,
        "district_report": {"median_s": round(district_s, 4), "ratio_to_baseline": round(district_s / base_s, 2),
                            "district": district, "stations": len(ids), "services": rep.total.now.services,
                            "services_month_before": rep.total.before.services},
        "city_export": {"median_s": round(city_s, 4), "ratio_to_baseline": round(city_s / base_s, 2),
                        "stations": len(city.stations), "districts": len(city.districts),
                        "services": city.total.now.services, "xlsx_bytes": len(xlsx), "csv_bytes": len(csv_bytes)},
    }


def main(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m central bench report")
    ap.add_argument("--stations", type=int, default=120)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--per-day", type=int, default=20, help="services per station and day, on average")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="6 stations, 2 months, 6 a day, 1 repeat (for the tests)")
    ap.add_argument("--db", default="", help="a PostgreSQL URL to fill instead of a throwaway cluster")
    a = ap.parse_args(argv)
    if a.quick:
        a.stations, a.months, a.per_day, a.repeats = 6, 2, 6, 1
    if a.stations < 1 or a.months < 1 or a.per_day < 1 or a.repeats < 1:
        ap.error("--stations, --months, --per-day and --repeats must be at least 1")
    months = _months(a.months, date.today())

    def run(url: str) -> dict:
        _say(f"generating {a.months} months for {a.stations} stations ({a.per_day} services a day each) ...")
        t0 = time.perf_counter()
        rows = generate(url, a.stations, months, a.per_day)
        generate_s = time.perf_counter() - t0
        _say(f"generated {rows} in {generate_s:.1f} s")
        figures = measure(url, months[-1], a.repeats)
        return {"database": "postgresql", "stations": a.stations, "months": a.months, "per_day": a.per_day,
                "report_month": months[-1].strftime("%Y-%m"), "repeats": a.repeats, "rows": rows,
                "generate_s": round(generate_s, 1), **figures}

    if a.db:
        return run(a.db)
    from bench._pg import Cluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) not found: install the postgresql package")
    with Cluster(bin_dir) as cluster:
        _say(f"throwaway PostgreSQL cluster on port {cluster.port}")
        return run(cluster.url())
