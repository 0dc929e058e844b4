"""The fleet against one central: ``python -m central bench fleet --kiosks 500``.

Starts a throwaway PostgreSQL cluster and ``python -m central serve --workers 4`` on loopback,
registers ``--kiosks`` kiosks (one station each) and runs them for ``--seconds`` from one
process (asyncio, real signed HTTP): a heartbeat every ``--heartbeat-s``, a feed pull every
``--feed-s``, the calls long-poll always open, a burst of events at opening time, and a few
kiosks loading the vacancies from scratch. The long-polls are open before the clock starts (a
warm-up opens them one after another over one long-poll wait, so they renew spread out as on a
working day); the run then begins with the opening burst. Meanwhile staff calls tickets (a call committed at a
random station every ``--call-every-s``) and every call's delivery is timed from its commit to
the kiosk's long-poll reply. ``--recheck`` runs central as it was before LISTEN/NOTIFY (every
long-poll looks every 0.2 s). Progress on stderr, JSON on stdout: p50/p95/p99 per endpoint, call
delivery, errors, the database's connections and the workers' CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: how long after the run the calls still on their way may take to arrive before they count as lost
DELIVERY_GRACE_S = 60.0
GOALS = {"heartbeat_p95_ms": 100, "feed_p95_ms": 100, "call_delivery_p95_s": 1.0, "errors": 0}


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)


def _summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": _pct(ms, 0.5), "p95_ms": _pct(ms, 0.95), "p99_ms": _pct(ms, 0.99)}


class Reply:
    def __init__(self, status: int, body: bytes) -> None:
        self.status_code, self.content = status, body

    def json(self):  # noqa: ANN201
        import json

        return json.loads(self.content)


class Connection:
    """One kiosk task's own keep-alive HTTP/1.1 connection, as a real kiosk holds its own. (A
    client pool shared by 1,500 tasks spent the bench's CPU looking through its connections on
    every request, so the figures measured the client.) Reopened when central closed it while
    idle (uvicorn keeps an idle connection 5 s)."""

    IDLE_S = 4.0

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path_query: str, headers: dict[str, str], body: bytes,
                      timeout: float) -> Reply:
        if self.writer is not None and time.monotonic() - self.used > self.IDLE_S:
            self.close()
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            head = (f"{method} {path_query} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                    f"Content-Length: {len(body)}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n")
            try:
                self.writer.write(head.encode() + body)
                await self.writer.drain()
                reply = await asyncio.wait_for(self._read(), timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as e:
                self.close()
                if attempt == 2 or (isinstance(e, asyncio.IncompleteReadError) and e.partial):
                    raise
                continue  # closed by central between requests: once more on a new connection
            except BaseException:
                self.close()
                raise
            self.used = time.monotonic()
            return reply
        raise AssertionError("unreachable")

    async def _read(self) -> Reply:
        status = int((await self.reader.readuntil(b"\r\n")).split()[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            key, _, value = line.decode("latin-1").partition(":")
            key, value = key.strip().lower(), value.strip().lower()
            if key == "content-length":
                length = int(value)
            elif key == "transfer-encoding":
                chunked = "chunked" in value
            elif key == "connection":
                close = value == "close"
        if chunked:
            parts = []
            while (size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            body = b"".join(parts)
        else:
            body = await self.reader.readexactly(length)
        if close:
            self.close()
        return Reply(status, body)


class Kiosk:
    def __init__(self, kiosk_id: str, station: str, secret: str, cursor: str | None) -> None:
        self.id, self.station, self.secret, self.cursor = kiosk_id, station, secret, cursor
        self.after = 0


class Fleet:
    def __init__(self, base: str, kiosks: list[Kiosk], args: argparse.Namespace) -> None:
        self.base, self.kiosks, self.args = base, kiosks, args
        self.latency: dict[str, list[float]] = {"heartbeat": [], "feed": [], "events": [], "calls": [],
                                                "initial_load": []}
        self.errors: dict[str, int] = {}
        self.called: dict[tuple[str, int], float] = {}
        self.delivery: list[float] = []
        self.delivered: set[tuple[str, int]] = set()
        self.stop_at = 0.0
        self.polls_end = float("inf")
        self.began = time.monotonic()
        #: when each latency's request ended (s from the start), and when the opening burst was over
        self.started_at: dict[str, list[float]] = {what: [] for what in self.latency}
        self.opening_over = 0.0
        self.delivered_at: list[float] = []
        self.warmup_s = 0.0
        self.polling = 0  #: long-polls under way

    def _headers(self, k: Kiosk, method: str, path_query: str, body: bytes) -> dict[str, str]:
        from kiosk.sync import protocol as p

        ts, nonce = f"{time.time():.3f}", secrets.token_hex(16)
        return {p.H_KIOSK: k.id, p.H_TIMESTAMP: ts, p.H_NONCE: nonce, "Content-Type": "application/json",
                p.H_SIGNATURE: p.sign(k.secret, method, path_query, ts, nonce, body)}

    async def _call(self, client, k: Kiosk, method: str, path: str, params: dict | None, body: bytes, what: str,
                    timeout: float = 30.0):
        path_query = path + ("?" + urlencode(params) if params else "")
        started = time.perf_counter()
        try:
            r = await client.request(method, path_query, self._headers(k, method, path_query, body), body, timeout)
        except Exception as e:  # noqa: BLE001 - counted
            if isinstance(e, TimeoutError) and time.monotonic() >= self.stop_at:
                return None  # a long-poll cut at the end of the run
            self.errors[f"{what}: {type(e).__name__}"] = self.errors.get(f"{what}: {type(e).__name__}", 0) + 1
            return None
        if r.status_code >= 400:
            self.errors[f"{what}: {r.status_code}"] = self.errors.get(f"{what}: {r.status_code}", 0) + 1
            return None
        if what != "calls":
            self.latency[what].append((time.perf_counter() - started) * 1000)
            self.started_at[what].append(time.monotonic() - self.began)
            if what == "events":
                self.opening_over = time.monotonic() - self.began
        return r

    async def _pause(self, seconds: float) -> None:
        """Sleep, but not past the end of the run."""
        await asyncio.sleep(max(0.0, min(seconds, self.stop_at - time.monotonic())))

    async def heartbeats(self, client, k: Kiosk) -> None:
        from kiosk.sync import protocol as p

        await self._pause(random.uniform(0, self.args.heartbeat_s))
        while time.monotonic() < self.stop_at:
            beat = p.Heartbeat(sent_at=datetime.now(UTC), app_version="0.1.0", boot_id="bench", uptime_s=60,
                               outbox_pending=0, devices={"printer": p.DeviceHealth(state="ok")}, rss_mb=180,
                               disk_free_mb=20000)
            await self._call(client, k, "POST", f"{p.PREFIX}/heartbeat", None, beat.model_dump_json().encode(),
                             "heartbeat")
            await self._pause(self.args.heartbeat_s)

    async def feeds(self, client, k: Kiosk) -> None:
        from kiosk.sync import protocol as p

        await self._pause(random.uniform(0, self.args.feed_s))
        initial = k.cursor is None
        while time.monotonic() < self.stop_at:
            started = time.perf_counter()
            while True:  # to the end of the feed (one page when up to date)
                params = {"limit": 1000, **({"cursor": k.cursor} if k.cursor else {})}
                r = await self._call(client, k, "GET", f"{p.PREFIX}/feeds/vacancies", params, b"", "feed")
                if r is None:
                    break
                page = r.json()
                k.cursor = page["cursor"]
                if not page["more"]:
                    break
            if initial:
                self.latency["initial_load"].append((time.perf_counter() - started) * 1000)
                initial = False
            await self._pause(self.args.feed_s)

    async def burst(self, client, k: Kiosk) -> None:
        from kiosk.sync import protocol as p

        await asyncio.sleep(random.uniform(0, 10))
        events = [p.EventIn(id=str(uuid.uuid4()), seq=i + 1, type="service.rendered", occurred_at=datetime.now(UTC),
                            payload={"service": "求职登记", "counter": "1", "person_key": f"{k.id}-{i}"})
                  for i in range(self.args.burst_events)]
        body = p.EventBatch(events=events).model_dump_json().encode()
        await self._call(client, k, "POST", f"{p.PREFIX}/events", None, body, "events")

    async def long_poll(self, client, k: Kiosk, delay: float) -> None:
        from kiosk.sync import protocol as p

        await asyncio.sleep(delay)
        self.polling += 1
        while time.monotonic() < self.polls_end:
            r = await self._call(client, k, "GET", f"{p.PREFIX}/stations/{k.station}/calls",
                                 {"after": k.after, "wait": p.MAX_CALLS_WAIT_S}, b"", "calls",
                                 timeout=p.MAX_CALLS_WAIT_S + 30)
            now = time.monotonic()
            if r is None:
                await asyncio.sleep(1)
                continue
            reply = r.json()
            for c in reply["calls"]:
                at = self.called.get((k.station, c["seq"]))
                if at is not None:
                    self.delivered.add((k.station, c["seq"]))
                    self.delivery.append(now - at)
                    self.delivered_at.append(now - self.began)
            k.after = reply["last"]

    async def staff(self, db) -> None:  # noqa: ANN001 - a central.db.Database
        """Staff at random stations call tickets; each call's commit time is remembered."""
        from central.calls import add

        n = 0
        loop = asyncio.get_running_loop()
        while time.monotonic() < self.stop_at - 5:
            k = random.choice(self.kiosks)
            n += 1

            def call(k: Kiosk = k, n: int = n) -> None:
                with db.session() as s:  # commits on leaving
                    seq = add(s, k.station, f"A{n % 1000:03d}", "1", service="求职登记")
                    # remembered just before the commit: a long-poll woken by the commit may
                    # answer before this thread runs again, and a call it cannot match is lost
                    self.called[(k.station, seq)] = time.monotonic()

            await loop.run_in_executor(None, call)
            await asyncio.sleep(self.args.call_every_s)

    async def run(self, db) -> None:  # noqa: ANN001
        from urllib.parse import urlsplit

        where = urlsplit(self.base)
        conns: list[Connection] = []

        def conn() -> Connection:
            conns.append(Connection(where.hostname, where.port))
            return conns[-1]

        from kiosk.sync import protocol as p

        # the warm-up: the long-polls open one after another over one wait, as they renew on a
        # working day (500 opening at once would be a central restart, not a working day)
        spread = p.MAX_CALLS_WAIT_S if self.args.warmup_s is None else self.args.warmup_s
        _say(f"fleet: warm-up, opening {len(self.kiosks)} long-polls over {spread:.0f} s …")
        self.stop_at = time.monotonic() + 3600
        polls = [asyncio.ensure_future(self.long_poll(conn(), k, random.uniform(0, spread)))
                 for k in self.kiosks]
        warm = time.monotonic()
        while self.polling < len(self.kiosks):
            await asyncio.sleep(0.2)
        self.warmup_s = time.monotonic() - warm
        self.began = time.monotonic()
        self.stop_at = self.began + self.args.seconds
        tasks = []
        for k in self.kiosks:
            tasks += [self.heartbeats(conn(), k), self.feeds(conn(), k), self.burst(conn(), k)]
        tasks.append(self.staff(db))
        tasks.append(self._progress())
        try:
            await asyncio.gather(*tasks)
            # a call made just before the end is still on its way on a loaded machine: wait for
            # it (its delivery time counts) rather than count it lost
            grace_end = time.monotonic() + DELIVERY_GRACE_S
            while len(self.delivered) < len(self.called) and time.monotonic() < grace_end:
                await asyncio.sleep(0.1)
            self.polls_end = time.monotonic()
            for poll in polls:  # cut the long-polls still waiting at the end of the run
                poll.cancel()
            await asyncio.gather(*polls, return_exceptions=True)
        finally:
            for c in conns:
                c.close()

    async def _progress(self) -> None:
        while time.monotonic() < self.stop_at:
            await asyncio.sleep(10)
            left = max(0, int(self.stop_at - time.monotonic()))
            _say(f"fleet: {left} s left; heartbeats {len(self.latency['heartbeat'])}, feed pages "
                 f"{len(self.latency['feed'])}, calls delivered {len(self.delivery)}/{len(self.called)}, "
                 f"errors {sum(self.errors.values())}")


def _sample_server(pid: int, dsn: str, out: dict, stop: list[bool]) -> None:
    """CPU of central's processes and the database's connections, every 2 s (a thread)."""
    import psutil
    import psycopg

    proc = psutil.Process(pid)
    start = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop[0]:
            for c in [proc, *proc.children(recursive=True)]:
                try:
                    start.setdefault(c.pid, sum(c.cpu_times()[:2]))
                    out.setdefault("cpu_end", {})[c.pid] = sum(c.cpu_times()[:2])
                except psutil.NoSuchProcess:
                    pass
            n = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()").fetchone()[0]
            out["db_connections_max"] = max(out.get("db_connections_max", 0), n)
            time.sleep(2)
    out["cpu_start"] = start


def main(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m central bench fleet")
    ap.add_argument("--kiosks", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=150)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--heartbeat-s", type=float, default=60)
    ap.add_argument("--feed-s", type=float, default=30)
    ap.add_argument("--call-every-s", type=float, default=0.5)
    ap.add_argument("--burst-events", type=int, default=5, help="events each kiosk sends at opening time")
    ap.add_argument("--initial-loads", type=int, default=5, help="kiosks that load the vacancies from scratch")
    ap.add_argument("--vacancies", type=int, default=5000)
    ap.add_argument("--warmup-s", type=float, default=None,
                    help="spread the long-polls' opening over so long before the run (default: one long-poll wait)")
    ap.add_argument("--recheck", action="store_true", help="central as before: every long-poll looks every 0.2 s")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))

    import threading

    from sqlalchemy import func, select

    from bench._pg import Cluster, _free_port, find_bin_dir
    from central import feeds as central_feeds
    from central.db import Database
    from central.kiosks import register
    from central.models import FeedClock, FeedItem
    from central.seed import seed

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed (Debian: postgresql); `make setup` installs it")
    with Cluster(bin_dir) as pg:
        url = pg.url()
        db = Database(url)
        db.migrate()
        _say(f"fleet: seeding {args.vacancies} vacancies and {args.kiosks} kiosks …")
        seed(db, args.vacancies)
        kiosks = []
        for i in range(args.kiosks):
            kiosks.append(Kiosk(f"bench-k{i:04d}", f"BENCH-{i:04d}", f"bench-secret-{i:04d}-0123456789", None))
            register(db, kiosks[-1].id, kiosks[-1].station, kiosks[-1].secret)
        with db.session() as s:
            clock = s.get(FeedClock, "vacancies")
            head = s.scalar(select(func.max(FeedItem.version)).where(FeedItem.feed == "vacancies"))
            cursor = central_feeds.encode_cursor(clock.epoch, head)
        for k in kiosks[args.initial_loads:]:
            k.cursor = cursor  # up to date; the first kiosks load the feed from scratch
        port = _free_port()
        env = {**os.environ, **({"CENTRAL_CALLS_RECHECK_S": "0.2"} if args.recheck else {})}
        env.pop("CENTRAL_ALERT_WEBHOOK", None)
        server = subprocess.Popen([sys.executable, "-m", "central", "--db", url, "serve", "--demo", "--quiet",
                                   "--port", str(port), "--workers", str(args.workers)], cwd=PROJECT_ROOT, env=env)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("central did not start") from None
                    time.sleep(0.2)
            _say(f"fleet: central up with {args.workers} workers{' (0.2 s re-check)' if args.recheck else ''}; "
                 f"running {args.kiosks} kiosks for {args.seconds:.0f} s …")
            fleet = Fleet(f"http://127.0.0.1:{port}", kiosks, args)
            sampled: dict = {}
            stop = [False]
            sampler = threading.Thread(target=_sample_server, args=(server.pid, url, sampled, stop), daemon=True)
            sampler.start()
            started = time.monotonic()
            asyncio.run(fleet.run(db))
            elapsed = time.monotonic() - started
            stop[0] = True
            sampler.join(timeout=10)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        db.dispose()
    cpu = sum(sampled.get("cpu_end", {}).get(pid, 0) - t0 for pid, t0 in sampled.get("cpu_start", {}).items())
    lost = len(fleet.called) - len(fleet.delivery)
    result = {
        "kiosks": args.kiosks, "seconds": round(elapsed - fleet.warmup_s, 1), "workers": args.workers,
        "calls_wake": "recheck 0.2 s" if args.recheck else "LISTEN/NOTIFY",
        "warmup_s": round(fleet.warmup_s, 1),
        "endpoints": {what: _summary(ms) for what, ms in fleet.latency.items() if what != "calls"},
        # the same once the opening burst's last batch was in (the day's steady load)
        "after_opening": {"from_s": round(fleet.opening_over, 1), **{
            what: _summary([ms for ms, at in zip(fleet.latency[what], fleet.started_at[what], strict=True)
                            if at > fleet.opening_over]) for what in ("heartbeat", "feed")},
            "call_delivery_p95_s": _pct([d for d, at in zip(fleet.delivery, fleet.delivered_at, strict=True)
                                         if at > fleet.opening_over], 0.95)},
        "call_delivery": {"n": len(fleet.delivery), "not_delivered": lost, "p50_s": _pct(fleet.delivery, 0.5),
                          "p95_s": _pct(fleet.delivery, 0.95), "p99_s": _pct(fleet.delivery, 0.99)},
        "errors": sum(fleet.errors.values()), "error_kinds": fleet.errors,
        "db_connections_max": sampled.get("db_connections_max"),
        "central_cpu_cores": round(cpu / elapsed, 2) if elapsed else None,
        "goals": GOALS,
    }
    hb, feed = result["endpoints"]["heartbeat"]["p95_ms"], result["endpoints"]["feed"]["p95_ms"]
    result["goals_met"] = {
        "heartbeat_p95": hb is not None and hb < GOALS["heartbeat_p95_ms"],
        "feed_p95": feed is not None and feed < GOALS["feed_p95_ms"],
        "call_delivery_p95": result["call_delivery"]["p95_s"] is not None
        and result["call_delivery"]["p95_s"] < GOALS["call_delivery_p95_s"],
        "errors": result["errors"] == 0,
    }
    return result
