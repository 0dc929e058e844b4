"""Signed release bundles of the kiosk (``kiosk.domain.bundle``) and who is to get each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base


class Release(Base):
    """One kiosk version as its bundle, kept in the database so every worker serves it. The
    rollout says who gets it: ``percent`` of the kiosks (the same ones each time: a hash of the
    kiosk id) and the ``stations`` listed; the newest release that takes a kiosk in is its target."""

    __tablename__ = "releases"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    bundle: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    published_at: Mapped[datetime] = mapped_column(DateTime)
    published_by: Mapped[str] = mapped_column(String(40), default="")
    made_at: Mapped[str] = mapped_column(String(40), default="")
    percent: Mapped[int] = mapped_column(Integer, default=0)
    stations: Mapped[list] = mapped_column(JSON, default=list)
    rollout_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
