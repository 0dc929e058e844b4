"""A TCP proxy between kiosk and central that breaks requests the ways real networks do.

One HTTP request per connection (it forces ``Connection: close``). For each request it picks a
fault from a seeded random sequence:

* ``ok``: passed through;
* ``refuse``: the connection is closed before anything is read (as a refused/dropped connect);
* ``reset_mid_body``: forwarded to central, then half the reply is sent and the socket reset
  — central *did* apply the request, the kiosk does not know;
* ``truncated``: forwarded, the reply cut short with the original Content-Length (a short read);
* ``truncated_json``: forwarded, the reply body cut and Content-Length fixed to match, so the
  kiosk gets a 200 with broken JSON;
* ``stall``: waits longer than the kiosk's read timeout before answering;
* ``error_500``: forwarded, then central's reply replaced by a 500;
* ``error_429``: not forwarded; 429 with Retry-After.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter

FAULTS = ("ok", "refuse", "reset_mid_body", "truncated", "truncated_json", "stall", "error_500", "error_429")


def _read_request(conn: socket.socket) -> bytes | None:
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    length = 0
    lines = head.split(b"\r\n")
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"connection":
            continue
        kept.append(line)
    kept.append(b"Connection: close")
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


def _forward(upstream: tuple[str, int], request: bytes) -> bytes:
    with socket.create_connection(upstream, timeout=60) as up:
        up.sendall(request)
        out = b""
        while True:
            chunk = up.recv(65536)
            if not chunk:
                return out
            out += chunk


def _reply(status: str, body: bytes = b"", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{extra}Connection: close\r\n\r\n").encode() + body


class FaultProxy:
    def __init__(self, upstream_port: int, *, seed: int = 1, weights: dict[str, float] | None = None,
                 stall_s: float = 2.5) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.weights = weights or {"ok": 0.45, "refuse": 0.08, "reset_mid_body": 0.1, "truncated": 0.07,
                                   "truncated_json": 0.07, "stall": 0.05, "error_500": 0.1, "error_429": 0.08}
        self.stall_s = stall_s
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.enabled = True
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = False
        threading.Thread(target=self._accept, name="faultproxy", daemon=True).start()

    def close(self) -> None:
        self._stop = True
        self._sock.close()

    def _pick(self) -> str:
        with self._lock:
            fault = self._rng.choices(list(self.weights), list(self.weights.values()))[0] if self.enabled else "ok"
            self.counts[fault] += 1
            return fault

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        fault = self._pick()
        try:
            with conn:
                if fault == "refuse":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                request = _read_request(conn)
                if request is None:
                    return
                if fault == "error_429":
                    conn.sendall(_reply("429 Too Many Requests", b'{"error":"rate_limited"}', "Retry-After: 1\r\n"))
                    return
                if fault == "stall":
                    time.sleep(self.stall_s)
                response = _forward(self.upstream, request)
                if fault == "error_500":
                    conn.sendall(_reply("500 Internal Server Error", b"upstream failed"))
                elif fault == "reset_mid_body":
                    conn.sendall(response[: len(response) // 2])
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif fault == "truncated":
                    conn.sendall(response[: max(1, len(response) - max(1, len(response) // 3))])
                elif fault == "truncated_json":
                    head, _, body = response.partition(b"\r\n\r\n")
                    cut = body[: len(body) // 2]
                    lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"content-length")]
                    conn.sendall(b"\r\n".join(lines) + f"\r\nContent-Length: {len(cut)}\r\n\r\n".encode() + cut)
                else:
                    conn.sendall(response)
        except OSError:
            pass
