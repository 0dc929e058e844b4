"""The audit log of the back office (PIPL): every view of a full phone or ID number, and every
change refused because the record belongs to another station."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base

#: action → what the audit page calls it
AUDIT_ACTIONS = {"view_phone": "查看完整电话", "view_id_number": "查看完整身份证号",
                 "refused_change": "拒绝：跨驿站修改", "kiosk_order": "给终端下指令",
                 "kiosk_order_done": "终端执行指令"}


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int] = mapped_column(Integer)
    user_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(10))
    #: the viewer's own station ("" for an administrator without one)
    user_station: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(40))
    #: the kind of record ("interest", "registration", …) and its id and station
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36))
    record_station: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_record", "record_type", "record_id"))
