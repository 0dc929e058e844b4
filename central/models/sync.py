"""Tables of the sync protocol: kiosks, nonces, feeds, events, service records, config, calls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base


class Kiosk(Base):
    """A registered kiosk. The secret is a shared HMAC key, so it is kept (not hashed)."""

    __tablename__ = "kiosks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    secret: Mapped[str] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_heartbeat: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    clock_offset_s: Mapped[float] = mapped_column(Float, default=0.0)
    pending_commands: Mapped[str] = mapped_column(String(200), default="")
    #: when its heartbeat was last kept in the history (central.fleet)
    last_sample_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Nonce(Base):
    """Nonces seen inside the timestamp window; a second use of one is a replay."""

    __tablename__ = "nonces"

    kiosk_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class FeedClock(Base):
    """The version counter of one feed.

    Writers take the next version with ``UPDATE ... SET value = value + 1``; the row lock that
    takes is held to commit, so versions become visible in commit order and a reader paging by
    ``version > cursor`` never skips a row committed late (the BIGSERIAL trap).
    ``purged_below``: the newest tombstone deleted so far; cursors older than it are expired.
    ``epoch`` changes when the feed is rebuilt from scratch; cursors of another epoch are expired.
    """

    __tablename__ = "feed_clocks"

    feed: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    purged_below: Mapped[int] = mapped_column(BigInteger, default=0)
    epoch: Mapped[str] = mapped_column(String(16), default="1")


class FeedItem(Base):
    __tablename__ = "feed_items"

    feed: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_feed_items_feed_version", "feed", "version"),)


class Event(Base):
    """Every event a kiosk sent, kept forever: the id is the accounting key of a service record."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(40), index=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(40), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[dict] = mapped_column(JSON)


class ServiceRecord(Base):
    """The effect of a ``service.rendered`` event: what the city pays stations by."""

    __tablename__ = "service_records"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    service: Mapped[str] = mapped_column(String(40))
    counter: Mapped[str] = mapped_column(String(20), default="")
    ticket_id: Mapped[str] = mapped_column(String(36), default="")
    issued_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    person_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="served")
    #: where the service was rendered (central.ledger.CHANNELS) and how identity was proven (IDENTITIES)
    channel: Mapped[str] = mapped_column(String(8), default="counter")
    identity: Mapped[str] = mapped_column(String(8), default="none")

    #: the ledger's monthly report reads one month of records (central/ledger_report.py)
    __table_args__ = (Index("ix_service_records_finished_at", "finished_at"),)


class RejectedEvent(Base):
    """Events refused (and why), so the city can follow up; the kiosk keeps its own copy too."""

    __tablename__ = "rejected_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(DateTime)


class StationConfig(Base):
    __tablename__ = "station_configs"

    station_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    config: Mapped[dict] = mapped_column(JSON)


class CallClock(Base):
    """Per-station call counter (same commit-order trick as FeedClock)."""

    __tablename__ = "call_clocks"

    station_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class CallRecord(Base):
    __tablename__ = "calls"

    station_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), default="")
    number: Mapped[str] = mapped_column(String(12))
    counter: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(40), default="")
    called_at: Mapped[datetime] = mapped_column(DateTime)
    #: ticket: a number called to a counter; help: staff answered a kiosk's call for help
    #: (``ticket_id`` holds the help call's id)
    kind: Mapped[str] = mapped_column(String(8), default="ticket", server_default="ticket")


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")

