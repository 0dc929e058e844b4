"""招聘登记: a job posting brought by an employer (their phone form) or by station staff (the console).

A posting is reviewed by the station's staff: 待审核 → 已发布 (a vacancy on every kiosk), or 退回
with a reason (the employer corrects it and sends it again). A published posting can be edited
(it is published again as a new version of the same vacancy) or withdrawn (the vacancy becomes
a tombstone, kiosks drop it and its phone page answers 410). The employer follows and steers the
posting through a capability link; only the SHA-256 of its token is kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base

#: status → what staff and the employer read
POSTING_STATUSES = {"pending": "待审核", "published": "已发布", "returned": "已退回", "withdrawn": "已撤下"}
POSTING_SOURCES = ("employer", "staff")


class PostingRow(Base):
    __tablename__ = "postings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: ZP + 6 characters: the posting's reference on paper and on the phone; also its vacancy id
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    company: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(30))
    #: the checked form (kiosk.domain.postings.Posting as a form); the company's contact is business
    #: information that the published job shows anyway
    fields: Mapped[dict] = mapped_column(JSON)
    return_reason: Mapped[str] = mapped_column(String(200), default="")
    #: an edit waiting for review of a posting already published (the published version stays up)
    changed: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(40), default="")

    @property
    def vacancy_id(self) -> str:
        return self.reference
