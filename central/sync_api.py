"""The kiosks' sync API under ``/api/v1`` (docs/PROTOCOL.md): feeds, events, station config,
heartbeat and the calls long-poll. Every route needs a signed request (``authenticated_kiosk``)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from central import call_signal, feed_images, feeds, fleet, orders, releases
from central.auth import authenticated_kiosk, purge_old_nonces
from central.db import Database
from central.deps import DatabaseDep, SessionDep
from central.errors import ApiError
from central.events import ingest, storable
from central.models import CallRecord, FeedImage, Kiosk, Release, StationConfig
from kiosk.domain import bundle
from kiosk.sync import protocol as p

ERRORS = {code: {"model": p.ErrorReply} for code in (400, 401, 403, 404, 410, 413)}
KioskDep = Annotated[Kiosk, Depends(authenticated_kiosk)]

log = logging.getLogger(__name__)
router = APIRouter(prefix=p.PREFIX, tags=["sync"], responses=ERRORS)


def _known_feed(feed: str) -> None:
    if feed not in p.FEEDS:
        raise ApiError(404, "not_found", f"no feed {feed!r}; feeds: {', '.join(p.FEEDS)}")


@router.get("/feeds/{feed}", response_model=p.FeedPage)
def get_feed(feed: str, kiosk: KioskDep, s: SessionDep,
             cursor: Annotated[str | None, Query(max_length=200)] = None,
             limit: Annotated[int, Query(ge=1, le=p.MAX_FEED_PAGE)] = 1000) -> Response:
    _known_feed(feed)
    try:
        return Response(feeds.page_json(s, feed, cursor, limit, kiosk.station_id), media_type="application/json")
    except feeds.BadCursor as e:
        raise ApiError(400, "invalid_request", str(e)) from None
    except feeds.CursorExpired:
        raise ApiError(410, "cursor_expired", f"the {feed} cursor is too old; fetch the feed again "
                                              "from the start") from None


@router.get("/feeds/{feed}/snapshot", response_model=p.FeedPage)
def get_snapshot(feed: str, kiosk: KioskDep, s: SessionDep) -> Response:
    """The whole feed in one reply (its cursor continues from there). Kiosks page instead;
    this is the one-request baseline of ``python -m kiosk bench sync``."""
    _known_feed(feed)
    return Response(feeds.page_json(s, feed, None, 10**7, kiosk.station_id), media_type="application/json")


def _image(s: Session, feed: str) -> FeedImage:
    _known_feed(feed)
    if feed not in feed_images.FEEDS:
        raise ApiError(404, "not_found", f"no image for feed {feed}; only {', '.join(feed_images.FEEDS)} has one")
    row = feed_images.current(s, feed)
    if row is None:
        raise ApiError(404, "not_found", "no vacancy image on central; the kiosk pages through the feed")
    return row


@router.get("/feeds/{feed}/image", response_model=p.FeedImage)
def get_feed_image(feed: str, kiosk: KioskDep, s: SessionDep) -> p.FeedImage:
    """The vacancy image on offer, for a kiosk's pull from scratch (docs/PROTOCOL.md)."""
    return feed_images.offer(_image(s, feed))


@router.get("/feeds/{feed}/image/data", response_class=Response,
            responses={200: {"content": {"application/gzip": {}}}})
def get_feed_image_data(feed: str, kiosk: KioskDep, s: SessionDep, db: DatabaseDep) -> Response:
    """The image's gzip bytes; their SHA-256 is the ETag (and the ``sha256`` of ``/image``).

    Streamed a few MB at a time (``feed_images.parts``): a morning of new kiosks must not each
    hold a copy of a 50 MB image in central's memory."""
    row = _image(s, feed)
    return StreamingResponse(feed_images.parts(db, feed, row.sha256, row.size), media_type="application/gzip",
                             headers={"ETag": f'"{row.sha256}"', "Content-Length": str(row.size),
                                      "Content-Disposition": f'attachment; filename="{feed}-image.sqlite.gz"'})


@router.post("/events", response_model=p.EventBatchReply)
def post_events(batch: p.EventEnvelope, kiosk: KioskDep, s: SessionDep) -> p.EventBatchReply:
    """Each event is judged on its own (``EventIn``): a malformed one is ``rejected`` with its
    reason and the others go in, so one bad event never stalls a kiosk's outbox."""
    results = ingest(s, kiosk, batch.events)
    s.flush()
    return p.EventBatchReply(results=results, server_time=time.time())


@router.get("/stations/{station_id}/config", response_model=p.StationConfigReply,
            responses={304: {"description": "not modified"}})
def get_config(station_id: str, kiosk: KioskDep, s: SessionDep, response: Response,
               if_none_match: Annotated[str | None, Header(max_length=100)] = None) -> p.StationConfigReply | Response:
    _own_station(kiosk, station_id)
    row = s.get(StationConfig, station_id)
    if row is None:
        raise ApiError(404, "not_found", f"station {station_id} has no config yet")
    etag = f'"{row.version}"'
    if if_none_match and etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]:
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return kiosk_config(station_id, row.version, row.config or {})


def kiosk_config(station_id: str, version: int, config: dict) -> p.StationConfigReply:
    """What a kiosk reads of its station's config. Keys only central reads (``consult_pool``) stay
    behind, and a stored value the protocol does not accept is left out with a warning (the kiosk
    keeps its built-in rule for it) rather than failing the whole config."""
    fields = {k: v for k, v in config.items() if k in p.StationConfigReply.model_fields
              and k not in ("station_id", "version")}
    for key in list(fields):
        try:
            p.StationConfigReply(station_id=station_id, version=version, **{key: fields[key]},
                                 **({} if key == "name" else {"name": ""}))
        except ValidationError:
            log.warning("station %s config: %s is not what kiosks accept; left out", station_id, key)
            del fields[key]
    fields.setdefault("name", "")
    return p.StationConfigReply(station_id=station_id, version=version, **fields)


@router.post("/heartbeat", response_model=p.HeartbeatReply)
def heartbeat(beat: p.Heartbeat, kiosk: KioskDep, s: SessionDep) -> p.HeartbeatReply:
    health = beat.model_dump(mode="json")
    if not storable(health):  # answered like any other invalid body
        raise RequestValidationError([{"loc": ["body"], "type": "value_error",
                                       "msg": "a NUL character or an unpaired surrogate"}])
    row = s.get(Kiosk, kiosk.id)
    row.last_seen_at = datetime.now(UTC).replace(tzinfo=None)
    row.last_heartbeat = health
    row.clock_offset_s = beat.clock_offset_s
    fleet.record_sample(s, row, row.last_seen_at)
    commands = [c for c in row.pending_commands.split(",") if c in ("sync_now", "reload_config")]
    row.pending_commands = ""
    _purge_nonces_now_and_then(s)
    if beat.boot_id != "paused":
        releases.offer(s, row, beat.app_version)
    return p.HeartbeatReply(server_time=time.time(), commands=commands,
                            orders=orders.for_reply(s, row, row.last_seen_at))


#: this process purged spent nonces last (time.monotonic()); every heartbeat deleting the same old
#: rows made concurrent heartbeats wait for each other's row locks
_nonces_purged = [0.0]
NONCE_PURGE_EVERY_S = 30.0


def _purge_nonces_now_and_then(s: Session) -> None:
    now = time.monotonic()
    if now - _nonces_purged[0] >= NONCE_PURGE_EVERY_S:
        _nonces_purged[0] = now
        purge_old_nonces(s)


@router.post("/orders/{order_id}/result", response_model=p.OrderResultReply)
def order_result(order_id: Annotated[str, Path(min_length=8, max_length=36)], result: p.OrderResult,
                 kiosk: KioskDep, s: SessionDep) -> p.OrderResultReply:
    """The kiosk's answer to a remote command; 404 for an order that is not this kiosk's."""
    if not storable(result.model_dump(mode="json")):
        raise RequestValidationError([{"loc": ["body"], "type": "value_error",
                                       "msg": "a NUL character or an unpaired surrogate"}])
    if not orders.record_result(s, s.get(Kiosk, kiosk.id), order_id, result):
        raise ApiError(404, "not_found", f"no order {order_id} for this kiosk")
    return p.OrderResultReply(recorded=True)


@router.get("/releases/{version}/bundle", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})
def release_bundle(version: Annotated[str, Path(pattern=f"^{bundle.VERSION.pattern}$")], kiosk: KioskDep,
                   s: SessionDep) -> Response:
    """A published release's signed bundle (``kiosk.domain.bundle``); the kiosk checks the signature."""
    row = s.get(Release, version)
    if row is None:
        raise ApiError(404, "not_found", f"no release {version}")
    return Response(row.bundle, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="jincai-kiosk-{version}.bundle"',
                             "X-Bundle-SHA256": row.sha256})


@router.get("/stations/{station_id}/calls", response_model=p.CallsReply)
async def get_calls(station_id: str, kiosk: KioskDep, db: DatabaseDep,
                    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                    wait: Annotated[float, Query(ge=0, le=p.MAX_CALLS_WAIT_S)] = 0) -> p.CallsReply:
    """Long-poll: held until a call after ``after`` exists or ``wait`` is over. One short
    transaction per look, never one held across the wait."""
    _own_station(kiosk, station_id)
    deadline = time.monotonic() + wait
    await call_signal.SIGNAL.listening(db.url, min(wait, call_signal.READY_S))
    while True:
        woken = call_signal.SIGNAL.waiter(station_id)  # before the look: a call in between still wakes it
        try:
            async with db.gate.slot():
                reply = await run_in_threadpool(_calls_after, db, station_id, after)
            if reply.calls or time.monotonic() >= deadline:
                return reply
            await call_signal.wait(station_id, woken, deadline - time.monotonic())
        finally:
            call_signal.SIGNAL.discard(station_id, woken)


def _own_station(kiosk: Kiosk, station_id: str) -> None:
    if kiosk.station_id != station_id:
        raise ApiError(403, "forbidden", f"kiosk {kiosk.id} belongs to station {kiosk.station_id}, not {station_id}")


def _calls_after(db: Database, station_id: str, after: int) -> p.CallsReply:
    with db.session() as s:
        return calls_after(s, station_id, after)


def calls_after(s: Session, station_id: str, after: int) -> p.CallsReply:
    rows = s.scalars(select(CallRecord).where(CallRecord.station_id == station_id, CallRecord.seq > after)
                     .order_by(CallRecord.seq).limit(50)).all()
    calls = [p.Call(seq=r.seq, ticket_id=r.ticket_id, number=r.number, counter=r.counter, service=r.service,
                    called_at=r.called_at, kind="help" if r.kind == "help" else "ticket") for r in rows]
    return p.CallsReply(calls=calls, last=calls[-1].seq if calls else after)
