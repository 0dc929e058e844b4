"""The table of 就业失业登记 / 就业需求调查 from the kiosks: the station's 台账 of residents, their
priority groups and needs, and the follow-up call (待回访 → 已回访, with what was offered)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.crypto import Sealed
from central.models.base import Base

#: follow-up status → what staff read
FOLLOWUP_STATUSES = {"pending": "待回访", "done": "已回访"}


class Registration(Base):
    __tablename__ = "registrations"

    #: the kiosk's event id: one row per submitted registration
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40))
    person_key: Mapped[str] = mapped_column(String(64), default="")
    id_number: Mapped[str] = mapped_column(Sealed, default="")
    phone: Mapped[str] = mapped_column(Sealed, default="")
    employment_status: Mapped[str] = mapped_column(String(20), default="")
    desired_occupations: Mapped[list] = mapped_column(JSON, default=list)
    desired_district: Mapped[str] = mapped_column(String(20), default="")
    expected_salary: Mapped[str] = mapped_column(String(20), default="")
    training_needs: Mapped[list] = mapped_column(JSON, default=list)
    key_groups: Mapped[list] = mapped_column(JSON, default=list)
    #: the groups and needs as ",a,b," so a list filters with one LIKE on either database
    groups_text: Mapped[str] = mapped_column(String(200), default=",")
    needs_text: Mapped[str] = mapped_column(String(200), default=",")
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    followup: Mapped[str] = mapped_column(String(8), default="pending")
    #: what was offered at the follow-up (岗位推荐, 技能培训, …)
    offered: Mapped[list] = mapped_column(JSON, default=list)
    followup_note: Mapped[str] = mapped_column(Sealed, default="")
    followed_by: Mapped[str] = mapped_column(String(40), default="")
    followed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_registrations_station", "station_id", "submitted_at"),)
