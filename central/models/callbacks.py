"""The table of 回电申请 (call-back requests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.crypto import Sealed
from central.models.base import Base

TOPIC_MAX = 40
NOTE_MAX = 200


class CallbackRow(Base):
    __tablename__ = "consult_callbacks"

    #: the kiosk's event id: one row per event, however often it is pushed
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), index=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    topic: Mapped[str] = mapped_column(String(TOPIC_MAX))
    phone: Mapped[str] = mapped_column(Sealed)
    person_key: Mapped[str] = mapped_column(String(64), default="")
    requested_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    note: Mapped[str] = mapped_column(Sealed, default="")
    advisor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    advisor_name: Mapped[str] = mapped_column(String(40), default="")
    handled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
