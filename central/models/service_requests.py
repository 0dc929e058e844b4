"""The table of 上门服务 and 代理服务 requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from central.crypto import Sealed, SealedJSON
from central.models.base import Base


class ServiceRequestRow(Base):
    __tablename__ = "service_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    event_id: Mapped[str] = mapped_column(String(36))
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    person_key: Mapped[str] = mapped_column(String(64), default="")
    window_day: Mapped[date] = mapped_column(Date)
    window_half: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(40))
    #: what the resident gave (ID number, name, phone, street and detail, declared situation)
    details: Mapped[dict] = mapped_column(SealedJSON)
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    staff: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Sealed, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(40), default="")
