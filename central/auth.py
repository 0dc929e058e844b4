"""Kiosk request authentication: HMAC signature, nonce, timestamp window.

Checked before a handler runs and before its body is parsed, so nothing a forged, replayed or
stale request carries can change central data. A skew rejection carries the server's time so
a kiosk without a real-time clock can correct its offset and try again.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from central.db import Database
from central.deps import get_database
from central.errors import ApiError
from central.models import Kiosk, Nonce
from kiosk.sync import protocol as p

_KIOSK_ID = re.compile(p.KIOSK_ID_PATTERN)
_NONCE = re.compile(p.NONCE_PATTERN)
_SIGNATURE = re.compile(p.SIGNATURE_PATTERN)
_TIMESTAMP = re.compile(p.TIMESTAMP_PATTERN)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


async def authenticated_kiosk(request: Request) -> Kiosk:
    """FastAPI dependency: the kiosk a request comes from, or a 401 saying what was wrong."""
    kiosk_id = request.headers.get(p.H_KIOSK, "")
    ts = request.headers.get(p.H_TIMESTAMP, "")
    nonce = request.headers.get(p.H_NONCE, "")
    signature = request.headers.get(p.H_SIGNATURE, "")
    if not (kiosk_id and ts and nonce and signature):
        raise ApiError(401, "missing_auth", f"requests need the headers {p.H_KIOSK}, {p.H_TIMESTAMP}, "
                                            f"{p.H_NONCE} and {p.H_SIGNATURE}")
    _well_formed(kiosk_id, ts, nonce, signature)
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > p.MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body is over {p.MAX_BODY_BYTES} bytes")
    # the router's max_body_size stops a longer body while it is read (a 413 before it is buffered)
    body = await request.body()
    if len(body) > p.MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body is over {p.MAX_BODY_BYTES} bytes")
    # The path as it was sent (percent-encoded), which is what the kiosk signed; request.url.path is decoded.
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    path_query = path + (f"?{request.url.query}" if request.url.query else "")
    db = get_database(request)
    return await run_in_threadpool(_check, db, kiosk_id, ts, nonce, signature, request.method, path_query, body)


def _well_formed(kiosk_id: str, ts: str, nonce: str, signature: str) -> None:
    """Refuse malformed auth headers before any lookup, naming the header (never echoing it)."""
    for name, value, pattern, what in (
            (p.H_KIOSK, kiosk_id, _KIOSK_ID, "1 to 40 letters, digits or _.:-"),
            (p.H_NONCE, nonce, _NONCE, "32 lowercase hex digits"),
            (p.H_SIGNATURE, signature, _SIGNATURE, "64 lowercase hex digits (HMAC-SHA256)")):
        if not pattern.fullmatch(value):
            raise ApiError(401, "bad_signature", f"malformed {name}: it must be {what}")
    if not _TIMESTAMP.fullmatch(ts):
        raise ApiError(401, "clock_skew", f"{p.H_TIMESTAMP} must be Unix seconds as a plain decimal number")


def _check(db: Database, kiosk_id: str, ts: str, nonce: str, signature: str, method: str, path_query: str,
           body: bytes) -> Kiosk:
    with db.session() as s:
        kiosk = s.get(Kiosk, kiosk_id)
        if kiosk is None or not kiosk.enabled:
            raise ApiError(401, "unknown_kiosk", f"kiosk {kiosk_id!r} is not registered or is disabled")
        if not p.signature_ok(kiosk.secret, signature, method, path_query, ts, nonce, body):
            raise ApiError(401, "bad_signature", "the signature does not match the request (wrong secret, "
                                                 "or the request was changed on the way)")
        try:
            sent = float(ts)
        except ValueError:
            raise ApiError(401, "clock_skew", "X-Timestamp must be Unix seconds") from None
        if abs(time.time() - sent) > p.TIMESTAMP_WINDOW_S:
            raise ApiError(401, "clock_skew", f"the request's time is {sent - time.time():+.0f} s from the "
                                              f"server's; correct the clock offset and sign again")
        s.expunge(kiosk)
    try:
        with db.session() as s:
            s.add(Nonce(kiosk_id=kiosk_id, nonce=nonce, seen_at=_now()))
    except IntegrityError:
        raise ApiError(401, "replayed_nonce", "this nonce was already used") from None
    return kiosk


def purge_old_nonces(s: Session) -> int:
    """Nonces older than twice the window can no longer be replayed (the timestamp check refuses them)."""
    return s.execute(delete(Nonce).where(Nonce.seen_at < _now() - timedelta(seconds=2 * p.TIMESTAMP_WINDOW_S))).rowcount
