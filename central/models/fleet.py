"""The fleet page's memory: a sample of each kiosk's heartbeat every few minutes (its history),
and the alerts raised when a kiosk goes quiet or a part of it fails."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base


class KioskSample(Base):
    """One heartbeat of a kiosk in ``central.fleet.SAMPLE_EVERY_S`` (kept ``HISTORY_DAYS``)."""

    __tablename__ = "kiosk_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)
    uptime_s: Mapped[float] = mapped_column(Float, default=0.0)
    outbox_pending: Mapped[int] = mapped_column(Integer, default=0)
    outbox_oldest_age_s: Mapped[float] = mapped_column(Float, default=0.0)
    clock_offset_s: Mapped[float] = mapped_column(Float, default=0.0)
    rss_mb: Mapped[float] = mapped_column(Float, default=0.0)
    disk_free_mb: Mapped[float] = mapped_column(Float, default=0.0)
    #: the devices that were not ok, comma-separated ("" when all were)
    devices_not_ok: Mapped[str] = mapped_column(String(120), default="")

    __table_args__ = (Index("ix_kiosk_samples_kiosk_at", "kiosk_id", "at"),)


class FleetAlert(Base):
    """A problem of one kiosk, from when it was first seen until it was gone (``ended_at``)."""

    __tablename__ = "fleet_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    station_id: Mapped[str] = mapped_column(String(40))
    #: offline | device | outbox | crash_loop | clock
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: sent to the configured receiver (webhook) when it started
    notified: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_fleet_alerts_open", "kiosk_id", "kind", "ended_at"),)


class KioskOrder(Base):
    """A remote command for one kiosk (``kiosk.sync.protocol.Order``): who gave it, when it
    reached the kiosk, and what the kiosk answered."""

    __tablename__ = "kiosk_orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[str] = mapped_column(String(40), default="")
    #: first sent on a heartbeat reply, and how many times
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    #: upload_logs: the lines the kiosk sent
    output: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (Index("ix_kiosk_orders_open", "kiosk_id", "done_at"),)
