"""A vacancy's phone page (``/jobs/{id}``), its 我有意向 form, and a printed shortlist (``/shortlists/{id}``).

A job that was removed or has expired answers 410 with 该岗位已下架 and open jobs of the same kind
nearby. 我有意向 takes a phone (and a name if given) with consent and becomes one row of
``interests`` (channel ``phone``) for the station's worklist, once per phone and job; the page
that answers it is the interest's own capability link.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from central import ledger
from central.models import FeedItem, Interest, Shortlist
from central.phone import data
from central.phone.guard import clean_phone, csrf_token, new_token, posted_form, token_hash
from central.phone.layout import e, message, not_found, page, personal, public, rows, tel
from kiosk.domain.bookings import REFERENCE_ALPHABET
from kiosk.domain.privacy import MOBILE_NUMBER
from kiosk.domain.wages import salary_text

router = APIRouter(include_in_schema=False)

#: the service code a phone-page interest is recorded under in the workload ledger
INTEREST_SERVICE = "job_interest"
NAME_MAX = 20


def _salary(v: dict) -> str:
    try:
        return salary_text(int(v["salary_min"]), int(v["salary_max"]), str(v.get("salary_unit", "月")))
    except (KeyError, TypeError, ValueError):
        return str(v.get("salary") or "面议")


def _date(value: object) -> str:
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def job_link(v: dict, station: str = "") -> str:
    href = f"/jobs/{e(v['id'])}" + (f"?s={e(station)}" if station else "")
    return (f'<a class="row" href="{href}"><b>{e(v.get("title", ""))}<small>{e(v.get("employer", ""))}</small></b>'
            f'<span>{e(_salary(v))}</span></a>')


def interest_form(v: dict, request: Request, station: str, *, name: str = "", phone: str = "", consent: bool = False,
                  error: str = "") -> str:
    action = f"/jobs/{v['id']}/interest"
    err = f'<div class="error" role="alert" id="error">{e(error)}</div>' if error else ""
    return f"""<div class="card" id="interest"><h2>我有意向</h2>
<p class="note">留下手机号，就业驿站工作人员会联系您，帮您向“{e(v.get('employer', ''))}”推荐。</p>{err}
<form method="post" action="{e(action)}" autocomplete="on">
<input type="hidden" name="csrf" value="{e(csrf_token(request, action))}"><input type="hidden" name="s" value="{e(station)}">
<label for="name">姓名（可不填）</label><input type="text" id="name" name="name" maxlength="{NAME_MAX}" value="{e(name)}">
<label for="phone">手机号</label><input type="tel" id="phone" name="phone" inputmode="numeric" maxlength="20"
 autocomplete="tel" value="{e(phone)}" required>
<label class="check"><input type="checkbox" name="consent" value="1"{" checked" if consent else ""} required>
<span>我同意把手机号和姓名交给就业驿站，仅用于联系我推荐这个岗位。</span></label>
<button type="submit" id="submit">提交意向</button></form></div>"""


def job_html(v: dict, request: Request, station: str, form: str = "") -> str:
    contact = " ".join(x for x in (e(v.get("contact_name", "")), tel(str(v.get("contact_phone", "")))) if x.strip())
    need = "，".join(f"{label}{x}" for label, x in (("学历", v.get("education")), ("经验", v.get("experience")),
                                                    ("年龄", v.get("age_range"))) if x)
    facts = rows([
        ("单位", e(v.get("employer", ""))), ("类型", e(f"{v.get('job_type', '')} · 招 {v.get('headcount', '')} 人")),
        ("要求", e(need)), ("工作时间", e(v.get("work_hours", ""))), ("岗位要求", e(v.get("requirements", ""))),
        ("福利", e(v.get("benefits", ""))), ("工作地址", e(f"{v.get('address', '')}")),
        ("联系", contact), ("发布日期", e(_date(v.get("posted_on")))), ("有效期至", e(_date(v.get("expires_on")))),
    ])
    intro = f'<div class="card"><h2>单位介绍</h2><p>{e(v["employer_intro"])}</p></div>' if v.get("employer_intro") else ""
    how = ('<div class="card"><h2>怎样应聘</h2><ol><li>在下面填写“我有意向”，驿站工作人员会联系您并帮您推荐；</li>'
           f'<li>或直接打电话给单位联系人{(" " + tel(str(v["contact_phone"]))) if v.get("contact_phone") else ""}；</li>'
           "<li>或带上身份证到就近的就业驿站，请工作人员帮您投递。</li></ol></div>")
    body = (f'<div class="card"><h1 id="title">{e(v.get("title", ""))}</h1>'
            f'<p class="big" id="salary">{e(_salary(v))}</p>'
            f'<p class="sub">{e(v.get("district", ""))}{e(v.get("street", ""))}</p>{facts}</div>'
            f"{intro}{how}{form or interest_form(v, request, station)}")
    return page(str(v.get("title", "岗位")), body, heading="岗位详情")


def _gone_html(s: Session, v: dict | None) -> str:
    similar = data.similar_open(s, v) if v else []
    more = ("<h2>附近同类岗位</h2>" + "".join(job_link(x) for x in similar)) if similar else ""
    title = e(v.get("title", "")) if v else ""
    body = (f'<div class="card"><h1>该岗位已下架</h1><p>{title + " " if title else ""}已经招满、过期或被撤下。</p>{more}'
            '<a class="btn alt" href="/stations">到就业驿站看更多岗位</a></div>')
    return page("该岗位已下架", body, heading="岗位详情")


@router.get("/jobs/{job_id}")
def job_page(job_id: str, request: Request, s: str = "") -> Response:
    db = request.app.state.db
    station = s[:40] if data.valid_id(s[:40]) else ""
    with db.session() as ses:
        row = data.item(ses, "vacancies", job_id)
        if row is None:
            return not_found("岗位")
        if row.deleted or not data.vacancy_open(row.data):
            html = _gone_html(ses, None if row.deleted else dict(row.data))
            return public(request, html, 410)
        v = dict(row.data)
    return public(request, job_html(v, request, station))


@router.post("/jobs/{job_id}/interest")
async def job_interest(job_id: str, request: Request) -> Response:
    form = await posted_form(request, f"/jobs/{job_id}/interest")
    if isinstance(form, Response):
        return form
    name = form.get("name", "").strip()[:NAME_MAX]
    typed = form.get("phone", "")[:20]
    phone = clean_phone(typed)
    consent = form.get("consent") == "1"
    station = form.get("s", "")[:40]
    return await run_in_threadpool(_record_interest, request, job_id, name, typed, phone, consent, station)


def _record_interest(request: Request, job_id: str, name: str, typed: str, phone: str, consent: bool,
                     station: str) -> Response:
    db = request.app.state.db
    with db.session() as ses:
        row = data.item(ses, "vacancies", job_id)
        if row is None:
            return not_found("岗位")
        if row.deleted or not data.vacancy_open(row.data):
            return public(request, _gone_html(ses, None if row.deleted else dict(row.data)), 410)
        v = dict(row.data)
        error = ("请填写 11 位手机号码，以 1 开头" if not MOBILE_NUMBER.match(phone)
                 else "请勾选同意后再提交" if not consent else "")
        if error:
            form = interest_form(v, request, station, name=name, phone=typed, consent=consent, error=error)
            return personal(job_html(v, request, station, form), 400)
        # one writer per job at a time (a row lock on PostgreSQL), so a double tap cannot make two rows
        ses.execute(select(FeedItem.id).where(FeedItem.feed == "vacancies", FeedItem.id == job_id).with_for_update())
        # phones are sealed at rest (random nonces): the job's interests are compared here, under its lock
        if any(p == phone for p in ses.scalars(select(Interest.phone).where(Interest.vacancy_id == job_id))):
            return message("您已经登记过这个岗位", "同一个手机号对一个岗位只登记一次。驿站工作人员会尽快和您联系。",
                           back=(f"/jobs/{job_id}", "返回岗位"), heading="我有意向")
        token = new_token()
        now = data.utcnow()
        home = data.home_station(ses, station, v.get("lat"), v.get("lon"))
        interest = Interest(
            id=str(uuid.uuid4()), reference="YX" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6)),
            token_hash=token_hash(token), station_id=home, vacancy_id=job_id, title=str(v.get("title", ""))[:100],
            employer=str(v.get("employer", ""))[:100], channel="phone", name=name, phone=phone, status="new",
            created_at=now, updated_at=now)
        ses.add(interest)
        ledger.record_service(ses, record_id=interest.id, station_id=home, service=INTEREST_SERVICE, at=now,
                              channel="phone", ref_id=job_id)
    return RedirectResponse(f"/interests/{token}?new=1", status_code=303)


# -- the printed shortlist ---------------------------------------------------------------------

@router.get("/shortlists/{shortlist_id}")
def shortlist_page(shortlist_id: str, request: Request) -> Response:
    if not data.valid_id(shortlist_id):
        return not_found("岗位清单")
    with request.app.state.db.session() as ses:
        sl = ses.get(Shortlist, shortlist_id)
        if sl is None:
            return not_found("岗位清单")
        ids = [str(x) for x in sl.vacancy_ids][:20]
        found = {r.id: r for r in ses.scalars(select(FeedItem).where(FeedItem.feed == "vacancies",
                                                                     FeedItem.id.in_(ids)))}
        station = sl.station_id
    cards = []
    for vid in ids:
        r = found.get(vid)
        if r is None or r.deleted or not data.vacancy_open(r.data):
            title = e(r.data.get("title", "")) if r is not None and not r.deleted else ""
            cards.append(f'<div class="row"><b>{title or "此岗位"}</b><span>已下架</span></div>')
        else:
            cards.append(job_link(r.data, station))
    body = (f'<div class="card"><h1>我的岗位清单</h1><p class="sub">共 {len(ids)} 个岗位，点开查看详情、登记意向。</p>'
            f'{"".join(cards)}</div>')
    return public(request, page("我的岗位清单", body, heading="岗位清单"))
