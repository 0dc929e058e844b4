"""Prebuilt kiosk databases holding a whole feed (docs/PROTOCOL.md, "Vacancy image")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base


class FeedImage(Base):
    """The image on offer for one feed: a gzip-compressed kiosk database as of ``cursor``, kept in
    the database so every worker serves it. Publishing replaces it; it is offered only while its
    cursor is still current (``central.feed_images.current``)."""

    __tablename__ = "feed_images"

    feed: Mapped[str] = mapped_column(String(40), primary_key=True)
    schema_rev: Mapped[str] = mapped_column(String(40))
    rows: Mapped[int] = mapped_column(Integer)
    cursor: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    built_at: Mapped[datetime] = mapped_column(DateTime)
    published_at: Mapped[datetime] = mapped_column(DateTime)
    published_by: Mapped[str] = mapped_column(String(40), default="")
