"""The table of 投递意向: a resident's interest in a vacancy, from a kiosk or from the job's phone page.

Both channels land here, so the station's staff work one list: 待联系 → 已联系 → 已推荐 → 面试 →
录用 / 未成功. The resident follows the status through a capability link (only the SHA-256 of its
token is kept) and at the kiosk under 我的申请.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from central.crypto import Sealed
from central.models.base import Base

#: status → what staff and the resident read
INTEREST_STATUSES = {"new": "待联系", "contacted": "已联系", "referred": "已推荐", "interview": "面试",
                     "hired": "录用", "failed": "未成功"}
#: kiosk and phone: the resident; counter: a referral staff made for a registered resident
INTEREST_CHANNELS = ("kiosk", "phone", "counter")
#: interest: 我有意向 / 我要投递; signup: 报名 for a day job (零工)
INTEREST_KINDS = {"interest": "意向", "signup": "报名", "referral": "推荐"}


class Interest(Base):
    __tablename__ = "interests"

    #: the kiosk's event id, or a new UUID for the phone page: one row per expression of interest
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: the short code printed or shown to the resident; opens nothing by itself
    reference: Mapped[str] = mapped_column(String(16), index=True)
    #: SHA-256 (hex) of the capability token in the resident's link; the token itself is never stored
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    vacancy_id: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(100), default="")
    employer: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(8))
    person_key: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(Sealed, default="")
    phone: Mapped[str] = mapped_column(Sealed, default="")
    id_number: Mapped[str] = mapped_column(Sealed, default="")
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    kind: Mapped[str] = mapped_column(String(10), default="interest", server_default="interest")
    #: the resident agreed that the employer may see their name and phone (a 报名 asks for it)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    #: when the employer marked the resident contacted on the posting's link
    employer_contacted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str] = mapped_column(Sealed, default="")
    #: grows with every change; a staff change made against an older version is refused (已被他人更新)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(40), default="")

    __table_args__ = (Index("ix_interests_vacancy_phone", "vacancy_id", "phone"),)
