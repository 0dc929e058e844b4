"""The employer's pages: the 招聘登记 form behind the QR on a kiosk's 企业招聘 tile or a flyer
(``/employer/new?s=STATION``), and the posting's own capability link (``/employer/p/{token}``).

On the link the employer follows the review (待审核, 已发布, 已退回 with the reason), corrects and
sends again, withdraws the job, and sees who answered it: 意向 from residents, 报名 for a day job
and staff's 推荐. Names and phones are masked unless the resident agreed to share them with the
employer (a 报名 asks for that); the employer marks each one contacted. Postings from one address
are throttled (``POSTS_PER_HOUR``), counted when one is stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from central import postings
from central.models import INTEREST_KINDS, INTEREST_STATUSES, POSTING_STATUSES, Interest, PostingRow
from central.phone import data
from central.phone.guard import (
    Throttle,
    client_address,
    csrf_token,
    new_token,
    posted_form,
    token_hash,
    valid_token,
)
from central.phone.layout import e, message, not_found, page, personal, rows, tel
from central.posting_form import CSS as FORM_CSS
from central.posting_form import EMPLOYER_TYPES, render, values_of
from kiosk.domain.privacy import mask_name, mask_phone
from kiosk.domain.wages import salary_text

router = APIRouter(include_in_schema=False)

POSTS_PER_HOUR = 5
FORM_BYTES = 32_000
FORM_FIELDS = 40


def _throttle(request: Request) -> Throttle:
    t = getattr(request.app.state, "posting_throttle", None)
    if t is None:
        t = request.app.state.posting_throttle = Throttle(limit=POSTS_PER_HOUR, window_s=3600)
    return t


def _page(title: str, body: str, status: int = 200) -> Response:
    html = page(title, f"<style>{FORM_CSS}</style>{body}", heading="企业招聘")
    return personal(html, status)


def _form_page(request: Request, action: str, station: dict, values: dict[str, str], errors: dict[str, str],
               *, intro: str, submit: str, status: int = 200) -> Response:
    hidden = f'<input type="hidden" name="csrf" value="{e(csrf_token(request, action))}">'
    form = render(action, hidden, values, errors, district=str(station.get("district", "")), today=data.today(),
                  job_types=EMPLOYER_TYPES, submit=submit)
    body = (f'<div class="card"><h1>招聘登记</h1><p class="sub">{e(station.get("name", ""))}</p>'
            f"<p class=\"note\">{intro}</p></div>{form}")
    return _page("招聘登记", body, status)


INTRO = ("填写后由就业驿站审核，一般一个工作日内发布到本区各驿站的自助终端和手机页面。"
         "提交后会得到一个专属链接，请收藏，可以随时查看审核结果、修改、撤下，并查看报名的求职者。")


@router.get("/employer/new")
def new_form(request: Request, s: str = "") -> Response:
    with request.app.state.db.session() as ses:
        station = data.station(ses, s[:40])
    if station is None:
        return message("请扫描驿站的二维码", "招聘登记要从就业驿站自助终端“企业招聘”里的二维码，或驿站的宣传单进入。",
                       status=404, kind="error", heading="企业招聘")
    return _form_page(request, f"/employer/new?s={station['id']}", station, {"salary_unit": "月"}, {}, intro=e(INTRO),
                      submit="提交招聘信息")


@router.post("/employer/new")
async def new_post(request: Request, s: str = "") -> Response:
    action = f"/employer/new?s={s[:40]}"
    form = await posted_form(request, action, throttled=False, limit=FORM_BYTES, max_fields=FORM_FIELDS)
    if isinstance(form, Response):
        return form
    return await run_in_threadpool(_store_new, request, s[:40], action, form)


def _store_new(request: Request, station_id: str, action: str, form: dict[str, str]) -> Response:
    values = values_of(form)
    with request.app.state.db.session() as ses:
        station = data.station(ses, station_id)
        if station is None:
            return not_found("驿站")
        posting, errors = postings.check(ses, station["id"], values)
        if errors:
            return _form_page(request, action, station, values, errors, intro=e(INTRO), submit="提交招聘信息",
                              status=400)
        if not _throttle(request).allow(client_address(request)):
            resp = message("提交太频繁", f"同一网络一小时内最多登记 {POSTS_PER_HOUR} 个岗位。请稍后再试，"
                           "或到就业驿站请工作人员帮您登记。", status=429, kind="error", heading="企业招聘")
            resp.headers["Retry-After"] = "3600"
            return resp
        token = new_token()
        postings.submit(ses, station["id"], posting, source="employer", token_hash=token_hash(token))
    return RedirectResponse(f"/employer/p/{token}?new=1", status_code=303)


def _row(ses, token: str) -> PostingRow | None:  # noqa: ANN001
    return postings.by_token(ses, token_hash(token)) if valid_token(token) else None


def _answer(i: Interest, token: str, request: Request) -> str:
    shared = i.shared
    name = e(i.name if shared else mask_name(i.name)) if i.name else "（未留姓名）"
    phone = tel(i.phone) if shared and i.phone else e(mask_phone(i.phone)) if i.phone else ""
    when = f"{(i.created_at.month)}月{i.created_at.day}日"
    done = (f'<span class="status">已联系 {i.employer_contacted_at.month}月{i.employer_contacted_at.day}日</span>'
            if i.employer_contacted_at else "")
    action = f"/employer/p/{token}/contacted/{i.id}"
    button = "" if i.employer_contacted_at else (
        f'<form method="post" action="{e(action)}"><input type="hidden" name="csrf" value="{e(csrf_token(request, action))}">'
        '<button type="submit" class="alt">标记为已联系</button></form>')
    hidden = "" if shared else '<p class="note">求职者未同意直接公开联系方式，驿站工作人员会帮您联系。</p>'
    return (f'<div class="card answer" id="a-{e(i.id[:8])}"><h2>{e(INTEREST_KINDS.get(i.kind, "意向"))} · {name}</h2>'
            f'{rows([("电话", phone), ("时间", e(when)), ("驿站进度", e(INTEREST_STATUSES.get(i.status, "")))])}'
            f"{done}{hidden}{button}</div>")


def _days(p) -> str:  # noqa: ANN001 - a postings.Posting
    def d(x) -> str:  # noqa: ANN001
        return f"{x.year}年{x.month}月{x.day}日"

    if p.work_from is None:
        return f"招聘截止 {d(p.expires_on)}"
    return f"用工 {d(p.work_from)}" + (f"至{p.expires_on.month}月{p.expires_on.day}日" if p.expires_on > p.work_from else "")


def _status_html(request: Request, row: PostingRow, token: str, answers: list[Interest], new: bool) -> str:
    p = postings.posting_of(row)
    status = POSTING_STATUSES.get(row.status, row.status)
    if row.changed:
        status += "（修改待审核）"
    head = ('<div class="ok" role="status">已提交，驿站审核后发布。请收藏本页面，这是您查看和管理这个岗位的唯一链接。</div>'
            if new else "")
    reason = (f'<div class="error" role="alert" id="reason">驿站退回的原因：{e(row.return_reason)}</div>'
              if row.return_reason else "")
    link = (f'<a class="btn alt" href="/jobs/{e(row.reference)}">查看发布的岗位页面</a>' if row.status == "published" else "")
    facts = rows([("岗位编号", e(row.reference)), ("单位", e(p.company)), ("用工形式", e(p.job_type)),
                  ("工资", e(salary_text(p.salary_min, p.salary_max, p.salary_unit))),
                  ("地点", e(f"{p.district}{p.street}{p.address}")),
                  ("日期", e(_days(p))),
                  ("集合", e(f"{p.meet_time} {p.meet_place}".strip()))])
    actions = ""
    if row.status != "withdrawn":
        w = f"/employer/p/{token}/withdraw"
        actions = (f'<a class="btn" href="/employer/p/{e(token)}/edit">修改</a>'
                   f'<form method="post" action="{e(w)}"><input type="hidden" name="csrf" value="{e(csrf_token(request, w))}">'
                   '<button type="submit" class="warn" id="withdraw">撤下这个岗位</button></form>')
    got = "".join(_answer(i, token, request) for i in answers) or '<p class="note">还没有求职者报名或投递。</p>'
    return (f'{head}<div class="card"><h1 id="title">{e(p.title)}</h1><p><span class="status" id="status">{e(status)}'
            f"</span></p>{reason}{facts}{link}{actions}</div>"
            f'<div class="card"><h2>收到的意向和报名（{len(answers)}）</h2></div>{got}')


@router.get("/employer/p/{token}")
def posting_page(token: str, request: Request, new: str = "") -> Response:
    with request.app.state.db.session() as ses:
        row = _row(ses, token)
        if row is None:
            return not_found("招聘登记")
        html = _status_html(request, row, token, postings.received(ses, row), new == "1")
    return _page("我的招聘", html)


@router.get("/employer/p/{token}/edit")
def edit_form(token: str, request: Request) -> Response:
    with request.app.state.db.session() as ses:
        row = _row(ses, token)
        if row is None:
            return not_found("招聘登记")
        if row.status == "withdrawn":
            return message("岗位已撤下", "撤下的岗位不能再修改；如需再招，请重新登记。", status=410, kind="error",
                           heading="企业招聘")
        station = data.station(ses, row.station_id) or {"id": row.station_id, "name": "", "district": ""}
        values = postings.posting_of(row).as_form()
        values["version"] = str(row.version)
    return _form_page(request, f"/employer/p/{token}/edit", station, values, {},
                      intro="修改后需要驿站重新审核；审核通过前，已发布的岗位保持原样。", submit="提交修改")


@router.post("/employer/p/{token}/edit")
async def edit_post(token: str, request: Request) -> Response:
    action = f"/employer/p/{token}/edit"
    form = await posted_form(request, action, limit=FORM_BYTES, max_fields=FORM_FIELDS)
    if isinstance(form, Response):
        return form

    def apply() -> Response:
        from central.office.changes import Refused

        values = values_of(form)
        with request.app.state.db.session() as ses:
            row = _row(ses, token)
            if row is None:
                return not_found("招聘登记")
            station = data.station(ses, row.station_id) or {"id": row.station_id, "name": "", "district": ""}
            posting, errors = postings.check(ses, row.station_id, values)
            if errors:
                return _form_page(request, action, station, values, errors, status=400, submit="提交修改",
                                  intro="修改后需要驿站重新审核；审核通过前，已发布的岗位保持原样。")
            try:
                postings.change(ses, row, posting, row.version, "employer", review=True)
            except Refused as ex:
                return message("不能修改", str(ex), status=ex.status, kind="error", heading="企业招聘",
                               back=(f"/employer/p/{token}", "返回"))
        return RedirectResponse(f"/employer/p/{token}", status_code=303)

    return await run_in_threadpool(apply)


@router.post("/employer/p/{token}/withdraw")
async def withdraw(token: str, request: Request) -> Response:
    form = await posted_form(request, f"/employer/p/{token}/withdraw")
    if isinstance(form, Response):
        return form

    def apply() -> Response:
        from central.office.changes import Refused

        with request.app.state.db.session() as ses:
            row = _row(ses, token)
            if row is None:
                return not_found("招聘登记")
            if form.get("confirm") != "1":
                return _confirm_withdraw(request, token, row.title)
            try:
                postings.withdraw(ses, row.id, row.version, "employer")
            except Refused as ex:
                return message("不能撤下", str(ex), status=ex.status, kind="error", heading="企业招聘",
                               back=(f"/employer/p/{token}", "返回"))
        return RedirectResponse(f"/employer/p/{token}", status_code=303)

    return await run_in_threadpool(apply)


def _confirm_withdraw(request: Request, token: str, title: str) -> Response:
    """A withdrawal cannot be undone (the job leaves every kiosk), so it is asked twice."""
    action = f"/employer/p/{token}/withdraw"
    body = (f'<div class="card"><h1>确定撤下“{e(title)}”吗？</h1>'
            "<p>撤下后，岗位会从各驿站的自助终端和手机页面上消失，不能恢复；如需再招，要重新登记。</p>"
            f'<form method="post" action="{e(action)}"><input type="hidden" name="csrf" value="{e(csrf_token(request, action))}">'
            '<input type="hidden" name="confirm" value="1"><button type="submit" class="warn" id="confirm">确定撤下</button></form>'
            f'<a class="btn alt" href="/employer/p/{e(token)}">不撤下，返回</a></div>')
    return _page("撤下岗位", body)


@router.post("/employer/p/{token}/contacted/{interest_id}")
async def contacted(token: str, interest_id: str, request: Request) -> Response:
    form = await posted_form(request, f"/employer/p/{token}/contacted/{interest_id}")
    if isinstance(form, Response):
        return form

    def apply() -> Response:
        with request.app.state.db.session() as ses:
            row = _row(ses, token)
            answer = ses.get(Interest, interest_id[:36])
            if row is None or answer is None or answer.vacancy_id != row.reference:
                return not_found("报名")
            if answer.employer_contacted_at is None:
                answer.employer_contacted_at = data.utcnow()
        return RedirectResponse(f"/employer/p/{token}", status_code=303)

    return await run_in_threadpool(apply)
