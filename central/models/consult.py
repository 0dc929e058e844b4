"""Tables of the video consultation: advisors and consultation requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from central.crypto import Sealed
from central.models.base import Base

FINISHED = ("ended", "cancelled", "timeout")


class Advisor(Base):
    __tablename__ = "consult_advisors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    pool: Mapped[str] = mapped_column(String(40), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(12), default="offline")
    status_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ConsultRequest(Base):
    __tablename__ = "consult_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    station_id: Mapped[str] = mapped_column(String(40))
    pool: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(20))
    identified: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12), default="waiting")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    connected_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    advisor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    advisor_name: Mapped[str] = mapped_column(String(40), default="")
    offer_gen: Mapped[int] = mapped_column(Integer, default=0)
    offer_sdp: Mapped[str] = mapped_column(Text, default="")
    answer_gen: Mapped[int] = mapped_column(Integer, default=0)
    answer_sdp: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(20), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Sealed, default="")
    kiosk_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    __table_args__ = (Index("ix_consult_requests_pool_state", "pool", "state"),)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
