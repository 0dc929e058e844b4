"""Vacancies as residents see them: search results as list rows, and one vacancy in full.

Finding vacancies is the search engine's job (``kiosk.domain.search`` for the query,
``kiosk.store.search`` for the index); this module turns what it finds into what a screen
shows. Expired and withdrawn vacancies are never returned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from kiosk.domain.geo import describe_distance, distance_m, walking_minutes
from kiosk.domain.search import Profile, Recommendation, Scope, SearchQuery, Station, make_query
from kiosk.domain.vacancy_views import VacancyView
from kiosk.domain.wages import salary_text

if TYPE_CHECKING:
    from kiosk.store.engine import Store
    from kiosk.store.models import Vacancy
    from kiosk.store.search import SearchResult

# SQLAlchemy, the models and the index are imported inside the methods: they run on worker
# threads, and keeping them out of start-up lets the attract screen appear sooner.


def to_view(v: Vacancy, station: Station) -> VacancyView:
    d = distance_m(station.lat, station.lon, v.lat, v.lon)
    return VacancyView(
        id=v.id, title=v.title, category=v.category, employer=v.employer, employer_intro=v.employer_intro,
        district=v.district, street=v.street, address=v.address,
        salary=salary_text(v.salary_min, v.salary_max, v.salary_unit), job_type=v.job_type,
        headcount=v.headcount, education=v.education, experience=v.experience, age_range=v.age_range,
        work_hours=v.work_hours, requirements=v.requirements, benefits=v.benefits,
        contact=f"{v.contact_name} {v.contact_phone}".strip(), posted_on=v.posted_on, expires_on=v.expires_on,
        distance_m=d, walking_minutes=walking_minutes(d), distance_text=describe_distance(d),
        in_circle=d <= station.radius_m, work_from=v.work_from, meet_place=v.meet_place or "",
        meet_time=v.meet_time or "",
    )


class VacancyService:
    """Read access to the local vacancy feed. Safe to call from worker threads."""

    def __init__(self, store: Store, station: Station, today: Callable[[], date] = date.today) -> None:
        """``today``: the station's date (Tianjin's, from the corrected clock), which decides what
        has expired: a day job (零工) leaves the lists at the end of its last day."""
        self.store = store
        self.station = station
        self.today = today

    def prepare(self) -> None:
        """Bring the search index up to date, and what expired before today swept in it (slow
        only after install, a station move or a day's expiries: on a background thread)."""
        from kiosk.store.search import prepare

        prepare(self.store, self.station, self.today())

    def tidy_for_the_day(self) -> None:
        """The night's part: :meth:`prepare`, then the index merged into one segment per table."""
        from kiosk.store.search import merge_segments

        self.prepare()
        merge_segments(self.store)

    def find(self, query: SearchQuery, limit: int = 50, offset: int = 0, today: date | None = None) -> SearchResult:
        from kiosk.store.search import search

        return search(self.store, query, self.station, today=today or self.today(), limit=limit, offset=offset)

    def group_counts(self, query: SearchQuery, today: date | None = None) -> dict[str, int]:
        """Vacancies per everyday group for the 按类别 tiles (the query's own group ignored)."""
        from kiosk.store.search import group_counts

        return group_counts(self.store, query, self.station, today=today or self.today())

    def recommend(self, profile: Profile, limit: int = 30, today: date | None = None) -> list[Recommendation]:
        """为你推荐: vacancies ranked for a registration profile, each with the reasons it is shown."""
        from kiosk.store.search import recommend

        return recommend(self.store, profile, self.station, today=today or self.today(), limit=limit)

    def counts(self, today: date | None = None) -> tuple[int, int]:
        """(open vacancies in the city, open vacancies inside the station's circle)."""
        city = self.find(make_query(scope=Scope.CITY), limit=0, today=today).total
        circle = self.find(make_query(scope=Scope.CIRCLE), limit=0, today=today).total
        return city, circle

    def get(self, vacancy_id: str, today: date | None = None) -> VacancyView | None:
        """One open vacancy, or None if it does not exist, has expired or was withdrawn."""
        from sqlalchemy import select

        from kiosk.store.models import Vacancy

        today = today or self.today()
        with self.store.read() as s:
            v = s.scalar(select(Vacancy).where(Vacancy.id == vacancy_id, Vacancy.status == "open",
                                               Vacancy.expires_on >= today))
            return to_view(v, self.station) if v else None


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
