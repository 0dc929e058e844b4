"""工作量 (the workload ledger): one service record for every service a station renders.

The city funds stations by these records, so every feature writes them through
``record_service`` and nowhere else: the record carries the station, the service, when, the
channel it was rendered through and how the person's identity was proven.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from central.models import Event, ServiceRecord

#: channel → name on reports
CHANNELS = {"kiosk": "自助终端", "counter": "窗口", "phone": "手机页面", "video": "视频", "home": "上门"}
#: how identity was proven → name on reports
IDENTITIES = {"idcard": "身份证", "essc": "电子社保卡", "typed": "手输证件号", "none": "未核验"}

#: service codes of the records that are not a queue ticket's, with their names on reports
#: (a ticket's record carries its queue service code, named by the station's config)
SERVICES = {"video_consult": "视频咨询", "callback": "回电", "home_visit": "上门服务", "proxy": "代理服务",
            "registration": "就业登记", "interest_followup": "意向跟进", "referral": "岗位推荐",
            "fair_signup": "招聘会报名", "referral_hired": "推荐成功", "employer_posting": "招聘登记",
            "help_call": "终端求助"}


_RECORD_NS = uuid.UUID("8f5d6c1e-2b7a-4c55-9a43-6d1e0c7b9a21")


def record_id_for(kind: str, ref: str) -> str:
    """The record id of a service answered on central (a call-back made, a request done): derived
    from what was answered, so answering it twice can never write a second record."""
    return str(uuid.uuid5(_RECORD_NS, f"{kind}:{ref}"))


def identity_from(payload: dict | None) -> str:
    """The ``identity`` a kiosk event says the resident proved (docs/PROTOCOL.md); "none" when it
    says nothing usable (an older kiosk, an anonymous visit)."""
    value = (payload or {}).get("identity")
    return value if isinstance(value, str) and value in IDENTITIES else "none"


def identity_of_event(s: Session, event_id: str | None) -> str:
    """The identity proof carried by an event already stored (the request a later service answers)."""
    ev = s.get(Event, event_id) if event_id else None
    return identity_from(ev.payload if ev is not None and isinstance(ev.payload, dict) else None)


def record_service(s: Session, *, record_id: str, station_id: str, service: str, at: datetime,
                   channel: str, identity: str = "none", person_key: str | None = None, ref_id: str = "",
                   counter: str = "", outcome: str = "served", issued_at: datetime | None = None,
                   started_at: datetime | None = None) -> ServiceRecord:
    """Add one service record (``at``: naive UTC, when the service was completed)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
    if identity not in IDENTITIES:
        raise ValueError(f"unknown identity proof {identity!r}; one of {', '.join(IDENTITIES)}")
    row = ServiceRecord(event_id=record_id, station_id=station_id, service=service[:40], counter=counter[:20],
                        ticket_id=ref_id[:36], issued_at=issued_at, started_at=started_at, finished_at=at,
                        person_key=person_key, outcome=outcome[:20], channel=channel, identity=identity)
    s.add(row)
    return row
