"""A vacancy as residents see it: the full view of one, the list row of a search hit, the job types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.search import Hit, Station

#: The kinds of job a vacancy can be; 公益性岗位 are public-welfare posts for residents in difficulty.
JOB_TYPES = ("全职", "兼职", "公益性岗位", "实习")


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
