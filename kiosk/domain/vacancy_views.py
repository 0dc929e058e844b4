"""A vacancy as residents see it: the full view of one, the list row of a search hit, the job types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.search import Hit, Station

#: The kinds of job a vacancy can be; 公益性岗位 are public-welfare posts for residents in difficulty,
#: 零工 day labour paid by the day or hour, for the date(s) it names.
JOB_TYPES = ("全职", "兼职", "公益性岗位", "实习", "零工")
DAY_JOB = "零工"



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
    #: a day job (零工): its first day (the last is ``expires_on``), the meeting point and time
    work_from: date | None = None
    meet_place: str = ""
    meet_time: str = ""

    @property
    def is_day_job(self) -> bool:
        return self.job_type == DAY_JOB

    @property
    def work_days(self) -> str:
        """零工's dates as residents say them: 12月3日, or 12月3日至12月5日."""
        first = self.work_from or self.posted_on
        if first >= self.expires_on:
            return f"{self.expires_on.month}月{self.expires_on.day}日"
        return f"{first.month}月{first.day}日至{self.expires_on.month}月{self.expires_on.day}日"


def to_row(hit: Hit, station: Station) -> dict:
    """The RecycleView row for a search hit. Every key the row widget uses is always present."""
    return {
        "vacancy_id": hit.id,
        "title": hit.title,
        "salary": hit.salary_text,
        "employer": hit.employer,
        "place": f"{hit.distance_text} · {hit.district}",
        "job_type": hit.job_type,
        "in_circle": hit.distance_m <= station.radius_m,
    }
