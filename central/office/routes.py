"""The back office's routes under ``/staff/``: 意向, 登记与需求 (and its roll-up), 好差评, accounts,
the audit log, and revealing a full phone or ID number.

Every handler starts from ``_viewer`` (the signed-in account as it stands now) and reads only the
stations ``central.scope.stations_in_scope`` gives it. A change to a record of a station that is
not the account's own is refused with 403 and written to the audit log; two changes made against
the same version end with the second refused as 已被他人更新 (409).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from central import scope
from central import staff_auth as auth
from central.console import current_session, session_key, station_names
from central.deps import get_database
from central.models import Interest, Rating, Registration, StaffUser, StationConfig
from central.office import audit, interests, pages, ratings, registrations
from central.office.changes import Refused
from central.tickets import local_day, service_names, station_name
from central.web import NO_STORE, html_page, same_origin

log = logging.getLogger("central.office")

router = APIRouter(prefix="/staff", include_in_schema=False)

#: record kind → (its table, the fields that can be revealed)
REVEALABLE = {"interest": (Interest, ("phone", "id_number")), "registration": (Registration, ("phone", "id_number"))}
LISTS = {"interest": "/staff/interests", "registration": "/staff/registrations", "rating": "/staff/ratings"}


def _viewer(request: Request, sess: auth.StaffSession) -> pages.Viewer:
    with get_database(request).session() as s:
        name = station_name(s, sess.station_id) if sess.station_id else ""
    return pages.Viewer(sess.name, sess.role, sess.station_id, name, sess.district, sess.counter,
                        auth.csrf_token(session_key(request), sess))


def _login() -> RedirectResponse:
    return RedirectResponse("/staff/login", status_code=303)


def _names(request: Request) -> dict[str, str]:
    return dict(station_names(get_database(request)))


def _scope_choices(request: Request, sess: auth.StaffSession) -> tuple[list[str], list[tuple[str, str]]]:
    with get_database(request).session() as s:
        mine = scope.stations_in_scope(s, sess)
    names = _names(request)
    return mine, [(sid, names.get(sid, sid)) for sid in mine]


async def _form(request: Request, limit: int = 8000) -> dict[str, list[str]]:
    body = await request.body()
    return parse_qs(body.decode("utf-8", "replace")[:limit])


def _one(form: dict[str, list[str]], key: str, limit: int = 200) -> str:
    return (form.get(key) or [""])[0][:limit]


def _version(form: dict[str, list[str]]) -> int:
    try:
        return int(_one(form, "version", 12))
    except ValueError:
        return -1


def _back(form: dict[str, list[str]], default: str) -> str:
    """Where to go after a change: a page of this console only (never another site)."""
    back = _one(form, "back", 500)
    parts = urlsplit(back)
    return back if back.startswith("/staff/") and not parts.netloc and not parts.scheme else default


def _checked(request: Request, form: dict[str, list[str]]) -> auth.StaffSession | Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    if not same_origin(request) or not auth.csrf_ok(session_key(request), sess, _one(form, "csrf", 200)):
        return html_page(pages.forbidden_page(None, "请求来源不对，请刷新页面后再试"), 403)
    return sess


def _refuse_other_station(request: Request, sess: auth.StaffSession, kind: str, record_id: str,
                          record_station: str, what: str) -> HTMLResponse:
    """403, an audit row and a log line: someone tried to change another station's record."""
    with get_database(request).session() as s:
        audit.record(s, sess, "refused_change", kind, record_id, record_station, what)
    log.warning("staff %s of station %r refused a change of %s %s of station %s", sess.user_id, sess.station_id,
                kind, record_id[:8], record_station)
    return html_page(pages.forbidden_page(_viewer(request, sess), "这条记录属于其他驿站，您不能修改。此次操作已记入审计日志。"),
                     403)


def _record_station(request: Request, model, record_id: str) -> str | None:  # noqa: ANN001
    with get_database(request).session() as s:
        row = s.get(model, record_id[:36])
        return row.station_id if row is not None else None


def _after(back: str, message: str, error: bool = False) -> RedirectResponse:
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}{pages.query(msg=message, err='1' if error else '')}", status_code=303)


# --- 意向 ---------------------------------------------------------------------------------------

def _interests_html(request: Request, sess: auth.StaffSession, station: str, status: str, *, flash: str = "",
                    error: bool = False) -> str:
    mine, choices = _scope_choices(request, sess)
    shown = [station] if station in mine else mine
    viewer = _viewer(request, sess)
    with get_database(request).session() as s:
        rows = interests.listing(s, shown, status)
        back = "/staff/interests?" + pages.query(station=station if station in mine else "", status=status)
        return pages.interests_page(viewer, rows, names=dict(choices), stations=choices,
                                    station=station if station in mine else "", status=status,
                                    can_act=lambda sid: scope.may_act(sess, sid), back=back, flash=flash, error=error)


@router.get("/interests")
def interests_list(request: Request, station: str = "", status: str = "", msg: str = "", err: str = "") -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    return html_page(_interests_html(request, sess, station[:40], status[:12], flash=msg[:200], error=bool(err)))


@router.post("/interests/{interest_id}")
async def interests_move(interest_id: str, request: Request) -> Response:
    form = await _form(request)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    interest_id, to = interest_id[:36], _one(form, "to", 12)
    owner = await run_in_threadpool(_record_station, request, Interest, interest_id)
    if owner is None:
        return html_page(_interests_html(request, sess, "", "", flash="没有找到这条意向", error=True), 404)
    if not scope.may_act(sess, owner):
        return await run_in_threadpool(_refuse_other_station, request, sess, "interest", interest_id, owner,
                                       f"意向状态改为 {to}")
    back = _back(form, "/staff/interests")

    def apply() -> str:
        with get_database(request).session() as s:
            row = interests.move(s, interest_id, to, _one(form, "note"), _version(form), sess.name)
            from central.models import INTEREST_STATUSES

            return f"意向 {row.reference} 已改为“{INTEREST_STATUSES[row.status]}”"

    try:
        message = await run_in_threadpool(apply)
    except Refused as e:
        q = parse_qs(urlsplit(back).query)
        return html_page(_interests_html(request, sess, _one(q, "station", 40), _one(q, "status", 12), flash=str(e),
                                         error=True), e.status)
    log.info("staff %s moved interest %s to %s", sess.user_id, interest_id[:8], to)
    return _after(back, message)


# --- revealing a full phone or ID number ----------------------------------------------------------

@router.post("/reveal/{kind}/{record_id}/{field}")
async def reveal(kind: str, record_id: str, field: str, request: Request) -> JSONResponse:
    """The full value for the record's own station's staff, and an audit row for every reveal."""
    sess = current_session(request)
    if sess is None:
        return JSONResponse({"error": "login", "message": "请重新登录"}, status_code=401, headers=NO_STORE)
    if not same_origin(request) or not auth.csrf_ok(session_key(request), sess, request.headers.get("x-csrf-token")):
        return JSONResponse({"error": "csrf", "message": "请求来源不对，请刷新页面后再试"}, status_code=403)
    if kind not in REVEALABLE or field not in REVEALABLE[kind][1]:
        return JSONResponse({"error": "not_found", "message": "没有这项内容"}, status_code=404, headers=NO_STORE)
    model = REVEALABLE[kind][0]

    def look() -> tuple[int, dict]:
        with get_database(request).session() as s:
            row = s.get(model, record_id[:36])
            if row is None or not scope.in_scope(s, sess, row.station_id):
                return 404, {"error": "not_found", "message": "没有找到这条记录"}
            if not scope.may_act(sess, row.station_id):
                return 403, {"error": "forbidden", "message": "只有本驿站的工作人员能查看完整号码"}
            value = getattr(row, field) or ""
            audit.record(s, sess, "view_phone" if field == "phone" else "view_id_number", kind, row.id, row.station_id)
            return 200, {"value": value}

    status, body = await run_in_threadpool(look)
    return JSONResponse(body, status_code=status, headers=NO_STORE)


# --- 登记与需求 -----------------------------------------------------------------------------------

def _registrations_html(request: Request, sess: auth.StaffSession, q: dict[str, str], *, flash: str = "",
                        error: bool = False) -> str:
    mine, choices = _scope_choices(request, sess)
    station = q.get("station", "") if q.get("station", "") in mine else ""
    group = q.get("group", "") if q.get("group", "") in registrations.GROUPS else ""
    need = q.get("need", "") if q.get("need", "") in registrations.NEEDS else ""
    followup = q.get("followup", "") if q.get("followup", "") in ("pending", "done") else ""
    viewer = _viewer(request, sess)
    with get_database(request).session() as s:
        rows = registrations.listing(s, [station] if station else mine, group=group, need=need, followup=followup)
        back = "/staff/registrations?" + pages.query(station=station, group=group, need=need, followup=followup)
        return pages.registrations_page(viewer, rows, names=dict(choices), stations=choices,
                                        station=station, group=group, need=need, followup=followup,
                                        can_act=lambda sid: scope.may_act(sess, sid), back=back, flash=flash,
                                        error=error)


@router.get("/registrations")
def registrations_list(request: Request, msg: str = "", err: str = "") -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    q = {k: request.query_params.get(k, "")[:40] for k in ("station", "group", "need", "followup")}
    return html_page(_registrations_html(request, sess, q, flash=msg[:200], error=bool(err)))


@router.post("/registrations/{reg_id}")
async def registrations_follow_up(reg_id: str, request: Request) -> Response:
    form = await _form(request)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    reg_id = reg_id[:36]
    owner = await run_in_threadpool(_record_station, request, Registration, reg_id)
    if owner is None:
        return html_page(_registrations_html(request, sess, {}, flash="没有找到这条登记", error=True), 404)
    if not scope.may_act(sess, owner):
        return await run_in_threadpool(_refuse_other_station, request, sess, "registration", reg_id, owner, "登记回访")
    back = _back(form, "/staff/registrations")

    def apply() -> str:
        with get_database(request).session() as s:
            registrations.follow_up(s, reg_id, [o[:20] for o in form.get("offered", [])][:10], _one(form, "note"),
                                    _version(form), sess.name)
        return f"登记 {reg_id[:8].upper()} 已记为已回访"

    try:
        message = await run_in_threadpool(apply)
    except Refused as e:
        q = {k: _one(parse_qs(urlsplit(back).query), k, 40) for k in ("station", "group", "need", "followup")}
        return html_page(_registrations_html(request, sess, q, flash=str(e), error=True), e.status)
    return _after(back, message)


@router.get("/registrations/rollup")
def registrations_rollup(request: Request, district: str = "") -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    names = _names(request)
    with get_database(request).session() as s:
        mine = scope.stations_in_scope(s, sess)
        dmap = scope.station_districts(s)
        districts = sorted({d for sid, d in dmap.items() if d and sid in mine})
        district = district[:20] if district[:20] in districts and scope.is_city(sess) else ""
        shown = [sid for sid in mine if not district or dmap.get(sid) == district]
        rows = registrations.rollup(s, shown)
    return html_page(pages.rollup_page(_viewer(request, sess), rows, names=names, districts=districts,
                                       district=district))


# --- 好差评 ---------------------------------------------------------------------------------------

def _ratings_html(request: Request, sess: auth.StaffSession, station: str, only_bad: bool, *, flash: str = "",
                  error: bool = False) -> str:
    mine, choices = _scope_choices(request, sess)
    station = station if station in mine else ""
    shown = [station] if station else mine
    viewer = _viewer(request, sess)
    with get_database(request).session() as s:
        rows = ratings.listing(s, shown, only_bad=only_bad)
        names: dict[str, str] = {}
        for sid in {r.station_id for r in rows}:
            names.update(service_names(s, sid))
        today = local_day(datetime.now(UTC).replace(tzinfo=None))
        back = "/staff/ratings?" + pages.query(station=station, bad="1" if only_bad else "")
        return pages.ratings_page(viewer, rows, names=dict(choices), services=names, stations=choices,
                                  station=station, only_bad=only_bad, today=today,
                                  can_act=lambda sid: scope.may_act(sess, sid), back=back, flash=flash, error=error)


@router.get("/ratings")
def ratings_list(request: Request, station: str = "", bad: str = "", msg: str = "", err: str = "") -> Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    return html_page(_ratings_html(request, sess, station[:40], bad == "1", flash=msg[:200], error=bool(err)))


@router.post("/ratings/{rating_id}")
async def ratings_answer(rating_id: str, request: Request) -> Response:
    form = await _form(request)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    rating_id = rating_id[:36]
    owner = await run_in_threadpool(_record_station, request, Rating, rating_id)
    if owner is None:
        return html_page(_ratings_html(request, sess, "", False, flash="没有找到这条评价", error=True), 404)
    if not scope.may_act(sess, owner):
        return await run_in_threadpool(_refuse_other_station, request, sess, "rating", rating_id, owner, "差评回访")
    back = _back(form, "/staff/ratings")

    def apply() -> str:
        with get_database(request).session() as s:
            ratings.answer(s, rating_id, _one(form, "callback"), _one(form, "fix"), _version(form), sess.name)
        return "差评回访已记录"

    try:
        message = await run_in_threadpool(apply)
    except Refused as e:
        q = parse_qs(urlsplit(back).query)
        return html_page(_ratings_html(request, sess, _one(q, "station", 40), _one(q, "bad", 2) == "1", flash=str(e),
                                       error=True), e.status)
    return _after(back, message)


# --- accounts and the audit log (city administrators) ---------------------------------------------

def _city(request: Request) -> auth.StaffSession | Response:
    sess = current_session(request)
    if sess is None:
        return _login()
    if not scope.is_city(sess):
        return html_page(pages.forbidden_page(_viewer(request, sess), "只有市管理员能管理账号和查看审计日志"), 403)
    return sess


def _accounts_html(request: Request, sess: auth.StaffSession, *, flash: str = "", error: bool = False) -> str:
    stations = station_names(get_database(request))
    with get_database(request).session() as s:
        users = list(s.scalars(select(StaffUser).order_by(StaffUser.role.desc(), StaffUser.station_id, StaffUser.name)))
        districts = sorted({d for d in scope.station_districts(s).values() if d})
    return pages.accounts_page(_viewer(request, sess), users, names=dict(stations), stations=stations,
                               districts=districts, me=sess.user_id, flash=flash, error=error)


@router.get("/accounts")
def accounts(request: Request, msg: str = "", err: str = "") -> Response:
    sess = _city(request)
    if isinstance(sess, Response):
        return sess
    return html_page(_accounts_html(request, sess, flash=msg[:200], error=bool(err)))


@router.post("/accounts")
async def accounts_save(request: Request) -> Response:
    form = await _form(request)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    if not scope.is_city(sess):
        return html_page(pages.forbidden_page(_viewer(request, sess), "只有市管理员能管理账号"), 403)
    name, role = _one(form, "name", 40).strip(), _one(form, "role", 10)
    station, district = _one(form, "station", 40), _one(form, "district", 20)
    if role != "staff":
        station = ""
    if role != "district":
        district = ""
    with get_database(request).session() as s:
        known = station == "" or s.get(StationConfig, station) is not None
    try:
        if not known:
            raise ValueError("没有这个驿站")
        new = await run_in_threadpool(auth.add_staff, get_database(request), station, name, _one(form, "password"),
                                      role=role, district=district)
    except ValueError as e:
        words = {"role is": "请选择角色", "the password": "密码至少 4 位", "give a name": "请填写姓名（最多 40 字）",
                 "a station staff": "驿站工作人员要选择驿站", "a district admin": "区管理员要选择区"}
        text = next((v for k, v in words.items() if str(e).startswith(k)), str(e))
        return html_page(_accounts_html(request, sess, flash=text, error=True), 400)
    log.info("account %s (role %s) by city administrator %s", "added" if new else "updated", role, sess.user_id)
    return _after("/staff/accounts", f"已{'新建' if new else '更新'}账号 {name}")


@router.post("/accounts/{user_id}/{action}")
async def accounts_enable(user_id: int, action: str, request: Request) -> Response:
    form = await _form(request)
    sess = _checked(request, form)
    if isinstance(sess, Response):
        return sess
    if not scope.is_city(sess):
        return html_page(pages.forbidden_page(_viewer(request, sess), "只有市管理员能管理账号"), 403)
    if action not in ("enable", "disable"):
        return html_page(_accounts_html(request, sess, flash="没有这个操作", error=True), 404)
    if action == "disable" and user_id == sess.user_id:
        return html_page(_accounts_html(request, sess, flash="不能停用自己的账号", error=True), 400)
    row = await run_in_threadpool(auth.set_enabled, get_database(request), user_id, action == "enable")
    if row is None:
        return html_page(_accounts_html(request, sess, flash="没有这个账号", error=True), 404)
    log.info("account %s %sd by city administrator %s", user_id, action, sess.user_id)
    return _after("/staff/accounts", f"账号 {row.name} 已{'启用' if action == 'enable' else '停用，它的登录已全部结束'}")


@router.get("/audit")
def audit_log(request: Request, action: str = "", user: str = "") -> Response:
    sess = _city(request)
    if isinstance(sess, Response):
        return sess
    with get_database(request).session() as s:
        rows = audit.recent(s, action=action[:40], user=user[:40])
    return html_page(pages.audit_page(_viewer(request, sess), rows, names=_names(request), action=action[:40],
                                      user=user[:40]))


@router.get("/office")
def office(request: Request) -> Response:
    return RedirectResponse("/staff/interests", status_code=303)
