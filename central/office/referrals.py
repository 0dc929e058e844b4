"""岗位推荐: staff refer a registered resident to a vacancy, and the printed 推荐单.

A referral is an interest of channel ``counter`` that starts at 已推荐, so it is worked in the
same list (面试 → 录用 / 未成功) and counted the same way in the workload ledger: one 岗位推荐
record now, one 推荐成功 when the resident is hired. A resident is referred to a job once.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import ledger
from central.models import FeedItem, Interest, Registration
from central.office.changes import Refused
from central.phone.data import vacancy_open
from kiosk.domain.bookings import REFERENCE_ALPHABET


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def open_vacancy(s: Session, vacancy_id: str) -> dict:
    """The open vacancy with this id (as typed: spaces and case forgiven), or Refused."""
    vid = "".join(vacancy_id.split())[:40]
    row = s.get(FeedItem, ("vacancies", vid)) or s.get(FeedItem, ("vacancies", vid.upper()))
    if row is None:
        raise Refused(f"没有编号为“{vid}”的岗位，请核对岗位编号", 404)
    if row.deleted or not vacancy_open(row.data):
        raise Refused(f"岗位“{row.data.get('title', vid) if not row.deleted else vid}”已下架，不能推荐", 410)
    return dict(row.data)


def refer_registration(s: Session, reg_id: str, vacancy_id: str, by: str) -> Interest:
    reg = s.get(Registration, reg_id[:36])
    if reg is None:
        raise Refused("没有找到这条登记", 404)
    v = open_vacancy(s, vacancy_id)
    if reg.person_key and s.scalar(select(Interest.id).where(Interest.vacancy_id == v["id"],
                                                             Interest.person_key == reg.person_key)):
        raise Refused(f"这位居民已经有“{v.get('title', '')}”的意向或推荐，请在“意向”里跟进", 409)
    now = _now()
    row = Interest(id=str(uuid.uuid4()), reference="TJ" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6)),
                   token_hash=None, station_id=reg.station_id, vacancy_id=v["id"], title=str(v.get("title", ""))[:100],
                   employer=str(v.get("employer", ""))[:100], channel="counter", person_key=reg.person_key,
                   name="", phone=reg.phone, id_number=reg.id_number, status="referred", kind="referral",
                   note=f"由登记 {reg.id[:8].upper()} 推荐", version=1, created_at=now, updated_at=now,
                   updated_by=by[:40])
    s.add(row)
    s.flush()
    ledger.record_service(s, record_id=ledger.record_id_for("referral", row.id),
                          station_id=row.station_id, service="referral", at=now, channel="counter",
                          person_key=row.person_key or None, ref_id=row.id)
    return row
