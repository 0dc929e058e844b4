"""The back office's 招聘登记 under ``/staff/postings``, and 岗位推荐 with its 推荐单.

The list shows the scope's postings (to review first); the posting's own station's staff
publish, send back with a reason, edit, withdraw, and hand the employer a new link to it. A
change of another station's posting is refused with 403 and an audit row, like every record of
the back office.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from central import postings, scope
from central import staff_auth as auth
from central.console import current_session
from central.deps import get_database
from central.models import FeedItem, Interest, PostingRow, Registration
from central.office import posting_pages, referrals
from central.office.changes import Refused
from central.office.pages import forbidden_page, query
from central.office.routes import (
    _after,
    _back,
    _checked,
    _form,
    _login,
    _one,
    _record_station,
    _refuse_other_station,
    _scope_choices,
    _version,
    _viewer,
)
from central.phone import data
from central.phone.guard import new_token, token_hash
from central.posting_form import values_of
from central.qr_svg import qr_svg
from central.tickets import station_name
from central.web import html_page

log = logging.getLogger("central.office")

router = APIRouter(prefix="/staff", include_in_schema=False)


def _list_html(request: Request, sess: auth.StaffSession, station: str, status: str, *, flash: str = "",
               error: bool = False) -> str:
    mine, choices = _scope_choices(request, sess)
    station = station if station in mine else ""
    status = status if status in dict(posting_pages.FILTERS) else ("review" if not status else "")
    viewer = _viewer(request, sess)
    with get_database(request).session() as s:
        rows = postings.listing(s, [station] if station else mine, "" if status == "all" else status)
        dups = postings.duplicates(s, rows)
        back = "/staff/postings?" + query(station=station, status=status)
        return posting_pages.list_page(viewer, rows, dups=dups, names=dict(choices), stations=choices, station=station,
                                       status=status, can_act=lambda sid: scope.may_act(sess, sid), back=back,
                                       flash=flash, error=error)


@router.get("/postings")
def postings_list(request: Request, station: str = "", status: str = "", msg: str = "", err: str = "") -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    return html_page(_list_html(request, sess, station[:40], status[:12], flash=msg[:200], error=bool(err)))


def _own_station(request: Request, sess: auth.StaffSession) -> Response | None:
    if not sess.station_id:
        return html_page(forbidden_page(_viewer(request, sess), "招聘登记由岗位所在驿站的工作人员办理，请用驿站账号登录"), 403)
    return None


def _district(request: Request, station_id: str) -> str:
    with get_database(request).session() as s:
        return postings.station_district(s, station_id)


@router.get("/postings/new")
def posting_new(request: Request) -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    if (refused := _own_station(request, sess)) is not None:
        return refused
    return html_page(posting_pages.form_page(_viewer(request, sess), "/staff/postings/new",
                                             {"salary_unit": "月", "version": "0"}, {},
                                             district=_district(request, sess.station_id), today=data.today(),
                                             title="登记新岗位", submit="保存，待审核"))


@router.post("/postings/new")
async def posting_create(request: Request) -> Response:
    form = await _form(request, 32_000)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    if (refused := _own_station(request, sess)) is not None:
        return refused
    values = values_of({k: _one(form, k, 2000) for k in form})

    def apply() -> Response:
        viewer = _viewer(request, sess)
        with get_database(request).session() as s:
            posting, errors = postings.check(s, sess.station_id, values)
            if errors:
                return html_page(posting_pages.form_page(
                    viewer, "/staff/postings/new", {**values, "version": "0"}, errors,
                    district=postings.station_district(s, sess.station_id), today=data.today(), title="登记新岗位",
                    submit="保存，待审核"), 400)
            row = postings.submit(s, sess.station_id, posting, source="staff", by=sess.name)
            ref = row.reference
        log.info("staff %s registered posting %s", sess.user_id, ref)
        return _after("/staff/postings?status=review", f"已登记岗位 {ref}，请审核后发布")

    return await run_in_threadpool(apply)


def _owned(request: Request, sess: auth.StaffSession, posting_id: str, what: str) -> Response | None:
    owner = _record_station(request, PostingRow, posting_id)
    if owner is None:
        return html_page(_list_html(request, sess, "", "", flash="没有找到这个招聘登记", error=True), 404)
    if not scope.may_act(sess, owner):
        return _refuse_other_station(request, sess, "posting", posting_id, owner, what)
    return None


@router.get("/postings/flyer")
def posting_flyer(request: Request) -> Response:
    """The station's 招聘登记 QR on paper, for shops and neighbourhood notice boards."""
    sess = current_session(request)
    if sess is None:
        return _login()
    if (refused := _own_station(request, sess)) is not None:
        return refused
    url = str(request.base_url).rstrip("/") + f"/employer/new?s={sess.station_id}"
    with get_database(request).session() as s:
        name = station_name(s, sess.station_id)
    return html_page(posting_pages.flyer_page(name, url, qr_svg(url)))


@router.get("/postings/{posting_id}/edit")
def posting_edit(posting_id: str, request: Request) -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    if (refused := _owned(request, sess, posting_id[:36], "打开招聘登记修改")) is not None:
        return refused
    with get_database(request).session() as s:
        row = s.get(PostingRow, posting_id[:36])
        values = {**postings.posting_of(row).as_form(), "version": str(row.version)}
        district = postings.station_district(s, row.station_id)
    return html_page(posting_pages.form_page(_viewer(request, sess), f"/staff/postings/{row.id}/edit", values, {},
                                             district=district, today=data.today(), title=f"修改岗位 {row.reference}",
                                             submit="保存修改"))


@router.post("/postings/{posting_id}/edit")
async def posting_save(posting_id: str, request: Request) -> Response:
    form = await _form(request, 32_000)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    posting_id = posting_id[:36]
    if (refused := await run_in_threadpool(_owned, request, sess, posting_id, "修改招聘登记")) is not None:
        return refused
    values = values_of({k: _one(form, k, 2000) for k in form})

    def apply() -> Response:
        viewer = _viewer(request, sess)
        with get_database(request).session() as s:
            row = s.get(PostingRow, posting_id)
            posting, errors = postings.check(s, row.station_id, values)
            if errors:
                return html_page(posting_pages.form_page(
                    viewer, f"/staff/postings/{posting_id}/edit", {**values, "version": _one(form, "version")},
                    errors, district=postings.station_district(s, row.station_id), today=data.today(),
                    title=f"修改岗位 {row.reference}", submit="保存修改"), 400)
            row = postings.change(s, row, posting, _version(form), sess.name, review=False)
            ref, state = row.reference, row.status
        note = "，已重新发布" if state == "published" else ""
        return _after("/staff/postings?status=all", f"岗位 {ref} 已修改{note}")

    try:
        return await run_in_threadpool(apply)
    except Refused as e:
        return html_page(_list_html(request, sess, "", "all", flash=str(e), error=True), e.status)


ACTIONS = {"publish": "发布", "return": "退回", "withdraw": "撤下", "link": "生成单位链接"}


@router.post("/postings/{posting_id}/{action}")
async def posting_act(posting_id: str, action: str, request: Request) -> Response:
    form = await _form(request)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    posting_id = posting_id[:36]
    if action not in ACTIONS:
        return html_page(_list_html(request, sess, "", "", flash="没有这个操作", error=True), 404)
    if (refused := await run_in_threadpool(_owned, request, sess, posting_id, f"招聘登记{ACTIONS[action]}")) is not None:
        return refused
    back = _back(form, "/staff/postings")

    def apply() -> Response:
        viewer = _viewer(request, sess)  # before the write transaction (SQLite allows one writer)
        with get_database(request).session() as s:
            if action == "publish":
                row = postings.publish(s, posting_id, _version(form), sess.name)
                msg = f"岗位 {row.reference} 已发布，下一轮同步后出现在各驿站终端"
            elif action == "return":
                row = postings.send_back(s, posting_id, _version(form), _one(form, "reason", 400), sess.name)
                msg = f"岗位 {row.reference} 已退回：{row.return_reason}"
            elif action == "withdraw":
                row = postings.withdraw(s, posting_id, _version(form), sess.name)
                msg = f"岗位 {row.reference} 已撤下"
            else:
                row = s.get(PostingRow, posting_id)
                token = new_token()
                row.token_hash = token_hash(token)
                url = str(request.base_url).rstrip("/") + f"/employer/p/{token}"
                return html_page(posting_pages.link_page(viewer, row.reference, url, qr_svg(url)))
        log.info("staff %s: posting %s %s", sess.user_id, posting_id[:8], action)
        return _after(back, msg)

    try:
        return await run_in_threadpool(apply)
    except Refused as e:
        q = parse_qs(urlsplit(back).query)
        return html_page(_list_html(request, sess, _one(q, "station", 40), _one(q, "status", 12), flash=str(e),
                                    error=True), e.status)


# --- 岗位推荐 ---------------------------------------------------------------------------------------

@router.post("/registrations/{reg_id}/refer")
async def refer(reg_id: str, request: Request) -> Response:
    form = await _form(request)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    reg_id = reg_id[:36]
    owner = await run_in_threadpool(_record_station, request, Registration, reg_id)
    if owner is None:
        return _after("/staff/registrations", "没有找到这条登记", error=True)
    if not scope.may_act(sess, owner):
        return await run_in_threadpool(_refuse_other_station, request, sess, "registration", reg_id, owner, "岗位推荐")
    back = _back(form, "/staff/registrations")

    def apply() -> str:
        with get_database(request).session() as s:
            return referrals.refer_registration(s, reg_id, _one(form, "vacancy", 60), sess.name).id

    try:
        interest_id = await run_in_threadpool(apply)
    except Refused as e:
        return _after(back, str(e), error=True)
    log.info("staff %s referred registration %s", sess.user_id, reg_id[:8])
    return RedirectResponse(f"/staff/interests/{interest_id}/slip", status_code=303)


@router.get("/interests/{interest_id}/slip")
def slip(interest_id: str, request: Request) -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    viewer = _viewer(request, sess)
    with get_database(request).session() as s:
        row = s.get(Interest, interest_id[:36])
        if row is None or not scope.in_scope(s, sess, row.station_id):
            return html_page(forbidden_page(viewer, "没有找到这条意向"), 404)
        if row.status not in ("referred", "interview", "hired"):
            return _after("/staff/interests", f"意向 {row.reference} 还没有推荐，先改为“已推荐”再打印推荐单", error=True)
        job = s.get(FeedItem, ("vacancies", row.vacancy_id))
        v = dict(job.data) if job is not None and not job.deleted else {"title": row.title, "employer": row.employer}
        url = str(request.base_url).rstrip("/") + f"/jobs/{row.vacancy_id}"
        html = posting_pages.slip_page(station=station_name(s, row.station_id), reference=row.reference, name=row.name,
                                       id_number=row.id_number, phone=row.phone, job=v, staff=row.updated_by or sess.name,
                                       when=f"{row.updated_at:%Y-%m-%d}", qr_svg=qr_svg(url), url=url)
    return html_page(html)

