"""A job fair's phone page (``/job-fairs/{id}``): details, the employers, and 报名 when the fair
takes sign-ups.

The feed item may carry ``employer_list`` (the employers' names) and
``signup_quota`` (a number > 0: the fair takes that many sign-ups). A sign-up is once per phone
and fair, refused when the quota is full or the fair is over, and becomes a service record of
the workload ledger (channel ``phone``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from central import ledger
from central.models import FairSignup, FeedItem
from central.phone import data
from central.phone.guard import clean_phone, csrf_token, posted_form
from central.phone.layout import e, message, not_found, page, personal, public, rows, tel
from kiosk.domain.dates import when_text
from kiosk.domain.privacy import MOBILE_NUMBER, mask_phone

router = APIRouter(include_in_schema=False)

SIGNUP_SERVICE = "job_fair_signup"


def _dt(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        return None


def quota(f: dict) -> int:
    try:
        return max(0, int(f.get("signup_quota") or 0))
    except (TypeError, ValueError):
        return 0


def _employers(f: dict) -> str:
    items = f.get("employer_list") or []
    if not isinstance(items, list) or not items:
        return ""
    lis = []
    for x in items[:200]:
        if isinstance(x, dict):
            pos = f"（{e(x['positions'])} 个岗位）" if x.get("positions") else ""
            lis.append(f"<li>{e(x.get('name', ''))}{pos}</li>")
        else:
            lis.append(f"<li>{e(x)}</li>")
    return f'<div class="card" id="employers"><h2>参会单位（{len(lis)} 家）</h2><ul>{"".join(lis)}</ul></div>'


def _signup_form(f: dict, request: Request, left: int, *, station: str = "", name: str = "", phone: str = "",
                 consent: bool = False, error: str = "") -> str:
    action = f"/job-fairs/{f['id']}/signup"
    if left <= 0:
        return '<div class="card" id="signup"><h2>报名</h2><div class="error">报名名额已满，可直接到现场参加。</div></div>'
    err = f'<div class="error" role="alert" id="error">{e(error)}</div>' if error else ""
    return f"""<div class="card" id="signup"><h2>报名参加</h2><p class="note">还剩 <b id="left">{left}</b> 个名额。</p>{err}
<form method="post" action="{e(action)}">
<input type="hidden" name="csrf" value="{e(csrf_token(request, action))}"><input type="hidden" name="s" value="{e(station)}">
<label for="name">姓名（可不填）</label><input type="text" id="name" name="name" maxlength="20" value="{e(name)}">
<label for="phone">手机号</label><input type="tel" id="phone" name="phone" inputmode="numeric" maxlength="20"
 value="{e(phone)}" required>
<label class="check"><input type="checkbox" name="consent" value="1"{" checked" if consent else ""} required>
<span>我同意把手机号交给主办方，仅用于招聘会报名和通知。</span></label>
<button type="submit" id="submit">报名</button></form></div>"""


def fair_html(f: dict, request: Request, left: int | None, station: str, form: str = "") -> str:
    start, end = _dt(f.get("starts_at")), _dt(f.get("ends_at"))
    when = when_text(start, end) if start and end else ""
    over = end is not None and end < data.now_local()
    scale = " · ".join(x for x in ((f"{f['employers']} 家单位" if f.get("employers") else ""),
                                   (f"{f['positions']} 个岗位" if f.get("positions") else "")) if x)
    online = f.get("url") and f.get("kind") != "线下"
    facts = rows([
        ("时间", e(when)), ("形式", e(f.get("kind", ""))), ("地点", e(f.get("venue", ""))), ("地址", e(f.get("address", ""))),
        ("规模", e(scale)), ("面向", e(f.get("target_groups") or "所有求职者")), ("主办", e(f.get("organiser", ""))),
        ("咨询电话", tel(str(f["contact"])) if f.get("contact") else ""),
        ("参加方式", f'<a class="inline" href="{e(f["url"])}">进入线上招聘会</a>' if online else ""),
    ])
    state = '<p class="status">已结束</p>' if over else ""
    desc = f"<p>{e(f['description'])}</p>" if f.get("description") else ""
    bring = "<p class=\"note\">请带好身份证和简历；没有简历可到就业驿站请工作人员帮您填写。</p>"
    signup = "" if over or left is None else (form or _signup_form(f, request, left, station=station))
    body = (f'<div class="card"><h1 id="title">{e(f.get("title", ""))}</h1>{state}{facts}{desc}{bring}</div>'
            f"{_employers(f)}{signup}")
    return page(str(f.get("title", "招聘会")), body, heading="招聘会")


def _left(ses, f: dict) -> int | None:  # noqa: ANN001
    q = quota(f)
    if not q:
        return None
    taken = ses.scalar(select(func.count()).select_from(FairSignup).where(FairSignup.fair_id == f["id"])) or 0
    return max(0, q - taken)


@router.get("/job-fairs/{fair_id}")
def fair_page(fair_id: str, request: Request, s: str = "") -> Response:
    station = s[:40] if data.valid_id(s[:40]) else ""
    with request.app.state.db.session() as ses:
        row = data.item(ses, "job_fairs", fair_id)
        if row is None or row.deleted:
            return not_found("招聘会")
        f = dict(row.data)
        left = _left(ses, f)
    return public(request, fair_html(f, request, left, station))


@router.post("/job-fairs/{fair_id}/signup")
async def fair_signup(fair_id: str, request: Request) -> Response:
    form = await posted_form(request, f"/job-fairs/{fair_id}/signup")
    if isinstance(form, Response):
        return form
    return await run_in_threadpool(_signup, request, fair_id, form)


def _signup(request: Request, fair_id: str, form: dict[str, str]) -> Response:
    name, typed = form.get("name", "").strip()[:20], form.get("phone", "")[:20]
    phone, consent, station = clean_phone(typed), form.get("consent") == "1", form.get("s", "")[:40]
    back = (f"/job-fairs/{fair_id}", "返回招聘会")
    with request.app.state.db.session() as ses:
        row = data.item(ses, "job_fairs", fair_id)
        if row is None or row.deleted:
            return not_found("招聘会")
        f = dict(row.data)
        end = _dt(f.get("ends_at"))
        if not quota(f) or (end is not None and end < data.now_local()):
            return message("这个招聘会不接受报名", "可以直接到现场参加，或咨询主办方。", status=409, kind="error",
                           back=back, heading="招聘会")
        # the fair's row lock (PostgreSQL) makes the quota hold under concurrent sign-ups
        ses.execute(select(FeedItem.id).where(FeedItem.feed == "job_fairs", FeedItem.id == fair_id).with_for_update())
        left = _left(ses, f)
        error = ("请填写 11 位手机号码，以 1 开头" if not MOBILE_NUMBER.match(phone)
                 else "请勾选同意后再提交" if not consent else "")
        if error:
            html = fair_html(f, request, left, station, _signup_form(f, request, left or 0, station=station, name=name,
                                                                     phone=typed, consent=consent, error=error))
            return personal(html, 400)
        # phones are sealed at rest (random nonces), so the fair's sign-ups are compared here, under its lock
        if any(p == phone for p in ses.scalars(select(FairSignup.phone).where(FairSignup.fair_id == fair_id))):
            return message("您已经报过名了", f"手机号 {mask_phone(phone)} 已报名这个招聘会，不用再报。", back=back,
                           heading="招聘会")
        if not left:
            return message("报名名额已满", "可以直接到现场参加。", status=409, kind="error", back=back, heading="招聘会")
        now = data.utcnow()
        home = data.home_station(ses, station, f.get("lat"), f.get("lon"))
        signup = FairSignup(id=str(uuid.uuid4()), fair_id=fair_id, station_id=home, name=name, phone=phone,
                            created_at=now)
        ses.add(signup)
        ledger.record_service(ses, record_id=signup.id, station_id=home, service=SIGNUP_SERVICE, at=now,
                              channel="phone", ref_id=fair_id)
    return message("报名成功", f"您已报名“{f.get('title', '')}”（手机号 {mask_phone(phone)}）。请按时参加。", back=back,
                   heading="招聘会")
