"""The advisor console under ``/advisor/``: login, the console page and its JSON API (status,
the pool's waiting list, accept, the kiosk's offer, the answer, outcome, end).

Sessions work like the staff console's (central/staff_auth.py): a signed ``HttpOnly``,
``SameSite=Strict`` cookie, and a CSRF token on every state-changing request. An advisor only
ever sees requests of their own pool.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from central import advisor_pages as pages
from central import callbacks, consult, sessions
from central.db import Database
from central.deps import DatabaseDep, SessionDep, get_database
from central.events import storable
from central.login_guard import client_address, login_guard, wait_text
from central.models import StationConfig
from central.staff_auth import server_secret
from central.tls import secure_cookies
from central.web import NO_STORE, html_page, same_origin

log = logging.getLogger("central.advisor")

COOKIE = "jincai_advisor"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SESSION_HOURS = 12
router = APIRouter(prefix="/advisor", include_in_schema=False)


@dataclass(frozen=True)
class AdvisorSession:
    advisor_id: int
    expires: float
    token: str  # the raw cookie value
    sid: str = ""  # the server-side session's token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _key(request: Request) -> bytes:
    key = getattr(request.app.state, "advisor_key", None)
    if key is None:
        key = request.app.state.advisor_key = hashlib.sha256(b"advisor:" + server_secret(get_database(request))).digest()
    return key


def _sign(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def make_cookie(key: bytes, advisor_id: int, sid: str = "") -> str:
    """``sid``: the token of the server-side session (``sessions.open_session``)."""
    body = _b64(json.dumps({"a": advisor_id, "e": int(time.time() + SESSION_HOURS * 3600),
                            "j": sid or secrets.token_hex(16)}, separators=(",", ":")).encode())
    return f"{body}.{_sign(key, body)}"


def _session(request: Request) -> AdvisorSession | None:
    value = request.cookies.get(COOKIE)
    if not value or "." not in value or len(value) > 1000:
        return None
    body, sig = value.rsplit(".", 1)
    if not hmac.compare_digest(sig, _sign(_key(request), body)):
        return None
    try:
        d = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        sess = AdvisorSession(int(d["a"]), float(d["e"]), value, str(d.get("j", "")))
    except (ValueError, KeyError, TypeError):
        return None
    if sess.expires <= time.time() or not sessions.alive(get_database(request), "advisor", sess.advisor_id, sess.sid):
        return None
    return sess


def _csrf(request: Request, sess: AdvisorSession) -> str:
    return _sign(_key(request), "csrf:" + sess.token)


def _csrf_ok(request: Request, sess: AdvisorSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(sent, _csrf(request, sess))


def _json(body: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=NO_STORE)


# --- login ------------------------------------------------------------------------------------

@router.get("/login")
def login_form(expired: str = "") -> HTMLResponse:
    return html_page(pages.login_page(error="登录已过期，请重新登录" if expired else ""))


@router.post("/login")
async def login_submit(request: Request, db: DatabaseDep) -> Response:
    body = await request.body()
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")[:4000]).items()}
    name, password = form.get("login", "").strip()[:40], form.get("password", "")[:200]
    if not same_origin(request):
        return html_page(pages.login_page(login=name, error="请从本系统的登录页登录"), 403)
    guard, address = login_guard(request), client_address(request)
    wait = guard.attempt(address) or guard.blocked(address, name)
    if wait:
        log.info("advisor login throttled")
        resp = html_page(pages.login_page(login=name, error=wait_text(wait)), 429)
        resp.headers["Retry-After"] = str(int(wait) + 1)
        return resp
    if not (name and password) or not storable(name):
        return html_page(pages.login_page(login="", error="请填写账号和密码"), 400)

    def do() -> int | str:
        with db.session() as s:
            got = consult.login(s, name, password)
            if isinstance(got, str):
                return got
            got.last_seen_at = consult._now()
            if got.status == "offline":
                got.status, got.status_at = "available", consult._now()
            return got.id

    got = await run_in_threadpool(do)
    if isinstance(got, str):
        guard.failed(address, name)
        log.info("advisor login refused")
        return html_page(pages.login_page(login=name, error=got), 401)
    guard.succeeded(address, name)
    sid = await run_in_threadpool(sessions.open_session, db, "advisor", got, SESSION_HOURS)
    resp = RedirectResponse("/advisor/", status_code=303)
    resp.set_cookie(COOKIE, make_cookie(_key(request), got, sid), max_age=SESSION_HOURS * 3600, httponly=True,
                    samesite="strict", secure=secure_cookies(request), path="/advisor")
    log.info("advisor %s logged in", got)
    return resp


def _go_offline(db: Database, advisor_id: int) -> None:
    with db.session() as s:
        adv = s.get(consult.Advisor, advisor_id)
        if adv is None:
            return
        call = consult.current_call(s, adv)
        if call is not None:
            consult._finish(s, call, "ended", "advisor_left", consult._now())
        adv.status, adv.status_at = "offline", consult._now()


@router.post("/logout")
async def logout(request: Request, db: DatabaseDep) -> Response:
    sess = _session(request)
    body = await request.body()
    sent = (parse_qs(body.decode("utf-8", "replace")[:2000]).get("csrf") or [""])[0]
    if sess is not None:
        if not _csrf_ok(request, sess, sent or request.headers.get("x-csrf-token")):
            return html_page(pages.advisor_page("退出", "<p>请从工作台的“退出”按钮退出。</p>"), 403)
        await run_in_threadpool(_go_offline, db, sess.advisor_id)
        await run_in_threadpool(sessions.close, db, sess.sid)
    resp = RedirectResponse("/advisor/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/advisor")
    return resp


@router.post("/api/leave")
async def leave(request: Request, db: DatabaseDep) -> Response:
    """The page was closed (``sendBeacon`` on ``pagehide``): the advisor is offline and any call ends."""
    sess = _session(request)
    raw = await request.body()
    try:
        sent = json.loads(raw[:2000] or b"{}").get("csrf")
    except (ValueError, AttributeError):
        sent = None
    if sess is None or not _csrf_ok(request, sess, sent):
        return _json({"error": "csrf"}, 403)
    await run_in_threadpool(_go_offline, db, sess.advisor_id)
    return _json({"ok": True})


# --- the console ------------------------------------------------------------------------------

def ice_servers(request: Request) -> list[dict]:
    """STUN/TURN servers for the advisors' browsers (``create_app(..., ice_servers=...)``)."""
    return list(getattr(request.app.state, "ice_servers", []) or [])


@router.get("/")
def console(request: Request, s: SessionDep) -> Response:
    sess = _session(request)
    if sess is None:
        return RedirectResponse("/advisor/login", status_code=303)
    adv = consult.seen(s, sess.advisor_id)
    if adv is None:
        return RedirectResponse("/advisor/login", status_code=303)
    name, pool = adv.display_name, adv.pool
    return html_page(pages.console_page(name=name, pool=pool, csrf=_csrf(request, sess),
                                    ice_json=json.dumps(ice_servers(request), ensure_ascii=False),
                                    outcomes_json=json.dumps(consult.OUTCOMES, ensure_ascii=False)))


@router.get("")
def console_slash() -> Response:
    return RedirectResponse("/advisor/", status_code=307)


def _station_name(s, station_id: str) -> str:  # noqa: ANN001
    row = s.get(StationConfig, station_id)
    return str((row.config or {}).get("name") or station_id) if row is not None else station_id


def _state(s, adv: consult.Advisor) -> dict:  # noqa: ANN001
    call = consult.current_call(s, adv)
    last = consult.last_call(s, adv)
    return {"name": adv.display_name, "pool": adv.pool, "status": adv.status,
            "callbacks_open": len(callbacks.for_pool(s, adv.pool)[0]),
            "waiting": consult.waiting_list(s, adv),
            "call": consult.call_view(call, _station_name(s, call.station_id)) if call else None,
            "last": consult.call_view(last, _station_name(s, last.station_id)) if last else None}


# --- 回电申请 -------------------------------------------------------------------------------------
# A page of its own (opened from the console in a new tab, so the video console stays online),
# plain form posts with the session's CSRF token. Reading it does not count as the console polling.

def _advisor(s, sess: AdvisorSession) -> consult.Advisor | None:  # noqa: ANN001
    adv = s.get(consult.Advisor, sess.advisor_id)
    return adv if adv is not None and adv.enabled else None


def _callbacks_page(db: Database, request: Request, sess: AdvisorSession, *, message: str = "", error: str = "",
                    status: int = 200) -> Response:
    with db.session() as s:
        adv = _advisor(s, sess)
        if adv is None:
            return RedirectResponse("/advisor/login", status_code=303)
        open_rows, closed = callbacks.for_pool(s, adv.pool)
        return html_page(pages.callbacks_page(name=adv.display_name, pool=adv.pool, csrf=_csrf(request, sess),
                                          open_rows=open_rows, closed=closed, stations=callbacks.station_names(s),
                                          message=message, error=error), status)


_DONE_RE = re.compile(r"^(HD-[A-Z0-9]{4,10})\.(done|unreachable)$")


@router.get("/callbacks")
def callbacks_list(request: Request, db: DatabaseDep, done: str = "") -> Response:
    sess = _session(request)
    if sess is None:
        return RedirectResponse("/advisor/login", status_code=303)
    m = _DONE_RE.match(done[:40])
    message = f"{m.group(1)} 已标记为“{callbacks.STATUS_NAMES[m.group(2)]}”" if m else ""
    return _callbacks_page(db, request, sess, message=message)


@router.post("/callbacks/{request_id}")
async def callbacks_handle(request: Request, request_id: str, db: DatabaseDep) -> Response:
    sess = _session(request)
    if sess is None:
        return RedirectResponse("/advisor/login?expired=1", status_code=303)
    body = await request.body()
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")[:4000]).items()}
    if not same_origin(request) or not _csrf_ok(request, sess, form.get("csrf")):
        return await run_in_threadpool(lambda: _callbacks_page(
            db, request, sess, error="请求来源不对，请刷新页面后再试", status=403))
    note = form.get("note", "")[:500]
    if not _UUID.match(request_id) or not storable(note):
        return await run_in_threadpool(lambda: _callbacks_page(db, request, sess, error="没有找到这个回电申请",
                                                               status=404))

    def do() -> Response:
        try:
            with db.session() as s:
                adv = _advisor(s, sess)
                if adv is None:
                    return RedirectResponse("/advisor/login", status_code=303)
                row = callbacks.handle(s, adv.pool, adv.id, adv.display_name, request_id,
                                       form.get("action", ""), note)
                ref, status = row.reference, row.status
        except callbacks.Refused as e:
            return _callbacks_page(db, request, sess, error=e.message, status=e.status)
        return RedirectResponse(f"/advisor/callbacks?done={ref}.{status}", status_code=303)

    return await run_in_threadpool(do)


def _need_login() -> JSONResponse:
    return _json({"error": "login", "message": "请重新登录"}, 401)


@router.get("/api/state")
def api_state(request: Request, s: SessionDep) -> JSONResponse:
    sess = _session(request)
    if sess is None:
        return _need_login()
    adv = consult.seen(s, sess.advisor_id)
    if adv is None:
        return _need_login()
    return _json(_state(s, adv))


@router.get("/api/calls/{request_id}/offer")
def api_offer(request: Request, request_id: str, db: DatabaseDep) -> JSONResponse:
    sess = _session(request)
    if sess is None:
        return _need_login()
    if not _UUID.match(request_id):
        return _json({"error": "not_found", "message": "没有这个通话"}, 404)
    try:
        with db.session() as s:
            adv = consult.seen(s, sess.advisor_id)
            if adv is None:
                return _need_login()
            req = consult.advisor_request(s, adv, request_id)
            return _json({"offer_gen": req.offer_gen, "sdp": req.offer_sdp, "state": req.state})
    except consult.Refused as e:
        return _json({"error": e.code, "message": e.message}, e.status)


ACTIONS = ("status", "accept", "answer", "end", "outcome")


@router.post("/api/{action}")
@router.post("/api/calls/{request_id}/{action}")
async def api_action(request: Request, action: str, db: DatabaseDep, request_id: str = "") -> JSONResponse:
    sess = _session(request)
    if sess is None:
        return _need_login()
    if not same_origin(request) or not _csrf_ok(request, sess, request.headers.get("x-csrf-token")):
        return _json({"error": "csrf", "message": "请求来源不对，请刷新页面后再试"}, 403)
    if action not in ACTIONS:
        return _json({"error": "not_found", "message": f"没有这个操作：{action[:40]}"}, 404)
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}") if len(raw) <= 100_000 else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _json({"error": "invalid_request", "message": "请求内容不对"}, 400)
    if request_id and not _UUID.match(request_id):
        return _json({"error": "not_found", "message": "没有这个通话"}, 404)
    return await run_in_threadpool(_do, db, sess.advisor_id, action, request_id, body)


def _text(body: dict, key: str, limit: int) -> str:
    v = body.get(key)
    return str(v)[:limit] if isinstance(v, str) and storable(v) else ""


def _do(db: Database, advisor_id: int, action: str, request_id: str, body: dict) -> JSONResponse:
    try:
        with db.session() as s:
            adv = consult.seen(s, advisor_id)
            if adv is None:
                return _need_login()
            if action == "status":
                consult.set_status(s, adv, _text(body, "status", 12))
            elif action == "accept":
                consult.accept(s, adv, _text(body, "request_id", 36) or None)
            else:
                if not request_id:
                    return _json({"error": "not_found", "message": "没有这个通话"}, 404)
                req = consult.advisor_request(s, adv, request_id)
                if action == "answer":
                    gen = body.get("generation")
                    if not isinstance(gen, int) or isinstance(gen, bool):
                        raise consult.Refused(400, "invalid_request", "缺少 generation")
                    consult.post_answer(s, req, _text(body, "sdp", 60_001), gen)
                elif action == "end":
                    consult.advisor_end(s, adv, req, _text(body, "outcome", 20), _text(body, "note", 500))
                else:  # outcome
                    outcome = _text(body, "outcome", 20)
                    if not outcome:
                        raise consult.Refused(400, "invalid_request", "请选择咨询结果")
                    consult.advisor_end(s, adv, req, outcome, _text(body, "note", 500))
            s.flush()
            return _json({"ok": True, "state": _state(s, adv)})
    except consult.Refused as e:
        return _json({"ok": False, "error": e.code, "message": e.message}, e.status)
