"""A vacancy as residents see it: the full view of one, the list row of a search hit, the job types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.i18n import N_, _
from kiosk.domain.search import Hit, Station

#: The kinds of job a vacancy can be; 公益性岗位 are public-welfare posts for residents in difficulty,
#: 零工 day labour paid by the day or hour, for the date(s) it names.
#: translated where shown (``_(root.job_type)``)
JOB_TYPES = (N_("全职"), N_("兼职"), N_("公益性岗位"), N_("实习"), N_("零工"))
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
            return month_day(self.expires_on)
        return _("{first}至{last}").format(first=month_day(first), last=month_day(self.expires_on))


def month_day(d: date) -> str:
    return _("{m}月{d}日").format(m=d.month, d=d.day)


def day_text(first: date, last: date, today: date | None = None) -> str:
    """A day job's days as residents say them: 今天, 明天, 12月5日, 12月5日至12月7日 (from today on)."""
    today = today or date.today()
    first = max(first, today)

    def one(d: date) -> str:
        return {0: _("今天"), 1: _("明天")}.get((d - today).days) or month_day(d)

    return one(first) if first >= last else _("{first}至{last}").format(first=one(first), last=one(last))


def day_job_text(v: VacancyView, today: date | None = None) -> str:
    """What a day job's detail says first: 今天用工（12月3日），早上07:30在南市街道办事处门口集合."""
    first, last = v.work_from or v.posted_on, v.expires_on
    when = day_text(first, last, today)
    dates = (_("{first}至{last}").format(first=month_day(first), last=month_day(last)) if last > first
             else month_day(first))
    meet = (_("，{time}在{place}集合").format(time=v.meet_time, place=v.meet_place) if v.meet_place
            else (_("，{time}集合").format(time=v.meet_time) if v.meet_time else ""))
    return _("{when}用工（{dates}）{meet}").format(when=when, dates=dates, meet=meet)


def to_row(hit: Hit, station: Station, today: date | None = None) -> dict:
    """The RecycleView row for a search hit. Every key the row widget uses is always present."""
    place = f"{hit.distance_text} · {hit.district}"
    if hit.job_type == DAY_JOB:
        place = _("{when}用工 · {place}").format(when=day_text(hit.work_from or hit.posted_on, hit.expires_on, today),
                                                place=place)
    return {
        "vacancy_id": hit.id,
        "title": hit.title,
        "salary": hit.salary_text,
        "employer": hit.employer,
        "place": place,
        "job_type": hit.job_type,
        "in_circle": hit.distance_m <= station.radius_m,
    }


def vacancy_speech(view: VacancyView) -> str:
    """A vacancy read aloud: what the job is, the pay, how far and how long a walk, who employs,
    and how to apply. The contact's phone number is not read out in the lobby: it is printed."""
    parts = [f"岗位：{view.title}", f"工资：{view.salary}" if view.salary else ""]
    if view.distance_m >= 0:
        parts.append(f"离这里{view.distance_text}，步行大约{view.walking_minutes}分钟")
    parts += [f"招聘单位：{view.employer}" if view.employer else "", f"上班时间：{view.work_hours}" if view.work_hours else ""]
    parts.append("想应聘，请点我要投递；也可以打印带走，上面有联系电话和二维码")
    return "。".join(p for p in parts if p)
