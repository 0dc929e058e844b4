"""招聘登记: the rules of the job posting form that station staff and employers fill.

One function, ``check``, reads what was typed (every value a string, as a form posts it) and
returns the cleaned posting and, per field, what is wrong in the words the form shows beside it.
The form is shown again with everything the person typed when anything is wrong, so nothing is
lost; only a posting without problems is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.domain import credit_code, tianjin
from kiosk.domain.vacancy_views import DAY_JOB, JOB_TYPES

#: field → the most characters it takes (the form's maxlength, and the message when more arrive)
LIMITS = {"company": 60, "credit_code": 24, "contact_name": 20, "contact_phone": 20, "title": 30,
          "occupation": 20, "work_hours": 60, "address": 80, "requirements": 500, "benefits": 200,
          "meet_place": 60}
PAY_UNITS = {"月": "元/月", "天": "元/天", "时": "元/小时"}
#: a posting stays on the kiosks at most this long (it can be published again after)
MAX_DAYS = 180
#: a day job's dates span at most this many days
MAX_DAY_JOB_DAYS = 31
HEADCOUNT_MAX = 999
PHONE_RE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}|[2-9][0-9]{6,7})$")
TIME_RE = re.compile(r"^([01]?[0-9]|2[0-3])[:：]([0-5][0-9])$")


@dataclass(frozen=True)
class Posting:
    company: str
    credit_code: str
    contact_name: str
    contact_phone: str
    occupation: str
    title: str
    job_type: str
    salary_min: int
    salary_max: int
    salary_unit: str
    work_hours: str
    district: str
    street: str
    address: str
    requirements: str
    benefits: str
    headcount: int
    expires_on: date
    #: a day job's first day (its last is ``expires_on``), where and when to meet
    work_from: date | None = None
    meet_place: str = ""
    meet_time: str = ""

    def as_form(self) -> dict[str, str]:
        """The posting as the form's fields (for editing it again)."""
        out = {k: str(v) for k, v in self.__dict__.items() if v is not None}
        if self.job_type == DAY_JOB and self.work_from is not None:
            out["work_to"] = self.expires_on.isoformat()
        out["consent"] = out["promise"] = "1"
        return out


def _int(text: str) -> int | None:
    text = text.strip().replace(",", "").replace("，", "")
    return int(text) if text.isdigit() and len(text) <= 7 else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def check(form: dict[str, str], *, district: str, today: date,
          occupations: frozenset[str] | set[str]) -> tuple[Posting | None, dict[str, str]]:
    """(the posting, {}) or (None, field → message). ``district``: the station's, whose streets the
    address is picked from; ``today``: Tianjin's date."""
    errors: dict[str, str] = {}

    def text(key: str, *, required: str = "") -> str:
        value = " ".join(str(form.get(key, "")).split())
        if len(value) > LIMITS[key]:
            errors[key] = f"最多 {LIMITS[key]} 个字，现在是 {len(value)} 个字，请删减一些"
        elif required and not value:
            errors[key] = required
        return value[:LIMITS[key]]

    company = text("company", required="请填写单位名称")
    code = credit_code.normalise(str(form.get("credit_code", "")))[:LIMITS["credit_code"]]
    if not code:
        errors["credit_code"] = "请填写统一社会信用代码（营业执照上的 18 位代码）"
    elif why := credit_code.problem(code):
        errors["credit_code"] = why
    contact_name = text("contact_name", required="请填写联系人")
    phone = "".join(str(form.get("contact_phone", "")).split())[:LIMITS["contact_phone"]]
    if not PHONE_RE.match(phone):
        errors["contact_phone"] = "请填写联系电话：11 位手机号，或带区号的座机号（如 022-23456789）"
    occupation = text("occupation", required="请选择工种")
    if occupation and occupation not in occupations:
        errors["occupation"] = "请从列表里选择工种"
    title = text("title") or occupation
    job_type = str(form.get("job_type", ""))
    if job_type not in JOB_TYPES:
        errors["job_type"] = "请选择用工形式"
    unit = str(form.get("salary_unit", ""))
    smin, smax = _int(str(form.get("salary_min", ""))), _int(str(form.get("salary_max", "")))
    if unit not in PAY_UNITS:
        errors["salary"] = "请选择工资按月、按天还是按小时"
    elif smin is None or smax is None or smin <= 0:
        errors["salary"] = "请填写工资，只填数字（如 3500 到 4500）"
    elif smax < smin:
        errors["salary"] = "工资的上限比下限低，请检查"
    elif job_type == "全职" and unit == "月" and smin < tianjin.MIN_WAGE_MONTHLY:
        errors["salary"] = (f"全职岗位的月工资不能低于天津市最低工资标准 {tianjin.MIN_WAGE_MONTHLY} 元"
                            "（不含加班费、社保和公积金）")
    elif unit == "时" and smin < tianjin.MIN_WAGE_HOURLY:
        errors["salary"] = f"小时工资不能低于天津市非全日制最低小时工资 {tianjin.MIN_WAGE_HOURLY:g} 元"
    work_hours = text("work_hours")
    street_name = str(form.get("street", ""))
    streets = {s.name: s for s in tianjin.district(district).streets} if district in tianjin.DISTRICT_NAMES else {}
    if street_name not in streets:
        errors["street"] = f"请选择{district or '本区'}的街道（乡镇）" if streets else "本驿站没有设置所在的区，请联系管理员"
    address = text("address", required="请填写详细地址（路名、门牌号）")
    requirements = text("requirements")
    benefits = text("benefits")
    headcount = _int(str(form.get("headcount", "")))
    if headcount is None or not 1 <= headcount <= HEADCOUNT_MAX:
        errors["headcount"] = f"请填写招聘人数（1 到 {HEADCOUNT_MAX}）"
    work_from = meet_place = meet_time = None
    if job_type == DAY_JOB:
        work_from, work_to = _date(str(form.get("work_from", ""))), _date(str(form.get("work_to", "")) or
                                                                           str(form.get("work_from", "")))
        if work_from is None:
            errors["work_from"] = "请选择用工日期"
        elif work_from < today:
            errors["work_from"] = "用工日期已经过去了，请选择今天或以后的日期"
        elif work_to is None or work_to < work_from:
            errors["work_from"] = "结束日期不能早于开始日期"
        elif (work_to - work_from).days >= MAX_DAY_JOB_DAYS:
            errors["work_from"] = f"零工一次最多登记 {MAX_DAY_JOB_DAYS} 天，更长的请选“全职”或“兼职”"
        expires = work_to
        meet_place = text("meet_place", required="请填写集合地点")
        raw_time = str(form.get("meet_time", "")).strip()
        m = TIME_RE.match(raw_time)
        if not m:
            errors["meet_time"] = "请填写集合时间，如 07:30"
        meet_time = f"{int(m.group(1)):02d}:{m.group(2)}" if m else raw_time[:5]
        if unit == "月" and "salary" not in errors:
            errors["salary"] = "零工请按天或按小时填写工资"
    else:
        expires = _date(str(form.get("expires_on", "")))
        if expires is None:
            errors["expires_on"] = "请选择招聘截止日期"
        elif expires < today:
            errors["expires_on"] = "截止日期已经过去了，请选择今天以后的日期"
        elif expires > today + timedelta(days=MAX_DAYS):
            errors["expires_on"] = f"截止日期最多在 {MAX_DAYS} 天以内，到期后可以再次登记"
    if form.get("consent") != "1":
        errors["consent"] = "请勾选同意，驿站才能发布这个岗位"
    if form.get("promise") != "1":
        errors["promise"] = "请勾选承诺所填信息真实"
    if errors:
        return None, errors
    return Posting(company=company, credit_code=code, contact_name=contact_name, contact_phone=phone,
                   occupation=occupation, title=title, job_type=job_type, salary_min=smin, salary_max=smax,
                   salary_unit=unit, work_hours=work_hours, district=district, street=street_name,
                   address=address, requirements=requirements, benefits=benefits, headcount=headcount,
                   expires_on=expires, work_from=work_from, meet_place=meet_place or "",
                   meet_time=meet_time or ""), {}


def street_of(p: Posting) -> tianjin.Street:
    return next(s for s in tianjin.district(p.district).streets if s.name == p.street)


def same_job(a: Posting, b: Posting) -> bool:
    """Two postings of one company for the same job (the review list flags the second one)."""
    return a.credit_code == b.credit_code and (a.title == b.title or a.occupation == b.occupation) \
        and a.job_type == b.job_type
