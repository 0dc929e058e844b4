"""Limits on password guessing at the staff and advisor logins.

* Per client address: at most ``PER_ADDRESS`` attempts a minute, then 429 with Retry-After,
  whatever names are tried (40 parallel logins from one place cannot saturate the server).
* Per address and name: after ``PER_NAME`` wrong passwords in ``NAME_WINDOW_S`` that address
  may not try that name again until the window has passed. The same for a name that does not
  exist, so the answer never tells which names do; and a stranger elsewhere cannot lock the
  real user out, who logs in from their own counter.

In memory, per worker process: with several workers an address gets their sum, which still
bounds a guesser to a few hundred tries an hour. The client address is what uvicorn reports,
the TLS proxy's X-Forwarded-For when it is trusted (``serve --forwarded-allow-ips``).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

PER_ADDRESS = 20
ADDRESS_WINDOW_S = 60.0
PER_NAME = 5
NAME_WINDOW_S = 15 * 60.0


class LoginGuard:
    def __init__(self, *, clock=time.monotonic) -> None:  # noqa: ANN001
        self._clock = clock
        self._lock = threading.Lock()
        self._attempts: dict[str, deque[float]] = defaultdict(deque)
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    @staticmethod
    def _trim(q: deque[float], since: float) -> None:
        while q and q[0] <= since:
            q.popleft()

    def attempt(self, address: str) -> float:
        """Count an attempt from ``address``; 0 if it may go on, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            q = self._attempts[address]
            self._trim(q, now - ADDRESS_WINDOW_S)
            if len(q) >= PER_ADDRESS:
                return q[0] + ADDRESS_WINDOW_S - now
            q.append(now)
            if len(self._attempts) > 100_000:  # a flood of addresses: forget the idle ones
                for key in [k for k, v in self._attempts.items() if not v]:
                    del self._attempts[key]
            return 0.0

    def blocked(self, address: str, name: str) -> float:
        """Seconds until ``address`` may try ``name`` again (0: now)."""
        now = self._clock()
        with self._lock:
            q = self._failures.get((address, name))
            if not q:
                return 0.0
            self._trim(q, now - NAME_WINDOW_S)
            return q[0] + NAME_WINDOW_S - now if len(q) >= PER_NAME else 0.0

    def failed(self, address: str, name: str) -> None:
        with self._lock:
            self._failures[(address, name)].append(self._clock())

    def succeeded(self, address: str, name: str) -> None:
        with self._lock:
            self._failures.pop((address, name), None)


def login_guard(request) -> LoginGuard:  # noqa: ANN001 - a starlette Request
    """The app's guard (one per worker process, made on first use)."""
    guard = getattr(request.app.state, "login_guard", None)
    if guard is None:
        guard = request.app.state.login_guard = LoginGuard()
    return guard


def client_address(request) -> str:  # noqa: ANN001 - a starlette Request
    return request.client.host if request.client else "unknown"


def wait_text(seconds: float) -> str:
    return f"尝试次数太多，请 {max(1, int(seconds // 60) + 1)} 分钟后再试"
