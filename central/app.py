"""The FastAPI application: ``create_app(db)`` builds it; ``python -m central serve`` runs it."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from central import feeds
from central.auth import authenticated_kiosk, purge_nonces
from central.db import Database
from central.errors import ApiError
from central.events import ingest, storable
from central.models import CallRecord, Kiosk, StationConfig
from central.advisor import router as advisor_router
from central.appointments_api import router as appointments_router
from central.appointments_web import public_router as appointment_page_router, staff_router as appointments_staff_router
from central.consult_api import router as consult_router
from central.office.routes import router as office_router
from central.ledger_pages import router as ledger_router
from central.phone import router as phone_router
from central.staff import router as staff_router
from kiosk.sync import protocol as p

log = logging.getLogger("central")

ERRORS = {code: {"model": p.ErrorReply} for code in (400, 401, 403, 404, 410, 413)}
KioskDep = Annotated[Kiosk, Depends(authenticated_kiosk)]


def create_app(db: Database, *, ice_servers: list[dict] | None = None) -> FastAPI:
    """``ice_servers``: the STUN/TURN servers the advisor console's browsers use
    (``[{"urls": "turn:…", "username": …, "credential": …}]``)."""
    app = FastAPI(title="津彩e就业 central service", version="1.0",
                  description="Sync protocol v1 for station kiosks (docs/PROTOCOL.md).")
    app.state.db = db
    app.state.ice_servers = list(ice_servers or [])
    app.include_router(staff_router)  # the staff console and statistics under /staff/
    app.include_router(office_router)  # the back office (意向, 登记与需求, 好差评, accounts, audit) under /staff/
    app.include_router(ledger_router)  # 工作量与绩效: the monthly report and its exports under /staff/ledger
    app.include_router(phone_router)  # the resident's pages behind every QR (docs/PHONE_PAGES.md)
    app.include_router(advisor_router)  # the video advisor console under /advisor/
    app.include_router(consult_router)  # the kiosk's consultation signaling under /api/v1/consult/
    app.include_router(appointments_router)  # the kiosk's bookings under /api/v1/appointments
    app.include_router(appointments_staff_router)  # 今日预约 under /staff/appointments
    app.include_router(appointment_page_router)  # /appointments/{token}: the resident's phone page

    @app.middleware("http")
    async def server_time(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        response.headers[p.H_SERVER_TIME] = f"{time.time():.3f}"
        return response

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, e: ApiError) -> JSONResponse:
        body = p.ErrorReply(error=e.code, message=e.message, server_time=time.time())
        return JSONResponse(body.model_dump(), status_code=e.status, headers=e.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException) -> Response:
        if e.status_code == 404 and _wants_page(request):
            from central.phone.layout import not_found

            return not_found()
        # Raised by the framework itself (no such route, wrong method, a body it cannot parse): the
        # same error reply as everything else, so a kiosk can always read why it was refused.
        code = {404: "not_found", 413: "too_large", 429: "rate_limited"}.get(
            e.status_code, "unavailable" if e.status_code >= 500 else "invalid_request")
        body = p.ErrorReply(error=code, message=str(e.detail)[:200], server_time=time.time())
        return JSONResponse(body.model_dump(), status_code=e.status_code, headers=e.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, e: RequestValidationError) -> JSONResponse:
        # Never echo the input back: it can hold personal data.
        errors = [{"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
                  for err in e.errors()[:20]]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.get(p.PREFIX + "/feeds/{feed}", response_model=p.FeedPage, responses=ERRORS, tags=["sync"])
    def get_feed(feed: str, kiosk: KioskDep,
                 cursor: Annotated[str | None, Query(max_length=200)] = None,
                 limit: Annotated[int, Query(ge=1, le=p.MAX_FEED_PAGE)] = 1000) -> p.FeedPage:
        if feed not in p.FEEDS:
            raise ApiError(404, "not_found", f"no feed {feed!r}; feeds: {', '.join(p.FEEDS)}")
        try:
            with db.session() as s:
                return Response(feeds.page_json(s, feed, cursor, limit), media_type="application/json")
        except feeds.BadCursor as e:
            raise ApiError(400, "invalid_request", str(e)) from None
        except feeds.CursorExpired:
            raise ApiError(410, "cursor_expired", f"the {feed} cursor is too old; fetch the feed again "
                                                  "from the start") from None

    @app.get(p.PREFIX + "/feeds/{feed}/snapshot", response_model=p.FeedPage, responses=ERRORS, tags=["sync"])
    def get_snapshot(feed: str, kiosk: KioskDep) -> p.FeedPage:
        """The whole feed in one reply (its cursor continues from there). Kiosks page instead;
        this is the one-request baseline of ``python -m kiosk bench sync``."""
        if feed not in p.FEEDS:
            raise ApiError(404, "not_found", f"no feed {feed!r}; feeds: {', '.join(p.FEEDS)}")
        with db.session() as s:
            return Response(feeds.page_json(s, feed, None, 10**7), media_type="application/json")

    @app.post(p.PREFIX + "/events", response_model=p.EventBatchReply, responses=ERRORS, tags=["sync"])
    def post_events(batch: p.EventBatch, kiosk: KioskDep) -> p.EventBatchReply:
        with db.session() as s:
            results = ingest(s, kiosk, batch)
        return p.EventBatchReply(results=results, server_time=time.time())

    @app.get(p.PREFIX + "/stations/{station_id}/config", response_model=p.StationConfigReply,
             responses={**ERRORS, 304: {"description": "not modified"}}, tags=["sync"])
    def get_config(station_id: str, kiosk: KioskDep, response: Response,
                   if_none_match: Annotated[str | None, Header(max_length=100)] = None):  # noqa: ANN202
        _own_station(kiosk, station_id)
        with db.session() as s:
            row = s.get(StationConfig, station_id)
            if row is None:
                raise ApiError(404, "not_found", f"station {station_id} has no config yet")
            etag = f'"{row.version}"'
            if if_none_match and etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]:
                return Response(status_code=304, headers={"ETag": etag})
            response.headers["ETag"] = etag
            return p.StationConfigReply(station_id=station_id, version=row.version, **row.config)

    @app.post(p.PREFIX + "/heartbeat", response_model=p.HeartbeatReply, responses=ERRORS, tags=["sync"])
    def heartbeat(beat: p.Heartbeat, kiosk: KioskDep) -> p.HeartbeatReply:
        from datetime import datetime, timezone

        now = datetime.now(timezone.utc).replace(tzinfo=None)
        health = beat.model_dump(mode="json")
        if not storable(health):  # answered like any other invalid body
            raise RequestValidationError([{"loc": ["body"], "type": "value_error",
                                           "msg": "a NUL character or an unpaired surrogate"}])
        with db.session() as s:
            row = s.get(Kiosk, kiosk.id)
            row.last_seen_at = now
            row.last_heartbeat = health
            row.clock_offset_s = beat.clock_offset_s
            commands = [c for c in row.pending_commands.split(",") if c in ("sync_now", "reload_config")]
            row.pending_commands = ""
        purge_nonces(db)
        return p.HeartbeatReply(server_time=time.time(), commands=commands)

    @app.get(p.PREFIX + "/stations/{station_id}/calls", response_model=p.CallsReply, responses=ERRORS,
             tags=["sync"])
    async def get_calls(station_id: str, kiosk: KioskDep,
                        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                        wait: Annotated[float, Query(ge=0, le=p.MAX_CALLS_WAIT_S)] = 0) -> p.CallsReply:
        _own_station(kiosk, station_id)
        deadline = time.monotonic() + wait
        while True:
            reply = await run_in_threadpool(_calls_after, db, station_id, after)
            if reply.calls or time.monotonic() >= deadline:
                return reply
            await asyncio.sleep(0.2)

    return app


def _wants_page(request: Request) -> bool:
    """A browser asking for a page outside the kiosk API (a resident's mistyped or cut-off QR link)."""
    return not request.url.path.startswith(p.PREFIX) and "text/html" in request.headers.get("accept", "")


def _own_station(kiosk: Kiosk, station_id: str) -> None:
    if kiosk.station_id != station_id:
        raise ApiError(403, "forbidden", f"kiosk {kiosk.id} belongs to station {kiosk.station_id}, not {station_id}")


def _calls_after(db: Database, station_id: str, after: int) -> p.CallsReply:
    with db.session() as s:
        rows = s.scalars(select(CallRecord).where(CallRecord.station_id == station_id, CallRecord.seq > after)
                         .order_by(CallRecord.seq).limit(50)).all()
        calls = [p.Call(seq=r.seq, ticket_id=r.ticket_id, number=r.number, counter=r.counter, service=r.service,
                        called_at=r.called_at) for r in rows]
    return p.CallsReply(calls=calls, last=calls[-1].seq if calls else after)
