"""上门服务 and 代理服务 on the central side: requests from the kiosks, and the staff's follow-up.

``home_visit.requested`` / ``proxy.requested`` events become rows of ``service_requests`` (the
details, personal ones included, for the station's staff). Staff move a request along
已受理 → 已安排 (a time and who goes) → 已完成, or 无法办理 with a reason; the resident may cancel
it at a kiosk (``….cancelled``). Every change is published on the ``service_requests`` feed,
keyed by the printed reference, with the status, the scheduled time, the staff member's
masked name and a short note: nothing that identifies the resident.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import feeds, ledger
from central.models import ServiceRequestRow
from kiosk.domain.privacy import mask_name

log = logging.getLogger("central.requests")

FEED = "service_requests"
KINDS = {"home_visit": "上门服务", "proxy": "代理服务"}
STATUS_NAMES = {"submitted": "待受理", "accepted": "已受理", "scheduled": "已安排", "done": "已完成",
                "refused": "无法办理", "cancelled": "居民已取消"}
OPEN = ("submitted", "accepted", "scheduled")
#: action → (the statuses it may start from, the status it leads to)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": (("submitted",), "accepted"),
    "schedule": (("submitted", "accepted", "scheduled"), "scheduled"),
    "done": (("accepted", "scheduled"), "done"),
    "refuse": (OPEN, "refused"),
}
REFERENCE_RE = re.compile(r"^[A-Z0-9]{4,12}$")


class Refused(ValueError):
    """A change staff cannot make; the message is for them."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def payload_problem(type_: str, pl: dict) -> str:
    """Why a request event cannot be taken ("" if it can): what the feed carries must be valid."""
    kind = type_.split(".")[0]
    if not isinstance(pl.get("reference"), str) or not REFERENCE_RE.match(pl["reference"]):
        return "reference must be 4 to 12 upper-case letters and digits"
    if type_.endswith(".requested"):
        if pl.get("kind") != kind:
            return f"kind must be {kind}"
        if pl.get("window_half") not in ("am", "pm"):
            return "window_half must be am or pm"
        try:
            date.fromisoformat(str(pl.get("window_day")))
        except ValueError:
            return "window_day is not a date"
        if not isinstance(pl.get("request_id"), str) or not 1 <= len(pl["request_id"]) <= 36:
            return "request_id must be a string of at most 36 characters"
    return ""


def feed_item(row: ServiceRequestRow) -> dict:
    """Where a request stands, for its kiosk's 我的申请: never the person, and never the staff's
    free-text note (it may hold an address); the feed sends it to its own station only."""
    return {"id": row.reference, "kind": row.kind, "station_id": row.station_id, "status": row.status,
            "scheduled_at": row.scheduled_at.isoformat() if row.scheduled_at else None,
            "staff": mask_name(row.staff)[:20] if row.staff else "", "note": "",
            "updated_at": row.updated_at.isoformat()}


def _publish(s: Session, row: ServiceRequestRow) -> None:
    s.flush()
    feeds.put(s, FEED, [feed_item(row)])


def on_requested(s: Session, station_id: str, event_id: str, pl: dict) -> None:
    ref = pl["reference"]
    if s.scalar(select(ServiceRequestRow.id).where(ServiceRequestRow.reference == ref)) is not None:
        log.warning("a request with reference %s exists already; event %s kept without a new row", ref, event_id)
        return
    now = _now()
    details = {k: pl.get(k) for k in ("id_number", "name", "phone", "street", "address_detail", "documents",
                                      "eligibility", "aged_60_plus", "consent")}
    row = ServiceRequestRow(
        id=str(pl["request_id"])[:36], reference=ref, event_id=event_id, station_id=station_id, kind=pl["kind"],
        person_key=str(pl.get("person_key") or "")[:64], window_day=date.fromisoformat(pl["window_day"]),
        window_half=pl["window_half"], reason=str(pl.get("reason", ""))[:40], details=details,
        status="submitted", created_at=now, updated_at=now)
    s.add(row)
    _publish(s, row)


def on_cancelled(s: Session, station_id: str, pl: dict) -> None:
    row = s.scalar(select(ServiceRequestRow).where(ServiceRequestRow.reference == pl["reference"],
                                                   ServiceRequestRow.station_id == station_id))
    if row is None or row.status not in OPEN:
        return
    if row.person_key and pl.get("person_key") != row.person_key:
        log.warning("cancel of %s by another person refused", row.reference)
        return
    row.status, row.updated_at, row.updated_by = "cancelled", _now(), "resident"
    _publish(s, row)


def station_requests(s: Session, station_id: str | list[str], limit: int = 200) -> list[ServiceRequestRow]:
    """Open requests first (earliest window first), then the latest closed ones; of one station or
    of a list of them (an administrator's scope)."""
    stations = [station_id] if isinstance(station_id, str) else station_id
    rows = list(s.scalars(select(ServiceRequestRow).where(ServiceRequestRow.station_id.in_(stations))
                          .order_by(ServiceRequestRow.created_at.desc()).limit(limit)))
    return sorted(rows, key=lambda r: (r.status not in OPEN, (r.window_day, r.window_half) if r.status in OPEN
                                       else (date.max, ""), -r.created_at.timestamp()))


def change(s: Session, station_id: str, request_id: str, action: str, by: str, *, when: datetime | None = None,
           staff: str = "", note: str = "") -> ServiceRequestRow:
    """Apply a staff action; raises Refused with a message for staff."""
    if action not in ACTIONS:
        raise Refused("没有这个操作")
    row = s.get(ServiceRequestRow, request_id)
    if row is None or row.station_id != station_id:
        raise Refused("没有找到这个申请")
    allowed, to = ACTIONS[action]
    if row.status not in allowed:
        raise Refused(f"这个申请现在是“{STATUS_NAMES[row.status]}”，不能改为“{STATUS_NAMES[to]}”")
    note = note.strip()[:200]
    if action == "schedule":
        if when is None:
            raise Refused("请填写上门或办理的日期和时间")
        row.scheduled_at = when
        row.staff = (staff.strip() or by)[:40]
    if action == "refuse" and not note:
        raise Refused("请填写无法办理的原因（居民会在自助机上看到）")
    row.status, row.note, row.updated_at, row.updated_by = to, note, _now(), by[:40]
    if to == "done":
        ledger.record_service(s, record_id=ledger.record_id_for(row.kind, row.id), station_id=row.station_id, service=row.kind,
                              at=row.updated_at, channel="home" if row.kind == "home_visit" else "counter",
                              identity=ledger.identity_of_event(s, row.event_id), person_key=row.person_key or None,
                              ref_id=row.id, counter=by)
    _publish(s, row)
    return row
