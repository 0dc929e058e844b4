"""呼叫工作人员 on central: a kiosk's ``help.requested`` becomes an open help call of its station;
the station's console shows it until someone answers 我马上过去. The answer is a call of kind
``help`` on the station's calls long-poll (so the kiosk shows 工作人员马上就到 within a poll) and
one workload record (``help_call``): helping a resident at the kiosk is a service."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import calls, ledger
from central.models import HelpCall

#: older open calls than this are not shown any more (the resident has long left)
SHOWN_FOR_S = 2 * 3600


class Refused(ValueError):
    pass


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def on_requested(s: Session, station_id: str, kiosk_id: str, event_id: str, at: datetime, pl: dict) -> None:
    if s.get(HelpCall, event_id) is not None:
        return
    s.add(HelpCall(id=event_id, station_id=station_id, kiosk_id=kiosk_id[:40], screen=str(pl.get("screen", ""))[:40],
                   elder=pl.get("elder") is True, requested_at=at, acknowledged_at=None, acknowledged_by="",
                   counter=""))


def open_calls(s: Session, station_id: str, now: datetime | None = None) -> list[dict]:
    """The station's unanswered help calls, oldest first, as the console shows them."""
    now = now or _now()
    rows = s.scalars(select(HelpCall).where(HelpCall.station_id == station_id, HelpCall.acknowledged_at.is_(None))
                     .order_by(HelpCall.requested_at)).all()
    return [{"id": r.id, "screen": r.screen, "elder": r.elder, "kiosk": r.kiosk_id,
             "waited_s": max(0, int((now - r.requested_at).total_seconds()))}
            for r in rows if (now - r.requested_at).total_seconds() <= SHOWN_FOR_S]


def on_answered_at_kiosk(s: Session, station_id: str, pl: dict) -> None:
    """Staff answered on the kiosk's own panel while central was unreachable: the same answer
    (and workload record) as on the console, unless the console answered first."""
    row = s.get(HelpCall, str(pl.get("help_id", ""))[:36])
    if row is None or row.station_id != station_id or row.acknowledged_at is not None:
        return
    acknowledge(s, station_id, row.id, "终端面板", str(pl.get("counter", ""))[:20], tell_kiosk=False)


def acknowledge(s: Session, station_id: str, help_id: str, by: str, counter: str, *,
                tell_kiosk: bool = True) -> HelpCall:
    row = s.get(HelpCall, help_id[:36])
    if row is None or row.station_id != station_id:
        raise Refused("没有找到这次呼叫")
    if row.acknowledged_at is not None:
        raise Refused(f"{row.acknowledged_by or '其他工作人员'} 已经答应过去了")
    now = _now()
    row.acknowledged_at, row.acknowledged_by, row.counter = now, by[:40], counter[:20]
    if tell_kiosk:
        calls.add(s, station_id, "求助", counter or "-", ticket_id=row.id, service="", kind="help")
    ledger.record_service(s, record_id=ledger.record_id_for("help", row.id), station_id=station_id,
                          service="help_call", at=now, channel="kiosk", ref_id=row.id, counter=counter)
    return row
