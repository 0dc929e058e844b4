"""Oversized bodies against a real central service: ``python -m central bench body``.

A real central service (``python -m central serve``, one process, SQLite in a temporary folder)
is sent ``--uploads`` (default 3) concurrent POSTs of ``--mb`` MB (default 50) of JSON with fake
kiosk auth headers, half declaring their length and half chunked, ``--rounds`` times. While they
are on the wire a small request (a signed-looking event upload of a few hundred bytes) is timed
again and again; the baseline is the same small request with nothing else going on, measured in
the same run. The server's RSS is sampled throughout; its growth is the peak during the uploads
over the RSS before them. Goals (issue: safe by default): RSS growth under 20 MB, the small
request under 200 ms while the uploads run. Progress goes to stderr, the JSON to stdout.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GOALS = {"rss_growth_mb": 20.0, "small_request_ms": 200.0}
PIECE = 64 * 1024


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _headers(path: str, extra: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Kiosk-Id: bench-kiosk\r\nX-Timestamp: {time.time():.3f}\r\nX-Nonce: {secrets.token_hex(16)}\r\n"
            f"X-Signature: {'0' * 64}\r\n{extra}\r\n").encode()


def _status(sock: socket.socket) -> int:
    """The status of the reply on ``sock`` (0 if the server closed without one)."""
    sock.settimeout(60)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        return 0
    parts = data.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _upload(port: int, size: int, chunked: bool, out: list) -> None:
    """Send ``size`` bytes of a JSON array until the server answers or closes; record
    (status, bytes the server took before it stopped us)."""
    body_piece = (b'{"events": [' + b'"x",' * (PIECE // 4))[:PIECE]
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as sock:
        extra = "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {size}\r\n"
        sock.sendall(_headers("/api/v1/events", extra))
        sock.settimeout(60)
        try:
            while sent < size:
                piece = body_piece[:min(PIECE, size - sent)]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
                sent += len(piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed while we were still sending: what we want
        out.append((_status(sock), sent))


def _small(port: int) -> tuple[float, int]:
    body = b'{"events": [{"id": "x"}]}'
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(_headers("/api/v1/events", f"Content-Length: {len(body)}\r\n") + body)
        status = _status(sock)
    return (time.perf_counter() - t0) * 1000, status


def _sampler(pid: int, stop: threading.Event, peak: list[float]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], _rss_mb(pid))
        stop.wait(0.01)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m central bench body")
    ap.add_argument("--mb", type=int, default=50, help="size of each upload in MB (default %(default)s)")
    ap.add_argument("--uploads", type=int, default=3, help="concurrent uploads per round (default %(default)s)")
    ap.add_argument("--rounds", type=int, default=5, help="(default %(default)s)")
    ap.add_argument("--baseline", type=int, default=30, help="small requests timed alone (default %(default)s)")
    args = ap.parse_args(argv)
    if min(args.mb, args.uploads, args.rounds, args.baseline) < 1:
        ap.error("--mb, --uploads, --rounds and --baseline must be at least 1")
    size = args.mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="central-bench-body-") as folder:
        db_url = f"sqlite:///{Path(folder) / 'central.db'}"
        port = _free_port()
        py = [sys.executable, "-m", "central", "--db", db_url]
        subprocess.run([*py, "db", "upgrade"], cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
        _say(f"starting central on port {port} ...")
        server = subprocess.Popen([*py, "serve", "--port", str(port), "--quiet", "--demo"], cwd=PROJECT_ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    _small(port)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the central service did not start") from None
                    time.sleep(0.2)
            for _ in range(5):
                _small(port)  # warm: the first requests pay their imports
            _say(f"baseline: {args.baseline} small requests alone ...")
            baseline = [_small(port) for _ in range(args.baseline)]
            rss_before = _rss_mb(server.pid)
            growth, during, uploads, cpu = [], [], [], []
            for r in range(args.rounds):
                _say(f"round {r + 1}/{args.rounds}: {args.uploads} uploads of {args.mb} MB "
                     f"with small requests alongside ...")
                start_rss, start_cpu = _rss_mb(server.pid), _cpu_s(server.pid)
                peak, stop = [start_rss], threading.Event()
                sampler = threading.Thread(target=_sampler, args=(server.pid, stop, peak), daemon=True)
                sampler.start()
                results: list = []
                threads = [threading.Thread(target=_upload, args=(port, size, i % 2 == 1, results))
                           for i in range(args.uploads)]
                for t in threads:
                    t.start()
                while any(t.is_alive() for t in threads):
                    during.append(_small(port))
                for t in threads:
                    t.join()
                during.append(_small(port))
                stop.set()
                sampler.join()
                growth.append(peak[0] - start_rss)
                cpu.append(_cpu_s(server.pid) - start_cpu)
                uploads.extend(results)
            alive = server.poll() is None
        finally:
            server.terminate()
            server.wait(timeout=20)
    base_ms = statistics.median(ms for ms, _ in baseline)
    during_ms = statistics.median(ms for ms, _ in during)
    out = {
        "uploads": {"mb_each": args.mb, "concurrent": args.uploads, "rounds": args.rounds,
                    "statuses": sorted({s for s, _ in uploads}),
                    "mb_sent_before_refusal_median": round(statistics.median(n for _, n in uploads) / 2**20, 2),
                    "server_cpu_s_per_round_median": round(statistics.median(cpu), 3)},
        "rss_mb_before": round(rss_before, 1),
        "rss_growth_mb": {"median": round(statistics.median(growth), 2), "max": round(max(growth), 2)},
        "small_request_ms": {"baseline_median": round(base_ms, 2), "during_uploads_median": round(during_ms, 2),
                             "during_uploads_max": round(max(ms for ms, _ in during), 2),
                             "ratio_to_baseline": round(during_ms / base_ms, 2), "samples": len(during),
                             "statuses": sorted({s for _, s in during})},
        "server_alive_after": alive,
        "goals": GOALS,
    }
    out["pass"] = (alive and out["rss_growth_mb"]["max"] < GOALS["rss_growth_mb"]
                   and during_ms < GOALS["small_request_ms"] and out["uploads"]["statuses"] == [413])
    return out
