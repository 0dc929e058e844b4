"""工作量 (the workload ledger): one service record for every service a station renders.

The city funds stations by these records, so every feature writes them through
``record_service`` and nowhere else: the record carries the station, the service, when, the
channel it was rendered through and how the person's identity was proven.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from central.models import ServiceRecord

#: channel → name on reports
CHANNELS = {"kiosk": "自助终端", "counter": "窗口", "phone": "手机页面", "video": "视频", "home": "上门"}
#: how identity was proven → name on reports
IDENTITIES = {"idcard": "身份证", "essc": "电子社保卡", "typed": "手输证件号", "none": "未核验"}


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
