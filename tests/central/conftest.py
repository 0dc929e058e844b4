from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest

from central.models import StationConfig
from central.seed import DEFAULT_SERVICES
from central.tickets import local_day, on_ticket_issued
from tests.sync.centralserver import central_database

STATION = "TJ-HP-NSJ-01"


@pytest.fixture
def db(tmp_path):
    d = central_database(f"sqlite:///{tmp_path / 'central.db'}")
    with d.session() as s:
        s.add(StationConfig(station_id=STATION, version=1, config={"name": "南市街就业驿站", "services": DEFAULT_SERVICES}))
        s.add(StationConfig(station_id="TJ-OTHER-01", version=1, config={"name": "另一驿站", "services": DEFAULT_SERVICES}))
    yield d
    d.dispose()


def issue(db, number: str, *, service: str = "job_registration", issued_at: datetime, priority: bool = False,
          person_key: str | None = None, station: str = STATION, day: date | None = None) -> str:
    """A ticket as a kiosk's ticket.issued event projects it (issued_at naive UTC)."""
    tid = str(uuid.uuid4())
    with db.session() as s:
        on_ticket_issued(s, station, str(uuid.uuid4()), issued_at, {
            "ticket_id": tid, "service": service, "number": number,
            "day": (day or local_day(issued_at)).isoformat(), "issued_at": issued_at.isoformat() + "+00:00",
            "priority": priority, "person_key": person_key, "people_ahead": 0})
    return tid


def minutes(base: datetime, m: float) -> datetime:
    return base + timedelta(minutes=m)
