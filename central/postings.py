"""招聘登记 on central: postings from employers' phones and from station staff, their review, and
the vacancy each published posting becomes on the ``vacancies`` feed.

The vacancy's id is the posting's reference (ZP…), so an edit publishes a new version of the same
vacancy and a withdrawal leaves a tombstone: kiosks drop the job within one sync round and its
phone page answers 410. Publishing is a service to an employer and writes one workload record.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import feeds, ledger
from central.models import Interest, PostingRow, StationConfig
from central.office.changes import Refused, Stale, compare_and_set
from central.phone.data import station as station_of
from central.phone.data import today as tianjin_today
from kiosk.domain import postings as rules
from kiosk.domain.bookings import REFERENCE_ALPHABET
from kiosk.domain.jobwords import occupations
from kiosk.sync.protocol import VacancyItem

FEED = "vacancies"
REASON_MAX = 200


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def all_occupations() -> frozenset[str]:
    return frozenset(o for group in occupations().values() for o in group)


def station_district(s: Session, station_id: str) -> str:
    """The district whose streets a station's postings are placed on ("" when it has none)."""
    st = station_of(s, station_id) or {}
    district = str(st.get("district") or "")
    if not district:
        cfg = s.get(StationConfig, station_id)
        district = str(((cfg.config if cfg else None) or {}).get("district") or "")
    return district


def check(s: Session, station_id: str, form: dict[str, str]) -> tuple[rules.Posting | None, dict[str, str]]:
    return rules.check(form, district=station_district(s, station_id), today=tianjin_today(),
                       occupations=all_occupations())


def _fields(p: rules.Posting) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in p.__dict__.items()}


def posting_of(row: PostingRow) -> rules.Posting:
    f = dict(row.fields)
    for k in ("expires_on", "work_from"):
        if f.get(k):
            f[k] = date.fromisoformat(f[k])
    return rules.Posting(**f)


def _reference(s: Session) -> str:
    while True:
        ref = "ZP" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if s.scalar(select(PostingRow.id).where(PostingRow.reference == ref)) is None:
            return ref


def submit(s: Session, station_id: str, p: rules.Posting, *, source: str, by: str = "",
           token_hash: str | None = None) -> PostingRow:
    """A new posting, waiting for review."""
    now = _now()
    row = PostingRow(id=str(uuid.uuid4()), reference=_reference(s), station_id=station_id, source=source,
                     status="pending", credit_code=p.credit_code, company=p.company, title=p.title,
                     fields=_fields(p), return_reason="", changed=False, token_hash=token_hash, version=1,
                     created_at=now, updated_at=now, published_at=None, updated_by=by[:40])
    s.add(row)
    s.flush()
    return row


def change(s: Session, row: PostingRow, p: rules.Posting, version: int, by: str, *, review: bool) -> PostingRow:
    """New contents. ``review``: the employer's edit goes back to 待审核 (a published posting stays
    up as it was until staff publish the edit); staff's own edit of a published one is published."""
    if row.status == "withdrawn":
        raise Refused("这个岗位已经撤下，不能再修改；如需再招，请重新登记", 409)
    values = {"fields": _fields(p), "company": p.company, "title": p.title, "credit_code": p.credit_code,
              "updated_at": _now(), "updated_by": by[:40], "return_reason": ""}
    if review:
        values.update(status="published" if row.status == "published" else "pending",
                      changed=row.status == "published")
    compare_and_set(s, PostingRow, row.id, version, values)
    row = s.get(PostingRow, row.id)
    if not review and row.status == "published":
        _put_on_feed(s, row)
    return row


def feed_item(row: PostingRow, on: date | None = None) -> dict:
    """The vacancy a published posting is, as the feed carries it (checked by the protocol model)."""
    from central.importer import COMPLETERS

    p = posting_of(row)
    street = rules.street_of(p)
    item = {"id": row.reference, "title": p.title, "category": p.occupation, "employer": p.company,
            "employer_intro": "", "district": p.district, "street": p.street,
            "address": f"{p.district}{p.street}{p.address}", "lat": street.lat, "lon": street.lon,
            "salary_min": p.salary_min, "salary_max": p.salary_max, "salary_unit": p.salary_unit,
            "job_type": p.job_type, "headcount": p.headcount, "work_hours": p.work_hours,
            "requirements": p.requirements, "benefits": p.benefits, "contact_name": p.contact_name,
            "contact_phone": p.contact_phone, "posted_on": (on or tianjin_today()).isoformat(),
            "expires_on": p.expires_on.isoformat(), "status": "open",
            "work_from": p.work_from.isoformat() if p.work_from else None, "meet_place": p.meet_place,
            "meet_time": p.meet_time, "updated_at": _now().isoformat()}
    return VacancyItem.model_validate(COMPLETERS[FEED](item)).model_dump(mode="json")


def _put_on_feed(s: Session, row: PostingRow) -> None:
    """The vacancy as published: posted on the Tianjin day it was first published."""
    from central.tickets import local_day

    feeds.put(s, FEED, [feed_item(row, local_day(row.published_at) if row.published_at else None)])


def _load(s: Session, posting_id: str, version: int) -> PostingRow:
    row = s.get(PostingRow, posting_id[:36])
    if row is None:
        raise Refused("没有找到这个招聘登记", 404)
    if row.version != version:
        raise Stale()
    return row


def publish(s: Session, posting_id: str, version: int, by: str) -> PostingRow:
    row = _load(s, posting_id, version)
    if row.status not in ("pending", "returned") and not (row.status == "published" and row.changed):
        raise Refused(f"这个招聘登记现在是“{_status(row)}”，不用再发布")
    first = row.published_at is None
    now = _now()
    compare_and_set(s, PostingRow, row.id, version, {"status": "published", "changed": False, "return_reason": "",
                                                     "published_at": row.published_at or now, "updated_at": now,
                                                     "updated_by": by[:40]})
    row = s.get(PostingRow, row.id)
    _put_on_feed(s, row)
    if first:
        ledger.record_service(s, record_id=ledger.record_id_for("posting", row.id), station_id=row.station_id,
                              service="employer_posting", at=now,
                              channel="phone" if row.source == "employer" else "counter", ref_id=row.id)
    return row


def send_back(s: Session, posting_id: str, version: int, reason: str, by: str) -> PostingRow:
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("请写明退回的原因，单位才知道要改什么", 400)
    if len(reason) > REASON_MAX:
        raise Refused(f"退回原因最多 {REASON_MAX} 个字", 400)
    row = _load(s, posting_id, version)
    if row.status not in ("pending",) and not (row.status == "published" and row.changed):
        raise Refused(f"这个招聘登记现在是“{_status(row)}”，不能退回")
    # an edit of a published posting is sent back alone: the published version stays up
    values = {"return_reason": reason, "updated_at": _now(), "updated_by": by[:40]}
    if row.status == "pending":
        values["status"] = "returned"
    compare_and_set(s, PostingRow, row.id, version, values)
    return s.get(PostingRow, row.id)


def withdraw(s: Session, posting_id: str, version: int, by: str) -> PostingRow:
    row = _load(s, posting_id, version)
    if row.status == "withdrawn":
        raise Refused("这个岗位已经撤下了")
    compare_and_set(s, PostingRow, row.id, version, {"status": "withdrawn", "changed": False,
                                                     "updated_at": _now(), "updated_by": by[:40]})
    feeds.delete(s, FEED, [row.reference])
    return s.get(PostingRow, row.id)


def _status(row: PostingRow) -> str:
    from central.models import POSTING_STATUSES

    return POSTING_STATUSES.get(row.status, row.status)


def listing(s: Session, stations: list[str], status: str = "", limit: int = 300) -> list[PostingRow]:
    """To review first (oldest first), then the rest, newest first."""
    if not stations:
        return []
    q = select(PostingRow).where(PostingRow.station_id.in_(stations))
    if status == "review":
        q = q.where((PostingRow.status == "pending") | PostingRow.changed)
    elif status:
        q = q.where(PostingRow.status == status)
    rows = list(s.scalars(q.order_by(PostingRow.created_at.desc()).limit(limit)))
    waiting = [r for r in rows if r.status == "pending" or r.changed]
    return sorted(waiting, key=lambda r: r.created_at) + [r for r in rows if r not in waiting]


def duplicates(s: Session, rows: list[PostingRow]) -> dict[str, str]:
    """posting id → the reference of an earlier live posting of the same company for the same job."""
    codes = {r.credit_code for r in rows}
    if not codes:
        return {}
    live = list(s.scalars(select(PostingRow).where(PostingRow.credit_code.in_(codes),
                                                   PostingRow.status != "withdrawn")
                          .order_by(PostingRow.created_at)))
    out: dict[str, str] = {}
    for r in rows:
        if r.status == "withdrawn":
            continue
        mine = posting_of(r)
        for other in live:
            if other.id == r.id:
                break
            if rules.same_job(mine, posting_of(other)):
                out[r.id] = other.reference
                break
    return out


def received(s: Session, row: PostingRow) -> list[Interest]:
    """The interests, sign-ups and referrals the posting's job received, newest first."""
    return list(s.scalars(select(Interest).where(Interest.vacancy_id == row.reference)
                          .order_by(Interest.created_at.desc()).limit(500)))


def by_token(s: Session, token_hash: str) -> PostingRow | None:
    return s.scalar(select(PostingRow).where(PostingRow.token_hash == token_hash))
