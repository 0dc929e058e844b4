"""Server-side login sessions for the staff console and the advisor console.

The cookie stays signed (so a forged one is refused without a lookup) and carries a random
token; the session is alive only while its row is, so logout, a new password and disabling an
account end it at once, on every worker.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from central.db import Database
from central.models import LoginSession


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Database, kind: str, account_id: int, hours: float) -> str:
    """A new session's token (for the cookie); expired sessions are swept on the way."""
    token = secrets.token_hex(16)
    now = _now()
    with db.session() as s:
        s.execute(delete(LoginSession).where(LoginSession.expires_at < now))
        s.add(LoginSession(id=_id(token), kind=kind, account_id=account_id, created_at=now,
                           expires_at=now + timedelta(hours=hours)))
    return token


def alive(db: Database, kind: str, account_id: int, token: str) -> bool:
    if not token:
        return False
    with db.session() as s:
        row = s.scalar(select(LoginSession).where(LoginSession.id == _id(token)))
    return row is not None and row.kind == kind and row.account_id == account_id and row.expires_at > _now()


def close(db: Database, token: str) -> None:
    """Logout: this session only."""
    with db.session() as s:
        s.execute(delete(LoginSession).where(LoginSession.id == _id(token)))


def close_all(s, kind: str, account_id: int) -> int:  # noqa: ANN001 - a Session, in the caller's transaction
    """Every session of the account (a new password, disabled): in the caller's transaction."""
    return s.execute(delete(LoginSession).where(LoginSession.kind == kind,
                                                LoginSession.account_id == account_id)).rowcount
