"""The appointment's pages: the resident's phone page (by capability token) and the staff's
今日预约 (under ``/staff/``, the console's login, CSRF and look).

The phone page's link holds a random token of at least 128 bits; central keeps only its SHA-256,
so neither the reference code nor the database opens the page. Its cancel is a POST with a CSRF
value derived from the token (HMAC under the server's key) and a same-origin check; it is
idempotent and says so when the booking was already cancelled.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from datetime import date, timedelta
from html import escape
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from central import appointment_phone as phone
from central import appointments as appts
from central import staff_auth as auth
from central import staff_pages, tickets
from central.console import current_session, session_key
from central.db import Database
from central.deps import get_database
from central.models import APPOINTMENT_STATUSES, AppointmentRow, FeedItem, StationConfig
from central.web import html_page, same_origin
from kiosk.domain.privacy import mask_id_number, mask_name

log = logging.getLogger("central.appointments")

public_router = APIRouter(include_in_schema=False)
staff_router = APIRouter(prefix="/staff", include_in_schema=False)

MAX_FORM_BYTES = 2000
TOKEN_RE = re.compile(r"^[0-9a-fA-F]{32,64}$")
#: what a personal phone page answers with: never cached, never indexed, the token never leaks in a Referer
PHONE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer",
                 "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                                            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"}


def _phone(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=PHONE_HEADERS)


def _csrf(key: bytes, token: str) -> str:
    return hmac.new(key, b"appointment-cancel:" + appts.token_hash(token).encode(), hashlib.sha256).hexdigest()[:40]


def _station(s, station_id: str) -> tuple[str, str, str]:  # noqa: ANN001
    """Name, address and phone of a station: its feed entry, else its config."""
    item = s.get(FeedItem, ("stations", station_id))
    data = dict(item.data) if item is not None and not item.deleted else {}
    cfg = s.get(StationConfig, station_id)
    name = data.get("name") or ((cfg.config or {}).get("name") if cfg else "") or station_id
    return str(name), str(data.get("address") or ""), str(data.get("phone") or "")


def _view(s, row: AppointmentRow) -> phone.AppointmentView:  # noqa: ANN001
    name, address, tel = _station(s, row.station_id)
    who = " · ".join(x for x in (mask_name(row.name) if row.name else "",
                                 mask_id_number(row.id_number) if row.id_number else "") if x)
    return phone.AppointmentView(
        reference=row.reference, service_name=row.service_name or row.service, starts_at=row.starts_at,
        station_name=name, station_address=address, station_phone=tel, who=who or "—", status=row.status,
        status_text=APPOINTMENT_STATUSES.get(row.status, row.status),
        can_cancel=row.status == "booked" and row.starts_at > appts.local_now())


def _find(db: Database, token: str) -> tuple[AppointmentRow, phone.AppointmentView] | None:
    if not TOKEN_RE.match(token):
        return None
    with db.session() as s:
        row = appts.by_token(s, token.lower())
        return (row, _view(s, row)) if row is not None else None


# --- the resident's phone page ------------------------------------------------------------------

@public_router.get("/appointments/{token}")
def appointment_page(token: str, request: Request) -> HTMLResponse:
    found = _find(get_database(request), token)
    if found is None:
        return _phone(phone.not_found_page(), 404)
    return _phone(phone.appointment_page(found[1], f"/appointments/{token.lower()}/cancel"))


@public_router.get("/appointments/{token}/cancel")
def cancel_confirm(token: str, request: Request) -> Response:
    found = _find(get_database(request), token)
    if found is None:
        return _phone(phone.not_found_page(), 404)
    token = token.lower()
    view = found[1]
    if not view.can_cancel:
        return _phone(phone.appointment_page(view, "", _not_cancellable(view), "warn"))
    return _phone(phone.confirm_page(view, f"/appointments/{token}/cancel", f"/appointments/{token}",
                                     _csrf(session_key(request), token)))


def _from_the_page(request: Request) -> bool:
    """A post from the page itself. Under ``Referrer-Policy: no-referrer`` browsers send
    ``Origin: null``, so the fetch metadata decides where there is one; the CSRF value derived
    from the token is what a forger cannot make either way."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    return request.headers.get("origin") in (None, "null") or same_origin(request)


def _not_cancellable(view: phone.AppointmentView) -> str:
    if view.status == "cancelled":
        return "这个预约已经取消了，不需要再取消。"
    if view.status == "arrived":
        return "您已经到场签到，这个预约不能再取消。"
    if view.status == "no_show":
        return "预约时间已过（未到场），不能再取消。"
    return "预约时间已到或已过，不能在手机上取消，请联系驿站。"


@public_router.post("/appointments/{token}/cancel")
async def cancel_submit(token: str, request: Request) -> Response:
    db = get_database(request)
    found = await run_in_threadpool(_find, db, token)
    if found is None:
        return _phone(phone.not_found_page(), 404)
    token = token.lower()
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM_BYTES:  # refused before it is read
        return _phone(phone.refused_page("请求内容太长。请回到预约页面再试。"), 413)
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        return _phone(phone.refused_page("请求内容太长。请回到预约页面再试。"), 413)
    sent = (parse_qs(raw.decode("utf-8", "replace")).get("csrf") or [""])[0]
    if not _from_the_page(request) or not hmac.compare_digest(sent, _csrf(session_key(request), token)):
        return _phone(phone.refused_page("请求来源不对。请重新扫描预约单上的二维码，再点“取消预约”。"), 403)

    def do() -> tuple[bool, phone.AppointmentView]:
        with db.session() as s:
            row = appts.by_token(s, token)
            view = _view(s, row)
            if not view.can_cancel:
                return False, view
            changed = appts.cancel(s, row, "resident")
            return changed, _view(s, row)

    changed, view = await run_in_threadpool(do)
    if changed:
        log.info("appointment %s cancelled from its phone page", view.reference)
        return _phone(phone.appointment_page(view, "", "预约已取消，名额已让给其他居民。", "ok"))
    return _phone(phone.appointment_page(view, "", _not_cancellable(view), "warn"))


# --- 今日预约 on the staff console ---------------------------------------------------------------

STAFF_CSS = """
.appts{padding:14px 18px;display:grid;gap:12px}
.appt{display:grid;grid-template-columns:88px minmax(0,1fr) auto;gap:6px 16px;align-items:center}
.appt .t{font-size:28px;font-weight:800;color:#0b4f8a}
.appt .what{font-size:20px;font-weight:700}
.appt .who{color:#44505e;font-size:18px}
.appt .acts{display:flex;gap:10px;flex-wrap:wrap;justify-content:flex-end}
.appt .acts form{margin:0}
.appt .acts button{min-height:52px;min-width:104px;font-size:20px;font-weight:700;border:none;border-radius:10px;color:#fff;
 cursor:pointer;font-family:inherit}
.appt .b-arrived{background:#1b8a3a}.appt .b-no_show{background:#b03a2e}
.appt.st-cancelled{opacity:.6}
.badge.st-booked{background:#dbe9fb;color:#0b4f8a}.badge.st-arrived{background:#d3f3dc;color:#17672f}
.badge.st-no_show{background:#fff1b8;color:#7a5a00}.badge.st-cancelled{background:#e3e8ef;color:#5a6878}
.daybar{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:center;padding:14px 18px 0;font-size:19px}
.daybar a{display:inline-flex;align-items:center;min-height:46px;padding:6px 14px;border:1px solid #b8c4d2;border-radius:10px;
 background:#fff;text-decoration:none}
.daybar .counts{margin-left:auto;color:#44505e}
@media (max-width:760px){.appt{grid-template-columns:72px minmax(0,1fr)}.appt .acts{grid-column:1/-1;justify-content:stretch}
 .appt .acts form{flex:1}.appt .acts button{width:100%}}
"""


def _appt_card(r: AppointmentRow, csrf: str) -> str:
    who = " · ".join(x for x in (mask_name(r.name) if r.name else "", mask_id_number(r.id_number)) if x)
    forms = ""
    if r.status in ("booked", "no_show"):
        acts = [("arrived", "已到场")] + ([("no_show", "未到")] if r.status == "booked" else [])
        forms = "".join(
            f'<form method="post" action="/staff/appointments/{escape(r.id)}">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="action" value="{a}">'
            f'<input type="hidden" name="version" value="{r.version}">'
            f'<input type="hidden" name="day" value="{r.starts_at.date().isoformat()}">'
            f'<button class="b-{a}" type="submit">{label}</button></form>' for a, label in acts)
    status = APPOINTMENT_STATUSES.get(r.status, r.status)
    return (f'<div class="card appt st-{escape(r.status)}" id="appt-{escape(r.reference)}" data-status="{escape(r.status)}">'
            f'<div class="t">{r.starts_at:%H:%M}</div>'
            f'<div><div class="what">{escape(r.service_name or r.service)} '
            f'<span class="badge st-{escape(r.status)}">{escape(status)}</span></div>'
            f'<div class="who">预约号 <b>{escape(r.reference)}</b> · {escape(who)}</div></div>'
            f'<div class="acts">{forms}</div></div>')


def staff_page(*, listing: appts.DayList, today: date, station_name: str, staff_name: str, csrf: str,
               message: str = "", error: bool = False) -> str:
    d = listing.day
    cards = "".join(_appt_card(r, csrf) for r in listing.rows) or '<p class="none">这一天没有预约。</p>'
    flash = f'<div class="flash{" err" if error else ""}" id="flash" role="status">{escape(message)}</div>' if message else ""
    c = listing.counts
    counts = (f'共 {sum(v for k, v in c.items() if k != "cancelled")} 个 · 已到场 {c.get("arrived", 0)} · '
              f'待到场 {c.get("booked", 0)} · 未到 {c.get("no_show", 0)}')
    title = "今日预约" if d == today else f"{d.month}月{d.day}日的预约"
    nav = (f'<a href="/staff/appointments?day={(d - timedelta(days=1)).isoformat()}">前一天</a>'
           + ("" if d == today else '<a href="/staff/appointments">今天</a>')
           + f'<a href="/staff/appointments?day={(d + timedelta(days=1)).isoformat()}">后一天</a>')
    body = f"""<header><span class="brand">津彩e就业 · {escape(title)}</span>
<span class="where">{escape(station_name)}</span>
<span class="who"><span>{escape(staff_name)}</span><a href="/staff/appointments">刷新</a><a href="/staff/">返回工作台</a></span></header>
{flash}
<div class="daybar"><b>{d.year}年{d.month}月{d.day}日 周{phone.WEEKDAYS[d.weekday()]}</b>{nav}<span class="counts" id="counts">{counts}</span></div>
<div class="appts" id="appointments">{cards}</div>
<p class="note" style="padding:0 18px 18px">居民在自助机扫描预约单二维码即自动签到并取得优先号；未扫码的请核对预约号和身份证后点“已到场”。
标为“已到场”即记为一次预约服务（工作量）。</p>"""
    return staff_pages.page(f"{title} · {station_name}", body, head=f"<style>{STAFF_CSS}</style>")


def _day(value: str, today: date) -> date:
    try:
        d = date.fromisoformat(value[:10]) if value else today
    except ValueError:
        return today
    return d if abs((d - today).days) <= 366 else today


@staff_router.get("/appointments")
def staff_list(request: Request, day: str = "", msg: str = "", err: str = "") -> Response:
    sess = current_session(request)
    if sess is None:
        return RedirectResponse("/staff/login", status_code=303)
    today = appts.local_now().date()
    with get_database(request).session() as s:
        listing = appts.day_list(s, sess.station_id, _day(day, today))
        name = tickets.station_name(s, sess.station_id)
        text = staff_page(listing=listing, today=today, station_name=name, staff_name=sess.name,
                          csrf=auth.csrf_token(session_key(request), sess), message=msg[:200], error=bool(err))
    return html_page(text)


@staff_router.post("/appointments/{appointment_id}")
async def staff_mark(appointment_id: str, request: Request) -> Response:
    sess = current_session(request)
    if sess is None:
        return RedirectResponse("/staff/login", status_code=303)
    raw = await request.body()
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")[:4000]).items()}
    if not same_origin(request) or not auth.csrf_ok(session_key(request), sess, form.get("csrf")):
        return html_page(staff_pages.page("今日预约", "<p>请求来源不对，请刷新页面后再试。</p>"), 403)
    db = get_database(request)
    if not await run_in_threadpool(auth.account_enabled, db, sess.user_id):
        return RedirectResponse("/staff/login", status_code=303)
    try:
        version = int(form.get("version", ""))
    except ValueError:
        version = -1

    def do() -> tuple[str, date]:
        with db.session() as s:
            row = appts.staff_mark(s, sess.station_id, appointment_id[:36], form.get("action", ""), version,
                                   sess.name, sess.counter)
            return f"{row.reference} 已标为“{APPOINTMENT_STATUSES[row.status]}”", row.starts_at.date()

    back = {"day": form.get("day", "")[:10]} if form.get("day") else {}
    try:
        message, d = await run_in_threadpool(do)
    except appts.Stale:
        return RedirectResponse("/staff/appointments?" + urlencode({**back, "msg": "已被他人更新，请看最新状态", "err": "1"}),
                                status_code=303)
    except appts.Refused as e:
        if e.status == 403:
            log.warning("staff %s of station %s tried to change another station's appointment", sess.user_id,
                        sess.station_id)
            return html_page(staff_pages.page("今日预约", f"<p>{escape(e.message)}</p>"), 403)
        log.info("appointment change refused at station %s: %s", sess.station_id, e.code)
        return RedirectResponse("/staff/appointments?" + urlencode({**back, "msg": e.message, "err": "1"}),
                                status_code=303)
    today = appts.local_now().date()
    day_q = {} if d == today else {"day": d.isoformat()}
    log.info("staff %s marked an appointment at station %s (%s)", sess.user_id, sess.station_id, form.get("action"))
    return RedirectResponse("/staff/appointments?" + urlencode({**day_q, "msg": message}), status_code=303)

