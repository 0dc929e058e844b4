"""Staff accounts and console sessions.

* Passwords (or PINs) are kept as salted scrypt hashes (central/passwords.py); guessing is
  limited per client address and per address and name (central/login_guard.py), never by
  locking the account, which anyone could do to a name they know.
* The session is a signed cookie (HMAC-SHA256) holding the account, station, counter, expiry,
  the account's session generation and the token of its server-side session (central/sessions.py).
  Every request reads the account row and the session (``check_session``): logged out, a
  disabled account, or one whose generation moved on (disabled, password set) has no session,
  and the role and scope come from the row, so a change of role takes effect at the next click. The signing key is created once and
  kept in the ``settings`` table, shared by every worker.
* Every state-changing request must carry the session's CSRF token in ``X-CSRF-Token`` (derived
  from the cookie with the same key); the cookie itself is ``SameSite=Strict`` and ``HttpOnly``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from central import sessions
from central.db import Database
from central.models import Setting, StaffUser
from central.passwords import check_password, hash_password, waste_time

SECRET_KEY = "staff.session_secret"
SESSION_HOURS = 12


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


ROLES = {"staff": "驿站工作人员", "district": "区管理员", "city": "市管理员"}


def check_account(station_id: str, name: str, password: str, role: str, district: str) -> str:
    """The role to store (an older "admin" becomes "city"), or ValueError saying what is wrong."""
    role = "city" if role == "admin" else role
    if role not in ROLES:
        raise ValueError("role is staff, district or city")
    if len(password) < 4:
        raise ValueError("the password must have at least 4 characters")
    if not name.strip() or len(name) > 40 or len(station_id) > 40 or len(district) > 20:
        raise ValueError("give a name of at most 40 characters")
    if role == "staff" and not station_id.strip():
        raise ValueError("a station staff account needs its station")
    if role == "district" and not district.strip():
        raise ValueError("a district administrator needs the district")
    return role


def add_staff(db: Database, station_id: str, name: str, password: str, *, role: str = "staff",
              district: str = "") -> bool:
    """Add an account, or set a new password (and role) for an existing one, which also unlocks it
    and ends its open sessions. Returns True if the account is new. ``station_id`` may be "" for a
    district or city administrator; ``role`` "admin" (the older name) is stored as "city"."""
    role = check_account(station_id, name, password, role, district)
    station_id, name, district = station_id.strip(), name.strip(), district.strip()
    with db.session() as s:
        row = s.scalars(select(StaffUser).where(StaffUser.station_id == station_id, StaffUser.name == name)).first()
        if row is None:
            s.add(StaffUser(station_id=station_id, name=name, password_hash=hash_password(password),
                            role=role, district=district, enabled=True, failed_logins=0, session_gen=0,
                            created_at=_now()))
            return True
        row.password_hash, row.role, row.district, row.enabled = hash_password(password), role, district, True
        row.failed_logins, row.locked_until = 0, None
        row.session_gen = (row.session_gen or 0) + 1
        sessions.close_all(s, "staff", row.id)
        return False


def set_enabled(db: Database, user_id: int, enabled: bool) -> StaffUser | None:
    """Enable or disable an account; disabling ends every session it has open."""
    with db.session() as s:
        row = s.get(StaffUser, user_id, with_for_update=True)
        if row is None:
            return None
        if row.enabled and not enabled:
            row.session_gen = (row.session_gen or 0) + 1
            sessions.close_all(s, "staff", row.id)
        row.enabled = enabled
        s.flush()
        s.expunge(row)
        return row


class LoginFailed(Exception):
    pass


WRONG = "驿站、姓名或密码不对"


def login(db: Database, station_id: str, name: str, password: str) -> StaffUser:
    """The account, or LoginFailed: one message and one hash's work whether the name exists, is
    disabled or the password is wrong, so neither the answer nor its time tells them apart.
    Runs in a worker thread (scrypt is slow on purpose)."""
    with db.session() as s:
        row = s.scalars(select(StaffUser).where(StaffUser.station_id == station_id, StaffUser.name == name)).first()
        if row is None or not row.enabled:
            waste_time(password)
        elif check_password(password, row.password_hash):
            s.expunge(row)
            return row
    raise LoginFailed(WRONG)


def server_secret(db: Database) -> bytes:
    for _ in range(3):
        with db.session() as s:
            row = s.get(Setting, SECRET_KEY)
            if row is not None and row.value:
                return bytes.fromhex(row.value)
        try:
            with db.session() as s:
                s.add(Setting(key=SECRET_KEY, value=secrets.token_hex(32)))
        except IntegrityError:  # another worker made it first: read theirs
            continue
    raise RuntimeError("cannot create the staff session key")


@dataclass(frozen=True)
class StaffSession:
    user_id: int
    name: str
    station_id: str
    counter: str
    role: str
    expires: float
    token: str  # the raw cookie value
    gen: int = 0
    district: str = ""
    sid: str = ""  # the server-side session's token

    @property
    def is_admin(self) -> bool:
        """A district or city administrator (sees more than one station)."""
        return self.role in ("district", "city", "admin")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_cookie(key: bytes, user: StaffUser, counter: str, *, hours: float = SESSION_HOURS, sid: str = "") -> str:
    """``sid``: the token of the server-side session (``sessions.open_session``)."""
    body = _b64(json.dumps({"u": user.id, "n": user.name, "s": user.station_id, "c": counter, "r": user.role,
                            "e": int(time.time() + hours * 3600), "j": sid or secrets.token_hex(16),
                            "g": user.session_gen or 0},
                           ensure_ascii=False, separators=(",", ":")).encode())
    sig = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    return f"{body}.{sig}"


def read_cookie(key: bytes, value: str | None) -> StaffSession | None:
    if not value or "." not in value or len(value) > 2000:
        return None
    body, sig = value.rsplit(".", 1)
    want = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(sig, want):
        return None
    try:
        d = json.loads(_unb64(body))
        sess = StaffSession(int(d["u"]), str(d["n"]), str(d["s"]), str(d["c"]), str(d["r"]), float(d["e"]), value,
                            int(d.get("g", 0)), sid=str(d.get("j", "")))
    except (ValueError, KeyError, TypeError):
        return None
    return sess if sess.expires > time.time() else None


def csrf_token(key: bytes, sess: StaffSession) -> str:
    return _b64(hmac.new(key, b"csrf:" + sess.token.encode(), hashlib.sha256).digest())


def csrf_ok(key: bytes, sess: StaffSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(sent, csrf_token(key, sess))


def check_session(db: Database, sess: StaffSession | None) -> StaffSession | None:
    """The session as the account stands now (role, station, district from its row), or None when
    it was logged out, or the account is gone, disabled, or its sessions were ended since this
    cookie was made."""
    if sess is None or not sessions.alive(db, "staff", sess.user_id, sess.sid):
        return None
    from dataclasses import replace

    with db.session() as s:
        row = s.get(StaffUser, sess.user_id)
        if row is None or not row.enabled or (row.session_gen or 0) != sess.gen:
            return None
        role = "city" if row.role == "admin" else row.role
        return replace(sess, name=row.name, station_id=row.station_id, role=role, district=row.district or "")


def account_enabled(db: Database, user_id: int) -> bool:
    with db.session() as s:
        row = s.get(StaffUser, user_id)
        return row is not None and row.enabled
