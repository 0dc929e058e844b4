"""Calls from the counters to a station's kiosks (served by the calls long-poll)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.call_signal import announce
from central.models import CallClock, CallRecord


def add(s: Session, station_id: str, number: str, counter: str, *, ticket_id: str = "", service: str = "",
        kind: str = "ticket") -> int:
    """Record a call in the caller's transaction; returns its per-station sequence number."""
    if s.get(CallClock, station_id) is None:
        try:
            with s.begin_nested():  # two first calls of a station at once: one creates the row
                s.add(CallClock(station_id=station_id, value=0))
        except IntegrityError:
            pass
    seq = s.execute(update(CallClock).where(CallClock.station_id == station_id)
                    .values(value=CallClock.value + 1).returning(CallClock.value)).scalar_one()
    s.add(CallRecord(station_id=station_id, seq=seq, ticket_id=ticket_id, number=number, counter=counter,
                     service=service, called_at=datetime.now(UTC).replace(tzinfo=None), kind=kind))
    announce(s, station_id)  # the station's long-polls wake when this commits
    return seq
