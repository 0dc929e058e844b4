"""The kiosk's side of video consultation signaling, under ``/api/v1/consult/`` (signed like every
kiosk request; a kiosk sees only its own requests)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from central import consult
from central.auth import authenticated_kiosk
from central.db import Database
from central.deps import DatabaseDep, SessionDep
from central.errors import ApiError
from central.events import storable
from central.models import Kiosk
from kiosk.sync import protocol as p

KioskDep = Annotated[Kiosk, Depends(authenticated_kiosk)]
ERRORS = {code: {"model": p.ErrorReply} for code in (400, 401, 404, 409)}

router = APIRouter(prefix=p.PREFIX + "/consult", tags=["consult"])


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _request_id(request_id: str) -> str:
    if not _UUID.match(request_id):
        raise ApiError(404, "not_found", "no such consultation request")
    return request_id


def _text_ok(*values: str) -> None:
    if not all(storable(v) for v in values):
        raise ApiError(400, "invalid_request", "text with a NUL character or an unpaired surrogate")


@contextmanager
def _refusals() -> Iterator[None]:
    """consult.Refused → the API's error reply (the request's transaction is rolled back)."""
    try:
        yield
    except consult.Refused as e:
        raise ApiError(e.status, e.code, e.message) from None


@router.get("/availability", response_model=p.ConsultAvailability, responses=ERRORS)
def get_availability(kiosk: KioskDep, s: SessionDep,
                     topic: Annotated[str, Query(max_length=20)] = "") -> p.ConsultAvailability:
    with _refusals():
        return p.ConsultAvailability(**consult.availability(s, consult.station_pool(s, kiosk.station_id)))


@router.post("/requests", response_model=p.ConsultStatus, responses=ERRORS)
def create_request(body: p.ConsultCreate, kiosk: KioskDep, s: SessionDep) -> p.ConsultStatus:
    _text_ok(body.topic)
    with _refusals():
        req = consult.create(s, kiosk.id, kiosk.station_id, body.topic, body.identified)
        return p.ConsultStatus(**consult.status(s, req))


def _status(db: Database, kiosk_id: str, request_id: str) -> dict:
    with _refusals(), db.session() as s:
        return consult.status(s, consult.kiosk_request(s, kiosk_id, request_id))


@router.get("/requests/{request_id}", response_model=p.ConsultStatus, responses=ERRORS)
async def get_request(request_id: str, kiosk: KioskDep, db: DatabaseDep,
                      since: Annotated[int, Query(ge=0, le=2**31)] = 0,
                      wait: Annotated[float, Query(ge=0, le=p.MAX_CONSULT_WAIT_S)] = 0) -> p.ConsultStatus:
    """The request's state; with ``since`` and ``wait``, held until its version passes ``since``
    (or the wait is over). While waiting, the position and estimate may change without a new version.
    One short transaction per look, never one held across the wait."""
    request_id = _request_id(request_id)
    deadline = time.monotonic() + wait
    while True:
        async with db.gate.slot():
            st = await run_in_threadpool(_status, db, kiosk.id, request_id)
        if st["version"] > since or time.monotonic() >= deadline:
            return p.ConsultStatus(**st)
        await asyncio.sleep(0.2)


@router.post("/requests/{request_id}/offer", response_model=p.ConsultStatus, responses=ERRORS)
def post_offer(request_id: str, body: p.ConsultOffer, kiosk: KioskDep, s: SessionDep) -> p.ConsultStatus:
    request_id = _request_id(request_id)
    _text_ok(body.sdp)
    with _refusals():
        req = consult.kiosk_request(s, kiosk.id, request_id)
        consult.post_offer(s, req, body.sdp, body.generation)
        return p.ConsultStatus(**consult.status(s, req))


@router.post("/requests/{request_id}/end", response_model=p.ConsultStatus, responses=ERRORS)
def end_request(request_id: str, body: p.ConsultEnd, kiosk: KioskDep, s: SessionDep) -> p.ConsultStatus:
    request_id = _request_id(request_id)
    with _refusals():
        req = consult.kiosk_request(s, kiosk.id, request_id)
        consult.kiosk_end(s, req, body.reason)
        return p.ConsultStatus(**consult.status(s, req))
