"""The resident's phone pages under load: ``python -m central bench pages``.

A real central service (``python -m central serve``, one process) runs against PostgreSQL (a
throwaway cluster started here with tests/sync/pg.py, or ``--db URL``), seeded with the demo data
and one record behind each personal page. ``--clients`` concurrent clients on loopback (default
100) each fetch a page in turn until ``--requests`` fetches of it are done (or ``--seconds`` have
passed: the run stays bounded on a busy machine); per page the figures
are the bytes one fetch transfers (headers and body, the stylesheet is inline), the references
the page makes to other hosts (goal 0), and the p50/p95 latency and throughput. The baseline in
the same run is ``/openapi.json`` (a static document FastAPI keeps in memory) under the same load.
Progress goes to stderr, the JSON to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GOALS = {"bytes_per_page": 60 * 1024, "external_refs": 0}
STATION = "TJ-HP-NSJ-01"


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _records(db_url: str) -> dict[str, str]:
    """One record behind each page; returns page name → path."""
    from sqlalchemy import select

    from central import feeds
    from central.db import Database
    from central.models import (
        CallbackRow,
        FeedItem,
        Interest,
        PhoneLink,
        QueueTicket,
        ServiceRequestRow,
        Shortlist,
        StationConfig,
    )
    from central.seed import DEFAULT_SERVICES
    from kiosk.domain.capability import new_token, token_hash

    db = Database(db_url)
    now = datetime.utcnow()
    today = date.today()
    tokens = {k: new_token() for k in ("interest", "request", "callback", "employer")}
    with db.session() as s:
        jobs = [r for r in s.scalars(select(FeedItem).where(FeedItem.feed == "vacancies")).all()
                if r.data.get("expires_on", "") >= today.isoformat()][:10]
        station = s.scalars(select(FeedItem.id).where(FeedItem.feed == "stations")).first()
        if s.get(StationConfig, STATION) is None:
            s.add(StationConfig(station_id=STATION, version=1, config={"name": "和平区南市街就业驿站",
                                                                       "services": DEFAULT_SERVICES}))
        start = datetime.combine(today + timedelta(days=7), datetime.min.time()).replace(hour=9)
        feeds.put(s, "job_fairs", [{
            "id": "JF-BENCH", "title": "南市街冬季“家门口”招聘会", "kind": "线下", "venue": "南市街就业驿站广场",
            "address": "和平区荣业大街 56 号", "lat": 39.1325, "lon": 117.1895, "starts_at": start.isoformat(),
            "ends_at": start.replace(hour=12).isoformat(), "organiser": "和平区人力资源和社会保障局", "employers": 40,
            "positions": 600, "contact": "022-2730 0000", "signup_quota": 300,
            "employer_list": [f"天津市第{i}号示例企业有限公司" for i in range(1, 41)], "updated_at": now.isoformat()}])
        s.add(Shortlist(id="bench-shortlist-0123456789ab", station_id=STATION, vacancy_ids=[j.id for j in jobs],
                        created_at=now))
        j = jobs[0].data
        s.add(Interest(id="bench-interest", reference="YXBENCH1", token_hash=token_hash(tokens["interest"]),
                       station_id=STATION, vacancy_id=j["id"], title=j["title"], employer=j["employer"], channel="phone",
                       name="李四", phone="13812345678", status="contacted", created_at=now, updated_at=now))
        s.add(ServiceRequestRow(id="bench-request", reference="PBENCH01", event_id="bench-ev", station_id=STATION,
                                kind="proxy", window_day=today + timedelta(days=1), window_half="am",
                                reason="代办失业保险金申领", details={"name": "王五", "phone": "13812345678",
                                                                 "id_number": "120101195603150027", "street": "南市街道"},
                                status="accepted", created_at=now, updated_at=now))
        s.add(CallbackRow(id="bench-callback", reference="HD-BENCH", station_id=STATION, topic="政策咨询",
                          phone="13812345678", requested_at=now, received_at=now, status="open"))
        s.add(PhoneLink(token_hash=token_hash(tokens["request"]), kind="request", target="PBENCH01", created_at=now))
        s.add(PhoneLink(token_hash=token_hash(tokens["callback"]), kind="callback", target="bench-callback",
                        created_at=now))
        from central import postings
        from kiosk.domain.postings import Posting

        postings.submit(s, STATION, Posting(
            company="天津海河保洁服务有限公司", credit_code="91350100M000100Y43", contact_name="刘经理",
            contact_phone="13912345678", occupation="保洁员", title="商场保洁员", job_type="全职", salary_min=3800,
            salary_max=4500, salary_unit="月", work_hours="早7点到下午4点", district="和平区", street="南市街道",
            address="荣吉大街100号", requirements="身体健康，能吃苦", benefits="包午餐", headcount=3,
            expires_on=today + timedelta(days=30)), source="employer", token_hash=token_hash(tokens["employer"]))
        s.add(QueueTicket(id="bench-ticket-0000-0000-000000000001", station_id=STATION, day=today, service="job_registration",
                          number="A001", status="waiting", issued_at=now))
    db.dispose()
    return {
        "job": f"/jobs/{jobs[1].id}?s={STATION}", "shortlist": "/shortlists/bench-shortlist-0123456789ab",
        "job_fair": "/job-fairs/JF-BENCH", "guide": "/services/SVC-02", "station": f"/stations/{station}",
        "stations": "/stations", "ticket": "/tickets/bench-ticket-0000-0000-000000000001",
        "interest": f"/interests/{tokens['interest']}", "request": f"/requests/PBENCH01?k={tokens['request']}",
        "callback": f"/callbacks/{tokens['callback']}", "employer_form": f"/employer/new?s={station}",
        "employer_posting": f"/employer/p/{tokens['employer']}", "baseline_openapi": "/openapi.json",
    }


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


async def _load(base: str, path: str, clients: int, total: int, cap_s: float) -> dict:
    import httpx

    latencies: list[float] = []
    sizes: list[int] = []
    statuses: dict[int, int] = {}
    body_text = ""
    left = total
    errors = 0

    async def client(c: httpx.AsyncClient) -> None:
        nonlocal left, body_text, errors
        while left > 0 and time.perf_counter() < stop_at:
            left -= 1
            t0 = time.perf_counter()
            try:
                r = await c.get(path)
            except httpx.TransportError:  # a keep-alive connection the server closed as it was reused
                errors += 1
                continue
            latencies.append(time.perf_counter() - t0)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            head = sum(len(k) + len(v) + 4 for k, v in r.headers.raw) + 17
            sizes.append(head + len(r.content))
            body_text = body_text or r.text

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as c:
        await c.get(path)  # warm: the server's first request of a kind pays its imports
        t0 = time.perf_counter()
        stop_at = t0 + cap_s
        await asyncio.gather(*(client(c) for _ in range(clients)))
        wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=20)
    return {"fetches": len(latencies), "bytes": int(statistics.median(sizes)), "external_refs": len(EXTERNAL.findall(body_text)),
            "p50_ms": round(statistics.median(latencies) * 1000, 1), "p95_ms": round(q[18] * 1000, 1),
            "req_per_s": round(len(latencies) / wall, 1), "transport_errors": errors, "statuses": {str(k): v for k, v in sorted(statuses.items())}}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m central bench pages")
    ap.add_argument("--db", help="a PostgreSQL URL to use (default: a throwaway cluster started here)")
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--requests", type=int, default=1000, help="fetches per page (default %(default)s)")
    ap.add_argument("--seconds", type=float, default=15.0,
                    help="stop a page's load after this long even if fewer fetches were done (default %(default)s)")
    ap.add_argument("--vacancies", type=int, default=2000)
    args = ap.parse_args(argv)
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request on stderr
    cluster = None
    db_url = args.db
    if not db_url:
        sys.path.insert(0, str(PROJECT_ROOT))
        from tests.sync.pg import PgCluster, find_bin_dir

        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) not found; pass --db postgresql://…")
        _say("starting a throwaway PostgreSQL cluster ...")
        cluster = PgCluster(bin_dir)
        cluster.start()
        db_url = cluster.url(cluster.create_database())
    server = None
    try:
        py = [sys.executable, "-m", "central", "--db", db_url]
        _say(f"seeding central with {args.vacancies} vacancies ...")
        subprocess.run([*py, "seed", "--vacancies", str(args.vacancies)], cwd=PROJECT_ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        pages = _records(db_url)
        port = _free_port()
        server = subprocess.Popen([*py, "serve", "--port", str(port), "--quiet", "--demo"], cwd=PROJECT_ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/stations", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the central service did not start") from None
                time.sleep(0.2)
        _say("warming up: every page a few times (connection pool, first-request imports) ...")
        for path in pages.values():
            asyncio.run(_load(base, path, 10, 50, args.seconds))
        results = {}
        for i, (name, path) in enumerate(pages.items(), 1):
            _say(f"[{i}/{len(pages)}] {name}: {args.requests} fetches by {args.clients} clients ...")
            results[name] = asyncio.run(_load(base, path, args.clients, args.requests, args.seconds))
        base_p50 = results["baseline_openapi"]["p50_ms"]
        for name, r in results.items():
            if name != "baseline_openapi":
                r["p50_vs_baseline"] = round(r["p50_ms"] / base_p50, 2) if base_p50 else None
        worst = max((r["bytes"] for n, r in results.items() if n != "baseline_openapi"), default=0)
        return {"database": "postgresql", "clients": args.clients, "requests_per_page": args.requests,
                "pages": results, "largest_page_bytes": worst, "goals": GOALS,
                "meets_goals": worst <= GOALS["bytes_per_page"] and all(
                    r["external_refs"] == 0 for n, r in results.items() if n != "baseline_openapi")}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if cluster is not None:
            cluster.stop()
