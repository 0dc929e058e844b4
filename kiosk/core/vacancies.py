"""Vacancies as residents see them: nearest first, with distance and walking time.

The list screen shows rows built by ``to_row`` (plain dicts, as RecycleView wants them);
the detail screen shows ``VacancyView``. Expired and withdrawn vacancies are never returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kiosk.core.geo import circle_radius_m, describe_distance, distance_m, walking_minutes

if TYPE_CHECKING:
    from kiosk.store.engine import Store
    from kiosk.store.models import Vacancy

# SQLAlchemy and the models are imported inside the query methods: they run on worker
# threads, and keeping them out of start-up lets the attract screen appear sooner.


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from: the station."""

    lat: float
    lon: float
    area_type: str = "urban"

    @property
    def circle_m(self) -> float:
        return circle_radius_m(self.area_type)


@dataclass(frozen=True)
class VacancyView:
    id: str
    title: str
    category: str
    employer: str
    employer_intro: str
    district: str
    street: str
    address: str
    salary: str
    job_type: str
    headcount: int
    education: str
    experience: str
    age_range: str
    work_hours: str
    requirements: str
    benefits: str
    contact: str
    posted_on: date
    expires_on: date
    distance_m: float
    walking_minutes: int
    distance_text: str
    in_circle: bool


def salary_text(smin: int, smax: int, unit: str) -> str:
    if unit == "时":
        return f"{smin}-{smax} 元/小时"
    if smin >= 10000 or smax >= 10000:
        return f"{smin / 1000:.1f}千-{smax / 1000:.1f}千 元/月".replace(".0千", "千")
    return f"{smin}-{smax} 元/月"


def open_filter(today: date):
    from kiosk.store.models import Vacancy

    return (Vacancy.status == "open") & (Vacancy.expires_on >= today)


def to_view(v: Vacancy, origin: Origin) -> VacancyView:
    d = distance_m(origin.lat, origin.lon, v.lat, v.lon)
    return VacancyView(
        id=v.id, title=v.title, category=v.category, employer=v.employer, employer_intro=v.employer_intro,
        district=v.district, street=v.street, address=v.address,
        salary=salary_text(v.salary_min, v.salary_max, v.salary_unit), job_type=v.job_type,
        headcount=v.headcount, education=v.education, experience=v.experience, age_range=v.age_range,
        work_hours=v.work_hours, requirements=v.requirements, benefits=v.benefits,
        contact=f"{v.contact_name} {v.contact_phone}".strip(), posted_on=v.posted_on, expires_on=v.expires_on,
        distance_m=d, walking_minutes=walking_minutes(d), distance_text=describe_distance(d),
        in_circle=d <= origin.circle_m,
    )


def to_row(v: VacancyView) -> dict:
    """The RecycleView row for a vacancy. Every key the row widget uses is always present."""
    return {
        "vacancy_id": v.id,
        "title": v.title,
        "salary": v.salary,
        "employer": v.employer,
        "place": f"{v.distance_text} · {v.district}{v.street}",
        "job_type": v.job_type,
        "in_circle": v.in_circle,
    }


class VacancyService:
    """Read access to the local vacancy feed. Safe to call from worker threads."""

    def __init__(self, store: Store, origin: Origin) -> None:
        self.store = store
        self.origin = origin

    def nearest(self, limit: int = 300, today: date | None = None) -> list[VacancyView]:
        """Open vacancies, nearest to the station first."""
        from sqlalchemy import select

        from kiosk.store.models import Vacancy

        today = today or date.today()
        o = self.origin
        k = math.cos(math.radians(o.lat))
        # Equirectangular distance is monotonic enough for ordering at city scale;
        # the exact haversine distance is computed for the rows returned.
        approx = (Vacancy.lat - o.lat) * (Vacancy.lat - o.lat) + (Vacancy.lon - o.lon) * (Vacancy.lon - o.lon) * (k * k)
        stmt = select(Vacancy).where(open_filter(today)).order_by(approx).limit(limit)
        with self.store.read() as s:
            views = [to_view(v, o) for v in s.scalars(stmt)]
        views.sort(key=lambda v: v.distance_m)
        return views

    def counts(self, today: date | None = None) -> tuple[int, int]:
        """(open vacancies in the city, open vacancies inside the station's circle)."""
        from sqlalchemy import func, select

        from kiosk.store.models import Vacancy

        today = today or date.today()
        o = self.origin
        dlat = o.circle_m / 111_000
        dlon = dlat / math.cos(math.radians(o.lat))
        with self.store.read() as s:
            total = s.scalar(select(func.count()).select_from(Vacancy).where(open_filter(today))) or 0
            box = s.execute(
                select(Vacancy.lat, Vacancy.lon).where(
                    open_filter(today),
                    Vacancy.lat.between(o.lat - dlat, o.lat + dlat),
                    Vacancy.lon.between(o.lon - dlon, o.lon + dlon),
                )
            ).all()
        inside = sum(1 for lat, lon in box if distance_m(o.lat, o.lon, lat, lon) <= o.circle_m)
        return total, inside

    def get(self, vacancy_id: str, today: date | None = None) -> VacancyView | None:
        """One open vacancy, or None if it does not exist, has expired or was withdrawn."""
        from sqlalchemy import select

        from kiosk.store.models import Vacancy

        today = today or date.today()
        with self.store.read() as s:
            v = s.scalar(select(Vacancy).where(Vacancy.id == vacancy_id, open_filter(today)))
            return to_view(v, self.origin) if v else None


def active_announcements(store: Store, today: date | None = None) -> list[str]:
    from sqlalchemy import select

    from kiosk.store.models import Announcement

    today = today or date.today()
    with store.read() as s:
        rows = s.scalars(
            select(Announcement.text)
            .where(Announcement.starts_on <= today, Announcement.ends_on >= today)
            .order_by(Announcement.priority.desc())
        ).all()
    return list(rows)
