"""The FastAPI application: ``create_app(db)`` composes the routers, the middleware and the error
handlers; ``python -m central serve`` runs it. The routes live in their own modules."""

from __future__ import annotations

import functools
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from central.advisor import router as advisor_router
from central.appointments_api import router as appointments_router
from central.appointments_web import public_router as appointment_page_router
from central.appointments_web import staff_router as appointments_staff_router
from central.body_limit import BodyLimit
from central.consult_api import router as consult_router
from central.db import Database
from central.db_gate import GateMiddleware
from central.errors import ApiError
from central.fleet_pages import router as fleet_router
from central.ledger_pages import router as ledger_router
from central.office.posting_routes import router as postings_router
from central.office.routes import router as office_router
from central.phone import router as phone_router
from central.staff import router as staff_router
from central.sync_api import router as sync_router
from central.tls import HSTS, secure_cookies
from kiosk.sync import protocol as p

#: Bodies are counted while they are read and refused with a 413 past these sizes, before any JSON
#: or form parsing: the kiosk API takes the protocol's MAX_BODY_BYTES, the advisor console's
#: signaling a session description, and every other page (logins, staff forms, phone pages) a form.
FORM_BODY_BYTES = 32_000
SIGNALING_BODY_BYTES = 256_000


def create_app(db: Database, *, ice_servers: list[dict] | None = None, production: bool = False) -> FastAPI:
    """``db`` must be migrated (``db.migrate()``). ``ice_servers``: the STUN/TURN servers the advisor
    console's browsers use (``[{"urls": "turn:…", "username": …, "credential": …}]``).
    ``production``: behind the TLS proxy, so cookies are ``Secure`` and every reply carries HSTS
    whatever scheme the proxy forwarded (``serve`` without ``--demo``)."""
    app = FastAPI(title="津彩e就业 central service", version="1.0",
                  description="Sync protocol v1 for station kiosks (docs/PROTOCOL.md).")
    app.state.db = db
    app.router.on_startup.append(functools.partial(_threads_within_connections, db))
    app.state.production = production
    app.state.ice_servers = list(ice_servers or [])
    # the kiosks' signed sync API under /api/v1
    app.include_router(sync_router)
    # the kiosk's consultation signaling under /api/v1/consult/
    app.include_router(consult_router)
    # the kiosk's bookings under /api/v1/appointments
    app.include_router(appointments_router)
    # the staff console and statistics under /staff/
    app.include_router(staff_router)
    # the back office (意向, 登记与需求, 好差评, accounts, audit) under /staff/
    app.include_router(office_router)
    # 招聘登记 and 岗位推荐 under /staff/postings, /staff/registrations/…/refer, /staff/interests/…/slip
    app.include_router(postings_router)
    # 设备运维: the fleet page for district and city administrators under /fleet/
    app.include_router(fleet_router)
    # 工作量与绩效: the monthly report and its exports under /staff/ledger
    app.include_router(ledger_router)
    # 今日预约 under /staff/appointments
    app.include_router(appointments_staff_router)
    # the resident's pages behind every QR (docs/PHONE_PAGES.md)
    app.include_router(phone_router)
    # /appointments/{token}: the resident's phone page
    app.include_router(appointment_page_router)
    # the video advisor console under /advisor/
    app.include_router(advisor_router)
    # innermost, so the app reads the counting receive itself (no task group wraps its refusal)
    app.add_middleware(BodyLimit, default=FORM_BODY_BYTES,
                       limits=((p.PREFIX + "/", p.MAX_BODY_BYTES), ("/advisor/api/", SIGNALING_BODY_BYTES)))
    # requests queue on the event loop for the database, holding no thread and no connection
    app.add_middleware(GateMiddleware, gate=db.gate)
    app.middleware("http")(_server_time)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.openapi = lambda: _openapi(app)
    return app


def _openapi(app: FastAPI) -> dict:
    """The generated spec with what the routes read by hand: the kiosk API's four auth headers
    (in the shapes central accepts) and the staff and advisor session cookies, so clients and
    fuzzers see them."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    from central.advisor import COOKIE as ADVISOR_COOKIE
    from central.console import COOKIE as STAFF_COOKIE

    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    auth = [{"in": "header", "name": name, "required": True, "schema": {"type": "string", "pattern": pattern}}
            for name, pattern in ((p.H_KIOSK, p.KIOSK_ID_PATTERN), (p.H_TIMESTAMP, p.TIMESTAMP_PATTERN),
                                  (p.H_NONCE, p.NONCE_PATTERN), (p.H_SIGNATURE, p.SIGNATURE_PATTERN))]
    for path, item in spec.get("paths", {}).items():
        extra = (auth if path.startswith(p.PREFIX + "/") else
                 [{"in": "cookie", "name": STAFF_COOKIE, "required": False, "schema": {"type": "string"}}]
                 if path.startswith("/staff/") else
                 [{"in": "cookie", "name": ADVISOR_COOKIE, "required": False, "schema": {"type": "string"}}]
                 if path.startswith("/advisor/") else [])
        for op in item.values():
            if isinstance(op, dict) and extra:
                named = {(x.get("in"), x.get("name")) for x in op.get("parameters", [])}
                op["parameters"] = op.get("parameters", []) + [x for x in extra if (x["in"], x["name"]) not in named]
    app.openapi_schema = spec
    return spec


async def _server_time(request: Request, call_next):  # noqa: ANN001, ANN202
    """Every reply carries the server's clock, so kiosks without a real-time clock can correct theirs."""
    response = await call_next(request)
    response.headers[p.H_SERVER_TIME] = f"{time.time():.3f}"
    if secure_cookies(request):
        response.headers["Strict-Transport-Security"] = HSTS
    return response



async def _api_error(_request: Request, e: ApiError) -> JSONResponse:
    body = p.ErrorReply(error=e.code, message=e.message, server_time=time.time())
    return JSONResponse(body.model_dump(), status_code=e.status, headers=e.headers)


async def _http_error(request: Request, e: StarletteHTTPException) -> Response:
    """Raised by the framework itself (no such route, wrong method, a body it cannot parse): the
    same error reply as everything else, so a kiosk can always read why it was refused. A browser
    asking for a page that does not exist gets the residents' 404 page instead."""
    if e.status_code == 404 and _wants_page(request):
        from central.phone.layout import not_found

        return not_found()
    code = {404: "not_found", 413: "too_large", 429: "rate_limited"}.get(
        e.status_code, "unavailable" if e.status_code >= 500 else "invalid_request")
    body = p.ErrorReply(error=code, message=str(e.detail)[:200], server_time=time.time())
    return JSONResponse(body.model_dump(), status_code=e.status_code, headers=e.headers)


async def _invalid(_request: Request, e: RequestValidationError) -> JSONResponse:
    """Never echo the input back: it can hold personal data."""
    errors = [{"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
              for err in e.errors()[:20]]
    return JSONResponse({"detail": errors}, status_code=422)


def _wants_page(request: Request) -> bool:
    """A browser asking for a page outside the kiosk API (a resident's mistyped or cut-off QR link)."""
    return not request.url.path.startswith(p.PREFIX) and "text/html" in request.headers.get("accept", "")


async def _threads_within_connections(db: Database) -> None:
    """No more threads for blocking handlers than the pool has connections (the gate, central.db_gate,
    lets half as many requests at the database at once, so the threads are always enough)."""
    import anyio.to_thread

    limit = db.max_connections
    limiter = anyio.to_thread.current_default_thread_limiter()
    if limit is not None and limiter.total_tokens > limit:
        limiter.total_tokens = limit


def app_from_env() -> FastAPI:
    """The app of one worker of ``serve --workers N``: the database, the STUN/TURN servers and the
    production switch come from the environment ``serve`` set before starting the workers."""
    import json
    import os

    from central.db import Database
    from central.log_privacy import redact_logs

    redact_logs()
    return create_app(Database(os.environ["CENTRAL_DB_URL"]),
                      ice_servers=json.loads(os.environ.get("CENTRAL_ICE_SERVERS") or "[]"),
                      production=os.environ.get("CENTRAL_PRODUCTION") == "1")
