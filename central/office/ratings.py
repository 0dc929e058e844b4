"""好差评 on central: every ``feedback.given`` becomes a ``ratings`` row; a 差评 (score 1 or 2 of
5: 不满意 and 非常不满意) opens a follow-up the station must answer, with a 回访 note and an 整改
note, within 5 working days (Monday to Friday of the station's calendar; public holidays are not
known to central, so a holiday week leaves fewer real days, never more)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import Rating
from central.office.changes import Refused, compare_and_set
from central.tickets import local_day

BAD_AT_MOST = 2
DUE_WORKING_DAYS = 5
SCORES = {1: "非常不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "非常满意"}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def due_date(given_on: date, working_days: int = DUE_WORKING_DAYS) -> date:
    """The last day to answer: ``working_days`` Monday-to-Friday days after the rating's day."""
    d, left = given_on, working_days
    while left:
        d += timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d


def on_given(s: Session, station_id: str, event_id: str, occurred_at: datetime, pl: dict) -> None:
    if s.get(Rating, event_id) is not None:
        return
    score = int(pl["score"])
    bad = score <= BAD_AT_MOST
    s.add(Rating(id=event_id, station_id=station_id, service=str(pl.get("service") or "")[:40], score=score,
                 given_at=occurred_at, bad=bad, due_on=due_date(local_day(occurred_at)) if bad else None,
                 followup="open" if bad else "", version=1))


def overdue(row: Rating, today: date) -> bool:
    return row.followup == "open" and row.due_on is not None and today > row.due_on


def listing(s: Session, stations: list[str], *, only_bad: bool = False, limit: int = 500) -> list[Rating]:
    """Open 差评 first (the earliest due first), then every other rating, newest first."""
    if not stations:
        return []
    q = select(Rating).where(Rating.station_id.in_(stations))
    if only_bad:
        q = q.where(Rating.bad.is_(True))
    rows = list(s.scalars(q.order_by(Rating.given_at.desc()).limit(limit)))
    return sorted(rows, key=lambda r: (r.followup != "open", r.due_on or date.max,
                                       -r.given_at.timestamp()))


def answer(s: Session, rating_id: str, callback_note: str, fix_note: str, version: int, by: str) -> Rating:
    row = s.get(Rating, rating_id)
    if row is None:
        raise Refused("没有找到这条评价", 404)
    if not row.bad:
        raise Refused("只有差评需要回访", 400)
    if not callback_note.strip() or not fix_note.strip():
        raise Refused("请填写回访情况和整改措施", 400)
    if row.version != version:
        from central.office.changes import Stale

        raise Stale()
    if row.followup == "answered":
        raise Refused("这条差评已经回访过了")
    compare_and_set(s, Rating, rating_id, version, {"followup": "answered", "callback_note": callback_note.strip()[:200],
                                                   "fix_note": fix_note.strip()[:200], "answered_by": by[:40],
                                                   "answered_at": _now()})
    return s.get(Rating, rating_id)
