"""The staff console's session, shared by every console page (counter, back office, ledger, 今日预约)."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import select

from central import staff_auth as auth
from central.db import Database
from central.deps import get_database
from central.models import StationConfig

COOKIE = "jincai_staff"


def session_key(request: Request) -> bytes:
    """The session signing key (kept in the database, shared by every worker; read once per process)."""
    key = getattr(request.app.state, "staff_key", None)
    if key is None:
        key = request.app.state.staff_key = auth.server_secret(get_database(request))
    return key


def current_session(request: Request) -> auth.StaffSession | None:
    """The signed-in account as it stands now: None when not signed in, or when the account was
    disabled or its sessions ended since the cookie was made (``auth.check_session``)."""
    return auth.check_session(get_database(request),
                              auth.read_cookie(session_key(request), request.cookies.get(COOKIE)))


def station_names(db: Database) -> list[tuple[str, str]]:
    """Every station with a config, as (id, name), by id."""
    with db.session() as s:
        rows = s.execute(select(StationConfig.station_id, StationConfig.config).order_by(StationConfig.station_id)).all()
    return [(sid, str((cfg or {}).get("name") or sid)) for sid, cfg in rows]
