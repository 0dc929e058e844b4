"""投递意向 on central: the kiosk's ``interest.expressed`` events become ``interests`` rows, and the
station's staff move each one 待联系 → 已联系 → 已推荐 → 面试 → 录用 / 未成功.

Every change is published on the ``interests`` feed, keyed by the interest id (the kiosk's event
id), with the status only: the kiosk that took the interest shows it under 我的申请. The two
steps that are a service to the resident (contacting them, referring them to the employer) each
write one workload record through ``central.ledger.record_service``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import feeds, ledger
from central.models import INTEREST_STATUSES, Interest
from central.office.changes import Refused, compare_and_set

FEED = "interests"
#: status → the statuses staff may move it to
NEXT: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "failed"),
    "contacted": ("referred", "failed"),
    "referred": ("interview", "failed"),
    "interview": ("hired", "failed"),
    "hired": (),
    "failed": (),
}
OPEN = ("new", "contacted", "referred", "interview")
#: the moves that are a service to the resident → the ledger's service code
SERVICES = {"contacted": "interest_followup", "referred": "referral", "hired": "referral_hired"}
_RECORD_NS = uuid.UUID("6f1d7c1e-4a7b-4b8e-9d3e-0c2f5a9e1b11")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def reference_of(interest_id: str, pl: dict | None = None) -> str:
    """The reference the kiosk printed on the slip (``reference`` in the event, YX…); for an event
    without one (an older kiosk), the first 8 characters of the id, upper case."""
    sent = _text(pl or {}, "reference", 16)
    return sent if sent.isalnum() and sent.isascii() else interest_id.replace("-", "")[:8].upper()


def feed_item(row: Interest) -> dict:
    """What the kiosk learns: which interest, where it stands. Nothing about the person."""
    return {"id": row.id, "station_id": row.station_id, "status": row.status,
            "updated_at": row.updated_at.isoformat()}


def publish(s: Session, row: Interest) -> None:
    """Put the interest's status on the feed: kiosks only list interests taken at a kiosk (one
    from the phone page has its own status page), so only those are published."""
    if row.channel != "kiosk":
        return
    s.flush()
    feeds.put(s, FEED, [feed_item(row)])


def _text(pl: dict, key: str, limit: int) -> str:
    v = pl.get(key)
    return str(v)[:limit] if isinstance(v, str | int) else ""


def on_expressed(s: Session, station_id: str, event_id: str, occurred_at: datetime, pl: dict) -> None:
    """One row per event id (the event table already refuses a second event with the same id)."""
    if s.get(Interest, event_id) is not None:
        return
    token_hash = _text(pl, "token_hash", 64) or None
    if token_hash and s.scalar(select(Interest.id).where(Interest.token_hash == token_hash)):
        token_hash = None
    row = Interest(id=event_id, reference=reference_of(event_id, pl), token_hash=token_hash, station_id=station_id,
                   vacancy_id=_text(pl, "vacancy_id", 40), title=_text(pl, "title", 100),
                   employer=_text(pl, "employer", 100), channel="kiosk", person_key=_text(pl, "person_key", 64),
                   name=_text(pl, "name", 40), phone=_text(pl, "phone", 11), id_number=_text(pl, "id_number", 18),
                   status="new", note="", version=1, created_at=occurred_at, updated_at=occurred_at, updated_by="",
                   kind="signup" if pl.get("kind") == "signup" else "interest", shared=pl.get("shared") is True)
    s.add(row)
    publish(s, row)


def listing(s: Session, stations: list[str], status: str = "", limit: int = 300) -> list[Interest]:
    """Open ones first (oldest first: they have waited longest), then the closed ones, newest first."""
    if not stations:
        return []
    q = select(Interest).where(Interest.station_id.in_(stations))
    if status in INTEREST_STATUSES:
        q = q.where(Interest.status == status)
    rows = list(s.scalars(q.order_by(Interest.created_at.desc()).limit(limit)))
    return sorted(rows, key=lambda r: (r.status not in OPEN,
                                       r.created_at.timestamp() * (1 if r.status in OPEN else -1)))


def move(s: Session, interest_id: str, to: str, note: str, version: int, by: str) -> Interest:
    """Move an interest (the caller has checked the station); raises Refused or Stale."""
    row = s.get(Interest, interest_id)
    if row is None:
        raise Refused("没有找到这条意向", 404)
    if to not in INTEREST_STATUSES:
        raise Refused("没有这个状态", 400)
    if row.version != version:
        from central.office.changes import Stale

        raise Stale()
    if to not in NEXT.get(row.status, ()):
        raise Refused(f"这条意向现在是“{INTEREST_STATUSES[row.status]}”，不能改为“{INTEREST_STATUSES[to]}”")
    now = _now()
    compare_and_set(s, Interest, row.id, version, {"status": to, "note": note.strip()[:200] or row.note,
                                                   "updated_at": now,
                                                   "updated_by": by[:40]})
    row = s.get(Interest, interest_id)
    if to in SERVICES:
        ledger.record_service(s, record_id=str(uuid.uuid5(_RECORD_NS, f"{row.id}:{to}")), station_id=row.station_id,
                              service=SERVICES[to], at=now,
                              channel=row.channel if row.channel in ledger.CHANNELS else "kiosk",
                              person_key=row.person_key or None, ref_id=row.id,
                              outcome="hired" if to == "hired" else "served")
    publish(s, row)
    return row
