"""Demo data on the central side: the same deterministic Tianjin data the kiosk demo uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from central import feeds
from central.db import Database
from central.models import StationConfig
from kiosk.domain import demodata
from kiosk.domain.queue_rules import DEFAULT_PRIORITY_GROUPS, Hours
from kiosk.domain.queue_rules import DEFAULT_SERVICES as KIOSK_SERVICES

BATCH = 2000


def hours_json(hours: Hours) -> list[dict]:
    """Opening hours as the station config carries them: intervals with ISO weekdays (1 = Monday)."""
    by_interval: dict[tuple, list[int]] = {}
    for day, intervals in sorted(hours.items()):
        for a, b in intervals:
            by_interval.setdefault((a, b), []).append(day + 1)
    return [{"weekdays": days, "start": f"{a:%H:%M}", "end": f"{b:%H:%M}"} for (a, b), days in by_interval.items()]


#: The services a station offers unless its config says otherwise: the same codes, names,
#: prefixes, hours and limits as the kiosk's built-in list, so tickets, stats and configs agree.
DEFAULT_SERVICES = [
    {"code": svc.code, "name": svc.name, "prefix": svc.prefix, "daily_quota": svc.daily_quota,
     "needs_identity": svc.identity_required, "hours": hours_json(svc.hours),
     "per_person_daily_limit": svc.per_person_daily_limit}
    for svc in KIOSK_SERVICES
]
#: Priority: 60 and over by the ID card's birth date, and the groups staff may mark.
DEFAULT_PRIORITY = {"age": 60, "groups": list(DEFAULT_PRIORITY_GROUPS)}


def seed(db: Database, vacancies: int, *, seed: int = 2024, today: date | None = None,
         progress: Callable[[int, int], None] | None = None, demo_accounts: bool = False) -> int:
    """Add the demo stations, announcements, job fairs, service catalogue and ``vacancies``
    vacancies to the feeds; with ``demo_accounts`` also the demo advisor of the video consultation
    (login ``demo-advisor``, password ``advisor-demo``, published: ``serve`` refuses it unless
    started with ``--demo``)."""
    today = today or date.today()
    stations = demodata.stations(today)
    with db.session() as s:
        feeds.put(s, "stations", [_clean(r) for r in stations])
        feeds.put(s, "announcements", [_clean(r) for r in demodata.announcements(today)])
        feeds.put(s, "job_fairs", [_clean(r) for r in demodata.job_fairs(today)])
        feeds.put(s, "services", [_clean(r) for r in demodata.services(today)])
        for st in stations:
            if s.get(StationConfig, st["id"]) is None:
                s.add(StationConfig(station_id=st["id"], version=1, config={
                    "name": st["name"], "opening_hours": st.get("opening_hours", ""), "services": DEFAULT_SERVICES,
                    "priority": DEFAULT_PRIORITY}))
        if demo_accounts:
            _demo_advisor(s)
    done = 0
    batch: list[dict] = []
    for row in demodata.vacancies(vacancies, seed=seed, today=today):
        batch.append(_clean(row))
        if len(batch) >= BATCH:
            done += feeds.put_batch(db, "vacancies", batch)
            if progress:
                progress(done, vacancies)
    if batch:
        done += feeds.put_batch(db, "vacancies", batch)
    if progress:
        progress(done, vacancies)
    return done


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "version"}


#: the demo advisor of the video consultation (log in at /advisor/login)
DEMO_ADVISOR = ("demo-advisor", "advisor-demo", "王顾问")


def _demo_advisor(s) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from central.consult import Advisor, add_advisor

    login, password, name = DEMO_ADVISOR
    if s.scalars(select(Advisor).where(Advisor.login == login)).first() is None:
        add_advisor(s, login, password, display_name=name)
