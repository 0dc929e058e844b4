"""Demo data on the central side: the same deterministic Tianjin data the kiosk demo uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from central import feeds
from central.db import Database
from central.models import StationConfig
from kiosk.core import demodata

BATCH = 2000

DEFAULT_SERVICES = [
    {"code": "job_register", "name": "求职登记", "prefix": "A", "daily_quota": 200, "needs_identity": True},
    {"code": "unemployment", "name": "失业登记", "prefix": "B", "daily_quota": 100, "needs_identity": True},
    {"code": "guidance", "name": "职业指导", "prefix": "C", "daily_quota": 80, "needs_identity": False},
    {"code": "policy", "name": "政策咨询", "prefix": "D", "daily_quota": 200, "needs_identity": False},
]


def seed(db: Database, vacancies: int, *, seed: int = 2024, today: date | None = None,
         progress: Callable[[int, int], None] | None = None) -> int:
    """Add the demo stations, announcements and ``vacancies`` vacancies to the feeds."""
    today = today or date.today()
    stations = demodata.stations(today)
    with db.session() as s:
        feeds.put(s, "stations", [_clean(r) for r in stations])
        feeds.put(s, "announcements", [_clean(r) for r in demodata.announcements(today)])
        for st in stations:
            if s.get(StationConfig, st["id"]) is None:
                s.add(StationConfig(station_id=st["id"], version=1, config={
                    "name": st["name"], "opening_hours": st.get("opening_hours", ""), "services": DEFAULT_SERVICES}))
    done = 0
    batch: list[dict] = []
    for row in demodata.vacancies(vacancies, seed=seed, today=today):
        batch.append(_clean(row))
        if len(batch) >= BATCH:
            done += _flush(db, batch)
            if progress:
                progress(done, vacancies)
    if batch:
        done += _flush(db, batch)
    if progress:
        progress(done, vacancies)
    return done


def _flush(db: Database, batch: list[dict]) -> int:
    with db.session() as s:
        n = feeds.put(s, "vacancies", batch)
    batch.clear()
    return n


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "version"}
