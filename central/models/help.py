"""呼叫工作人员: a resident at a kiosk asked for a person; the station's staff see it on the console
and answer 我马上过去, which reaches the kiosk on the calls long-poll (工作人员马上就到)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base


class HelpCall(Base):
    __tablename__ = "help_calls"

    #: the kiosk's ``help.requested`` event id
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40))
    kiosk_id: Mapped[str] = mapped_column(String(40))
    #: the screen the resident was on (its name as the kiosk shows it), and 长辈模式 or not
    screen: Mapped[str] = mapped_column(String(40), default="")
    elder: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    acknowledged_by: Mapped[str] = mapped_column(String(40), default="")
    counter: Mapped[str] = mapped_column(String(20), default="")

    __table_args__ = (Index("ix_help_calls_station_open", "station_id", "acknowledged_at"),)
