"""What every form on the phone pages goes through: a size limit read before parsing, a per-address
throttle, a CSRF token, and the capability token's hash.

The CSRF token is stateless (no cookie on a resident's phone): ``{issued}.{mac}`` where the MAC
binds the form's action path and the time it was issued, under a key derived from the server's
secret; it is good for ``CSRF_TTL_S``. A form posted from another site's origin is refused as well.
The throttle is in memory, per process: a flood from one address is cut off whichever worker
it reaches (each worker counts its own share).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import deque
from urllib.parse import parse_qs, urlsplit

from fastapi import Request

from central.staff_auth import server_secret

MAX_FORM_BYTES = 4096
CSRF_TTL_S = 4 * 3600
#: a capability token as the kiosk makes it: secrets.token_urlsafe(16) or longer (≥ 128 bits)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


class TooLarge(Exception):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(16)


def valid_token(token: str) -> bool:
    return bool(TOKEN_RE.match(token))


def clean_phone(text: str) -> str:
    """The digits of what was typed ("138 1234-5678" → "13812345678")."""
    return "".join(c for c in text if c.isdigit())[:20]


async def read_form(request: Request, limit: int = MAX_FORM_BYTES, max_fields: int = 20) -> dict[str, str]:
    """The posted form (first value of each field); TooLarge before parsing anything over ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), max_num_fields=max_fields).items()}


class Throttle:
    """At most ``limit`` posts per ``window_s`` from one address."""

    def __init__(self, limit: int = 10, window_s: float = 600.0) -> None:
        self.limit, self.window_s = limit, window_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._seen) > 10_000:  # forget quiet addresses
                self._seen = {a: q for a, q in self._seen.items() if q and q[-1] > now - self.window_s}
            q = self._seen.setdefault(address, deque())
            while q and q[0] <= now - self.window_s:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True


def throttle(request: Request) -> Throttle:
    t = getattr(request.app.state, "phone_throttle", None)
    if t is None:
        t = request.app.state.phone_throttle = Throttle()
    return t


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _key(request: Request) -> bytes:
    key = getattr(request.app.state, "phone_key", None)
    if key is None:
        key = request.app.state.phone_key = hmac.new(server_secret(request.app.state.db), b"phone-csrf",
                                                     hashlib.sha256).digest()
    return key


def warm_key(request: Request) -> None:
    """Read the CSRF key before a handler opens its transaction: on SQLite a second session opened
    inside one (to read the key the first time) would wait for the first one's write lock."""
    _key(request)


def csrf_token(request: Request, action: str, now: float | None = None) -> str:
    # issued on the hour, so a public page (and its ETag) stays the same for an hour
    issued = int((time.time() if now is None else now) // 3600 * 3600)
    mac = hmac.new(_key(request), f"{action}|{issued}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{issued}.{mac}"


def _not_foreign(request: Request) -> bool:
    """No Origin, or ``null`` (what a browser sends from a page with ``Referrer-Policy: no-referrer``,
    as every phone page has), or this server: the token decides. Another site's origin is refused."""
    origin = request.headers.get("origin")
    return origin in (None, "null") or urlsplit(origin).netloc == request.headers.get("host", "")


def csrf_ok(request: Request, action: str, token: str) -> bool:
    if not _not_foreign(request):
        return False
    issued, _, mac = token.partition(".")
    if not issued.isdigit() or not mac:
        return False
    if not 0 <= time.time() - int(issued) <= CSRF_TTL_S + 3600:
        return False
    good = hmac.new(_key(request), f"{action}|{issued}".encode(), hashlib.sha256).hexdigest()[:32]
    return hmac.compare_digest(good, mac)


async def posted_form(request: Request, action: str, *, throttled: bool = True, limit: int = MAX_FORM_BYTES,
                      max_fields: int = 20):  # noqa: ANN201
    """The form of a post to ``action``, or the page that refuses it: 413 too large (before parsing),
    429 too many posts from this address, 403 a stale or foreign form."""
    from central.phone.layout import message

    try:
        form = await read_form(request, limit, max_fields)
    except (TooLarge, ValueError):  # ValueError: more fields than any form of ours has
        return message("提交的内容太长", "请只填写页面上的几项，再提交一次。", status=413, kind="error")
    if throttled and not throttle(request).allow(client_address(request)):
        resp = message("提交太频繁", "这台手机所在的网络提交得太多了，请过一会儿再试，或到就业驿站办理。",
                       status=429, kind="error")
        resp.headers["Retry-After"] = "600"
        return resp
    if not csrf_ok(request, action, form.get("csrf", "")):
        return message("页面已过期", "请回到上一页，刷新后再提交一次。", status=403, kind="error")
    return form
