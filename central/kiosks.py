"""Kiosk registration: an id, the station it stands in, and a shared secret."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from central.db import Database
from central.models import Kiosk


def register(db: Database, kiosk_id: str, station_id: str, secret: str | None = None) -> str:
    """Register (or re-key) a kiosk; returns its secret, generated unless given."""
    secret = secret or secrets.token_urlsafe(32)
    if len(secret) < 16:
        raise ValueError("a kiosk secret must be at least 16 characters")
    with db.session() as s:
        row = s.get(Kiosk, kiosk_id)
        if row is None:
            s.add(Kiosk(id=kiosk_id, station_id=station_id, secret=secret, enabled=True,
                        created_at=datetime.now(UTC).replace(tzinfo=None)))
        else:
            row.station_id, row.secret, row.enabled = station_id, secret, True
    return secret


def disable(db: Database, kiosk_id: str) -> bool:
    with db.session() as s:
        row = s.get(Kiosk, kiosk_id)
        if row is None:
            return False
        row.enabled = False
        return True
