"""The staff console under ``/staff/``: login per counter, the console page and its JSON API,
and the statistics page with its CSV export. Mounted by ``create_app`` with ``include_router``.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from central import sessions, staff_stats, tickets
from central import staff_auth as auth
from central import staff_pages as pages
from central.console import COOKIE, current_session, session_key, station_names
from central.db import Database
from central.deps import get_database
from central.login_guard import client_address, login_guard, wait_text
from central.tls import secure_cookies
from central.web import NO_STORE, html_page, same_origin

log = logging.getLogger("central.staff")

#: what the login form's station field says for a district or city administrator without a station
ADMIN_STATION = "-"

router = APIRouter(prefix="/staff", include_in_schema=False)


# --- login ------------------------------------------------------------------------------------

@router.get("/login")
def login_form(request: Request, station: str = "", counter: str = "", expired: str = "") -> HTMLResponse:
    error = "登录已过期，请重新登录" if expired else ""
    return html_page(pages.login_page(station_names(get_database(request)), station=station[:40], counter=counter[:20], error=error))


@router.post("/login")
async def login_submit(request: Request) -> Response:
    body = await request.body()
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")[:4000]).items()}
    station, counter = form.get("station", "").strip()[:40], form.get("counter", "").strip()[:20]
    account_station = "" if station == ADMIN_STATION else station
    name, password = form.get("name", "").strip()[:40], form.get("password", "")[:200]
    db = get_database(request)

    def again(message: str, status: int = 400) -> HTMLResponse:
        return html_page(pages.login_page(station_names(db), station=station, counter=counter, name=name, error=message),
                     status)

    if not same_origin(request):
        return again("请从本系统的登录页登录", 403)
    guard, address, who = login_guard(request), client_address(request), f"{account_station}\n{name}"
    wait = guard.attempt(address) or guard.blocked(address, who)
    if wait:
        log.info("staff login throttled: station %s counter %s", station, counter)
        resp = again(wait_text(wait), 429)
        resp.headers["Retry-After"] = str(int(wait) + 1)
        return resp
    if not (station and name and password):
        return again("请填写驿站、姓名和密码")
    from starlette.concurrency import run_in_threadpool

    try:
        user = await run_in_threadpool(auth.login, db, account_station, name, password)
    except auth.LoginFailed as e:
        guard.failed(address, who)
        log.info("staff login refused: station %s counter %s", station, counter)
        return again(str(e), 401)
    guard.succeeded(address, who)
    if not user.station_id:
        counter = ""  # an administrator without a station has no counter
    if counter:
        await run_in_threadpool(_open_counter, db, station, counter, user.name)
    sid = await run_in_threadpool(sessions.open_session, db, "staff", user.id, auth.SESSION_HOURS)
    cookie = auth.make_cookie(session_key(request), user, counter, sid=sid)
    resp = RedirectResponse("/staff/" if counter else "/staff/interests", status_code=303)
    resp.set_cookie(COOKIE, cookie, max_age=auth.SESSION_HOURS * 3600, httponly=True, samesite="strict",
                    secure=secure_cookies(request), path="/staff")
    log.info("staff %s logged in at station %s counter %s", user.id, station, counter)
    return resp


def _open_counter(db: Database, station: str, counter: str, staff: str) -> None:
    with db.session() as s:
        row = tickets.ensure_counter(s, station, counter, staff)
        row.staff = staff


@router.post("/logout")
async def logout(request: Request) -> Response:
    sess = current_session(request)
    body = await request.body()
    sent = (parse_qs(body.decode("utf-8", "replace")[:2000]).get("csrf") or [""])[0]
    if sess is not None and not auth.csrf_ok(session_key(request), sess, sent or request.headers.get("x-csrf-token")):
        return html_page(pages.page("退出", "<p>请从工作台的“退出”按钮退出。</p>"), 403)
    if sess is not None:
        sessions.close(get_database(request), sess.sid)  # the cookie is dead even if a copy of it is kept
    resp = RedirectResponse(f"/staff/login?{urlencode({'station': sess.station_id, 'counter': sess.counter})}"
                            if sess else "/staff/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/staff")
    return resp


# --- the console ------------------------------------------------------------------------------

@router.get("/")
def console(request: Request) -> Response:
    sess = current_session(request)
    if sess is None:
        return RedirectResponse("/staff/login", status_code=303)
    if not sess.counter:
        return RedirectResponse("/staff/interests", status_code=303)
    with get_database(request).session() as s:
        name = tickets.station_name(s, sess.station_id)
    return html_page(pages.console_page(station_name=name, counter=sess.counter, staff_name=sess.name,
                                    csrf=auth.csrf_token(session_key(request), sess)))


@router.get("")
def console_slash() -> Response:
    return RedirectResponse("/staff/", status_code=307)


def _need_login() -> JSONResponse:
    return JSONResponse({"error": "login", "message": "请重新登录"}, status_code=401, headers=NO_STORE)


@router.get("/api/state")
def api_state(request: Request) -> JSONResponse:
    sess = current_session(request)
    if sess is None:
        return _need_login()
    with get_database(request).session() as s:
        state = tickets.console_state(s, sess.station_id, sess.counter)
    state["staff"] = sess.name
    return JSONResponse(state, headers=NO_STORE)


ACTIONS = ("call-next", "call", "recall", "no-show", "start", "finish", "transfer", "requeue", "priority",
           "services", "help-ack")


@router.post("/api/{action}")
async def api_action(action: str, request: Request) -> JSONResponse:
    sess = current_session(request)
    if sess is None:
        return _need_login()
    if not same_origin(request) or not auth.csrf_ok(session_key(request), sess, request.headers.get("x-csrf-token")):
        return JSONResponse({"error": "csrf", "message": "请求来源不对，请刷新页面后再试"}, status_code=403)
    if action not in ACTIONS:
        return JSONResponse({"error": "not_found", "message": f"没有这个操作：{action[:40]}"}, status_code=404)
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}") if len(raw) <= 10_000 else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JSONResponse({"error": "invalid_request", "message": "请求内容不对"}, status_code=400)
    from starlette.concurrency import run_in_threadpool

    status, reply = await run_in_threadpool(_do, get_database(request), sess, action, body)
    return JSONResponse(reply, status_code=status, headers=NO_STORE)


def _str(body: dict, key: str, limit: int = 40) -> str | None:
    v = body.get(key)
    return str(v)[:limit] if isinstance(v, (str, int)) and str(v) else None


def _do(db: Database, sess: auth.StaffSession, action: str, body: dict) -> tuple[int, dict]:
    if not auth.account_enabled(db, sess.user_id):
        return 401, {"error": "login", "message": "账号已停用"}
    st, ctr, who, tid = sess.station_id, sess.counter, sess.name, _str(body, "ticket_id")
    codes = body.get("services")
    codes = [str(c)[:40] for c in codes if isinstance(c, str)][:50] if isinstance(codes, list) else None
    try:
        with db.session() as s:
            if action == "call-next":
                out = tickets.call_next(s, st, ctr, who)
            elif action == "call":
                if not tid:
                    raise tickets.Refused("请选择一个号")
                out = tickets.call_ticket(s, st, ctr, tid, who)
            elif action == "recall":
                out = tickets.recall(s, st, ctr, who, ticket_id=tid)
            elif action == "no-show":
                out = tickets.no_show(s, st, ctr, who, ticket_id=tid)
            elif action == "start":
                out = tickets.start(s, st, ctr, who, ticket_id=tid)
            elif action == "finish":
                out = tickets.finish(s, st, ctr, who, services=codes, ticket_id=tid)
            elif action == "transfer":
                to = _str(body, "to")
                if not to:
                    raise tickets.Refused("请选择要转到的业务")
                out = tickets.transfer(s, st, ctr, to, who, ticket_id=tid)
            elif action == "priority":
                if not tid:
                    raise tickets.Refused("请选择一个号")
                out = tickets.mark_priority(s, st, ctr, tid, _str(body, "group") or "",
                                            _str(body, "note", 200) or "", who)
            elif action == "requeue":
                if not tid:
                    raise tickets.Refused("请选择一个号")
                out = tickets.requeue(s, st, ctr, tid, who)
            elif action == "help-ack":
                from central import help_calls

                try:
                    help_calls.acknowledge(s, st, _str(body, "help_id", 36) or "", who, ctr)
                except help_calls.Refused as e:
                    raise tickets.Refused(str(e)) from None
                out = tickets.Outcome(None, "已告诉终端前的居民：工作人员马上就到", changed=True)
            else:  # services
                kept = tickets.set_counter_services(s, st, ctr, codes or [])
                out = tickets.Outcome(None, "已保存：" + ("办理全部业务" if not kept else f"办理 {len(kept)} 项业务"))
            ticket = out.ticket.id if out.ticket else None
        status, reply = 200, {"ok": True, "changed": out.changed, "message": out.message, "ticket_id": ticket}
    except tickets.Refused as e:
        status, reply = 409, {"ok": False, "changed": False, "message": str(e)}
    with db.session() as s:
        reply["state"] = tickets.console_state(s, st, ctr)
    return status, reply


# --- 上门服务 / 代理服务 ---------------------------------------------------------------------------

@router.get("/requests")
def requests_list(request: Request, msg: str = "", err: str = "") -> Response:
    from central import service_requests

    sess = current_session(request)
    if sess is None:
        return RedirectResponse("/staff/login", status_code=303)
    from central import scope

    names = dict(station_names(get_database(request)))
    with get_database(request).session() as s:
        name = tickets.station_name(s, sess.station_id) if sess.station_id else "区/市管理员"
        mine = scope.stations_in_scope(s, sess)
        rows = service_requests.station_requests(s, mine)
        page_html = pages.requests_page(rows=rows, station_name=name, staff_name=sess.name,
                                        csrf=auth.csrf_token(session_key(request), sess), message=msg[:200], error=bool(err),
                                        own_station=sess.station_id,
                                        names=names if len(mine) > 1 else None)
    return html_page(page_html)


@router.post("/requests/{request_id}")
async def requests_change(request_id: str, request: Request) -> Response:
    from datetime import datetime

    from starlette.concurrency import run_in_threadpool

    from central import service_requests

    sess = current_session(request)
    if sess is None:
        return RedirectResponse("/staff/login", status_code=303)
    body = await request.body()
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")[:4000]).items()}
    if not same_origin(request) or not auth.csrf_ok(session_key(request), sess, form.get("csrf")):
        return html_page(pages.page("上门/代办", "<p>请求来源不对，请刷新页面后再试。</p>"), 403)
    if not auth.account_enabled(get_database(request), sess.user_id):
        return RedirectResponse("/staff/login", status_code=303)
    from central.models import ServiceRequestRow
    from central.office.routes import _record_station, _refuse_other_station

    owner = await run_in_threadpool(_record_station, request, ServiceRequestRow, request_id)
    if owner is not None and owner != sess.station_id:
        return await run_in_threadpool(_refuse_other_station, request, sess, "service_request", request_id[:36],
                                       owner, f"上门/代办 {form.get('action', '')[:10]}")
    when = None
    if form.get("date") and form.get("time"):
        try:
            when = datetime.fromisoformat(f"{form['date'][:10]}T{form['time'][:5]}")
        except ValueError:
            when = None

    def apply() -> str:
        with get_database(request).session() as s:
            row = service_requests.change(s, sess.station_id, request_id[:36], form.get("action", ""), sess.name,
                                          when=when, staff=form.get("staff", "")[:20], note=form.get("note", ""))
            return f"申请 {row.reference} 已改为“{service_requests.STATUS_NAMES[row.status]}”"

    try:
        message = await run_in_threadpool(apply)
    except service_requests.Refused as e:
        log.info("request change refused at station %s: %s", sess.station_id, e)
        return RedirectResponse("/staff/requests?" + urlencode({"msg": str(e), "err": "1"}), status_code=303)
    log.info("staff %s changed a request at station %s (%s)", sess.user_id, sess.station_id, form.get("action", ""))
    return RedirectResponse("/staff/requests?" + urlencode({"msg": message}), status_code=303)


# --- statistics -------------------------------------------------------------------------------

def _range(first: str, last: str) -> tuple[date, date]:
    today = tickets.local_day(tickets.utcnow())
    try:
        d1 = date.fromisoformat(first) if first else today
    except ValueError:
        d1 = today
    try:
        d2 = date.fromisoformat(last) if last else d1
    except ValueError:
        d2 = d1
    if d2 < d1:
        d1, d2 = d2, d1
    if (d2 - d1).days >= staff_stats.MAX_DAYS:
        d1 = d2 - timedelta(days=staff_stats.MAX_DAYS - 1)
    return d1, d2


def _stats_scope(s, sess: auth.StaffSession, station: str) -> str | list[str] | None:  # noqa: ANN001
    """Staff see their own station; a district administrator one or all of the district's; a city
    administrator one or all (None: every station, including ones central has no config for)."""
    from central import scope

    if station:
        return station if scope.in_scope(s, sess, station) else sess.station_id or []
    if scope.is_city(sess):
        return None
    return scope.stations_in_scope(s, sess)


def _stats_request(request: Request, station: str):  # noqa: ANN202
    """The signed-in staff member, the date range, the station scope and its table rows (None: not signed in)."""
    sess = current_session(request)
    if sess is None:
        return None
    q = request.query_params
    d1, d2 = _range(q.get("from", ""), q.get("to", ""))
    with get_database(request).session() as s:
        scope = _stats_scope(s, sess, station[:40])
        rows = staff_stats.table(s, d1, d2, scope)
    return sess, d1, d2, scope, rows


@router.get("/stats")
def stats(request: Request, station: str = "") -> Response:
    got = _stats_request(request, station)
    if got is None:
        return RedirectResponse("/staff/login", status_code=303)
    sess, d1, d2, scope, rows = got
    one = scope if isinstance(scope, str) else ""
    params = {"from": d1.isoformat(), "to": d2.isoformat(), **({"station": one} if one and sess.is_admin else {})}
    with get_database(request).session() as s:
        from central import scope as scopes

        mine = set(scopes.stations_in_scope(s, sess))
    return html_page(pages.stats_page(rows=rows, totals=staff_stats.totals(rows), first=d1.isoformat(), last=d2.isoformat(),
                                  station=one, stations=[x for x in station_names(get_database(request)) if x[0] in mine]
                                  if sess.is_admin else [],
                                  admin=sess.is_admin, csv_href="/staff/stats.csv?" + urlencode(params)))


@router.get("/stats.csv")
def stats_csv(request: Request, station: str = "") -> Response:
    got = _stats_request(request, station)
    if got is None:
        return RedirectResponse("/staff/login", status_code=303)
    sess, d1, d2, scope, rows = got
    name = f"jincai-stats-{scope if isinstance(scope, str) else 'all'}-{d1:%Y%m%d}-{d2:%Y%m%d}.csv"
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return Response(staff_stats.to_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'})
