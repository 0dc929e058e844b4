"""Fill the kiosk database with the deterministic demo data (``python -m kiosk seed``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import delete, insert

from kiosk.config import StationConfig
from kiosk.domain import demodata
from kiosk.store.engine import Store
from kiosk.store.feed_tables import insert_sql, sql_value
from kiosk.store.models import Announcement, CatalogueService, JobFair, Station, Vacancy

Progress = Callable[[int, int], None]
BATCH = 5000


def seed_demo(
    store: Store,
    vacancies: int,
    *,
    seed: int = 2024,
    today: date | None = None,
    station: StationConfig | None = None,
    progress: Progress | None = None,
) -> int:
    """Replace the feed tables with demo data; returns the number of vacancies written.

    Tables the kiosk itself writes (tickets, outbox) are left alone.
    """
    today = today or date.today()
    stations = demodata.stations(today)
    if station is not None:
        stations = [s for s in stations if not (s["district"] == station.district and s["street"] == station.street)]
        stations.append(
            dict(id=station.id, name=station.name, district=station.district, street=station.street,
                 address=station.address, lat=station.lat, lon=station.lon, area_type=station.area_type,
                 kind="street", opening_hours=station.opening_hours, phone=station.phone,
                 services="求职登记,失业登记,职业指导,政策咨询,创业服务,招聘对接,技能培训报名",
                 version=1, updated_at=datetime.combine(today, datetime.min.time())))
    with store.session() as s:
        s.execute(delete(Vacancy))
        s.execute(delete(Station))
        s.execute(delete(Announcement))
        s.execute(delete(JobFair))
        s.execute(delete(CatalogueService))
        s.execute(insert(Station), stations)
        s.execute(insert(Announcement), demodata.announcements(today))
        s.execute(insert(JobFair), demodata.job_fairs(today))
        s.execute(insert(CatalogueService), demodata.services(today))
        # Plain tuples through the driver's executemany: at a million rows the per-row parameter
        # handling of an insert() statement cost more than generating the rows.
        sql, cols = insert_sql(Vacancy.__table__)
        raw = s.connection().exec_driver_sql
        batch: list[tuple] = []
        done = 0
        for row in demodata.vacancies(vacancies, seed=seed, today=today):
            batch.append(tuple(sql_value(row.get(c)) for c in cols))
            if len(batch) >= BATCH:
                raw(sql, batch)
                done += len(batch)
                batch.clear()
                if progress:
                    progress(done, vacancies)
        if batch:
            raw(sql, batch)
            done += len(batch)
        if progress:
            progress(done, vacancies)
    store.set_setting("demo.seeded_on", today.isoformat())
    store.set_setting("demo.seed", f"{seed}:{vacancies}")
    return done


def seed_missing_feeds(store: Store, today: date | None = None) -> int:
    """Demo data for feed tables still empty in a demo database seeded by an older version
    (job fairs and the service catalogue came later); returns the rows added. A feed that was
    ever pulled from central is left as central says, even when empty."""
    from sqlalchemy import func, select

    from kiosk.store.models import FeedCursor

    today = today or date.today()
    added = 0
    with store.session() as s:
        for feed, model, rows in (("job_fairs", JobFair, demodata.job_fairs),
                                  ("services", CatalogueService, demodata.services)):
            if s.get(FeedCursor, feed) is None and not s.scalar(select(func.count()).select_from(model)):
                data = rows(today)
                s.execute(insert(model), data)
                added += len(data)
    return added
