"""回电申请 on central: call-back requests from the kiosks, and the advisors' follow-up.

A ``consult.callback_requested`` event (a resident who could not reach an advisor by video left a
phone number) becomes one row of ``consult_callbacks``, keyed by the event id, so a retried push
never makes a second row. An advisor of the station's pool calls the resident and marks the
request 已回电 or 联系不上 (with a short note); the row keeps who handled it and when.

The phone number is personal data: it is shown in full to the advisors of the pool (they must
dial it) and never written to a log.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import ledger
from central.consult import DEFAULT_POOL
from central.models import NOTE_MAX, TOPIC_MAX, CallbackRow, StationConfig
from kiosk.domain.privacy import MOBILE_NUMBER, redact
from kiosk.domain.queue_rules import STATION_TZ

log = logging.getLogger("central.callbacks")

EVENT_TYPE = "consult.callback_requested"
STATUS_NAMES = {"open": "待回电", "done": "已回电", "unreachable": "联系不上"}
#: the button's action → the status it leads to (only from ``open``)
ACTIONS = {"done": "done", "unreachable": "unreachable"}
REFERENCE_RE = re.compile(r"^HD-[A-Z0-9]{4,10}$")
LIST_LIMIT = 500


class Refused(ValueError):
    """A change an advisor cannot make; the message is for them."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local(at: datetime) -> datetime:
    """A naive UTC time in the stations' time zone (naive again, for display)."""
    return at.replace(tzinfo=UTC).astimezone(STATION_TZ).replace(tzinfo=None)


def payload_problem(pl: dict) -> str:
    """Why a call-back event cannot be taken ("" if it can)."""
    if not isinstance(pl.get("reference"), str) or not REFERENCE_RE.match(pl["reference"]):
        return "reference must be HD- and 4 to 10 upper-case letters and digits"
    topic = pl.get("topic")
    if not isinstance(topic, str) or not topic.strip() or len(topic) > TOPIC_MAX:
        return f"topic must be a non-empty string of at most {TOPIC_MAX} characters"
    if not isinstance(pl.get("phone"), str) or not MOBILE_NUMBER.match(pl["phone"]):
        return "phone must be an 11-digit mobile number starting with 1"
    if pl.get("consent") is not True:
        return "consent must be true"
    return ""


def on_requested(s: Session, station_id: str, event_id: str, occurred_at: datetime, pl: dict) -> None:
    """The row of a newly ingested event (the caller's savepoint makes it once per event id)."""
    s.add(CallbackRow(
        id=event_id, reference=pl["reference"], station_id=station_id, topic=pl["topic"].strip(),
        phone=pl["phone"], person_key=str(pl.get("person_key") or "")[:64], requested_at=occurred_at,
        received_at=_now(), status="open"))
    log.info("call-back request %s from station %s", pl["reference"], station_id)


def _pools(s: Session) -> dict[str, str]:
    return {sid: str((cfg or {}).get("consult_pool") or DEFAULT_POOL)[:40]
            for sid, cfg in s.execute(select(StationConfig.station_id, StationConfig.config)).all()}


def station_names(s: Session) -> dict[str, str]:
    return {sid: str((cfg or {}).get("name") or sid)
            for sid, cfg in s.execute(select(StationConfig.station_id, StationConfig.config)).all()}


def in_pool(s: Session, row: CallbackRow, pool: str, pools: dict[str, str] | None = None) -> bool:
    """A request belongs to the pool its station's config names now (``consult_pool``), like a video call."""
    return (pools if pools is not None else _pools(s)).get(row.station_id, DEFAULT_POOL) == pool


def for_pool(s: Session, pool: str, now: datetime | None = None) -> tuple[list[CallbackRow], list[CallbackRow]]:
    """The pool's open requests (oldest first) and those handled today (latest first)."""
    now = now or _now()
    pools = _pools(s)
    open_rows = [r for r in s.scalars(select(CallbackRow).where(CallbackRow.status == "open")
                                      .order_by(CallbackRow.requested_at, CallbackRow.id).limit(LIST_LIMIT))
                 if in_pool(s, r, pool, pools)]
    today = local(now).date()
    day_start = datetime.combine(today, datetime.min.time()).replace(tzinfo=STATION_TZ) \
        .astimezone(UTC).replace(tzinfo=None)
    closed = [r for r in s.scalars(select(CallbackRow).where(CallbackRow.status != "open",
                                                             CallbackRow.handled_at >= day_start)
                                   .order_by(CallbackRow.handled_at.desc()).limit(LIST_LIMIT))
              if in_pool(s, r, pool, pools)]
    return open_rows, closed


def handle(s: Session, pool: str, advisor_id: int, advisor_name: str, request_id: str, action: str,
           note: str) -> CallbackRow:
    """Mark an open request of the pool 已回电 or 联系不上; raises Refused with a message for the advisor."""
    if action not in ACTIONS:
        raise Refused(400, "没有这个操作")
    row = s.scalar(select(CallbackRow).where(CallbackRow.id == request_id).with_for_update())
    if row is None or not in_pool(s, row, pool):
        raise Refused(404, "没有找到这个回电申请")
    if row.status != "open":
        raise Refused(409, f"这个申请已由{row.advisor_name or '其他顾问'}标记为“{STATUS_NAMES[row.status]}”")
    note = redact(note.strip())[:NOTE_MAX]
    if action == "unreachable" and not note:
        raise Refused(400, "请简单写明联系不上的情况（例如：三次无人接听、空号）")
    row.status, row.note = ACTIONS[action], note
    row.advisor_id, row.advisor_name, row.handled_at = advisor_id, advisor_name[:40], _now()
    if row.status == "done":
        ledger.record_service(s, record_id=ledger.record_id_for("callback", row.id), station_id=row.station_id, service="callback",
                              at=row.handled_at, channel="phone", identity=ledger.identity_of_event(s, row.id),
                              person_key=row.person_key or None, ref_id=row.id, counter=row.topic,
                              started_at=row.requested_at)
    log.info("call-back request %s marked %s by advisor %s", row.reference, row.status, advisor_id)
    return row
