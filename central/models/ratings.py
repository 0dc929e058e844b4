"""The table of 好差评: every rating a resident gave at a kiosk, and the follow-up a 差评 opens
(回访 and 整改 note, due within 5 working days)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from central.crypto import Sealed
from central.models.base import Base


class Rating(Base):
    __tablename__ = "ratings"

    #: the kiosk's event id
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(40), default="")
    score: Mapped[int] = mapped_column(SmallInteger)
    given_at: Mapped[datetime] = mapped_column(DateTime)
    #: a 差评 (score ≤ 2): it needs a follow-up by ``due_on`` (station-local date)
    bad: Mapped[bool] = mapped_column(Boolean, default=False)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: "" (a good rating), "open" or "answered"
    followup: Mapped[str] = mapped_column(String(8), default="")
    callback_note: Mapped[str] = mapped_column(Sealed, default="")
    fix_note: Mapped[str] = mapped_column(Sealed, default="")
    answered_by: Mapped[str] = mapped_column(String(40), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_ratings_station", "station_id", "given_at"),)
