"""Writing and reading the audit log (``audit_log``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import AuditEntry
from central.staff_auth import StaffSession


def record(s: Session, user: StaffSession, action: str, record_type: str, record_id: str,
           record_station: str, detail: str = "") -> AuditEntry:
    """Add one audit row in the caller's transaction (``detail`` must hold nothing personal)."""
    row = AuditEntry(at=datetime.now(UTC).replace(tzinfo=None), user_id=user.user_id,
                     user_name=user.name[:40], role=user.role[:10], user_station=user.station_id[:40],
                     action=action[:40], record_type=record_type[:20], record_id=record_id[:36],
                     record_station=record_station[:40], detail=detail[:200])
    s.add(row)
    return row


def recent(s: Session, *, limit: int = 500, action: str = "", user: str = "") -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        q = q.where(AuditEntry.action == action)
    if user:
        q = q.where(AuditEntry.user_name == user)
    return list(s.scalars(q))
