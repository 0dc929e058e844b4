"""Tables of the staff side: the central copy of each queue ticket, counters, staff accounts.

Times are naive UTC like every other central table; ``day`` is the station's local date
(Asia/Shanghai) the kiosk numbered the ticket on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base

#: ticket states; ``transferred`` tickets live on as a new waiting ticket of another service
STATUSES = ("waiting", "called", "serving", "done", "no_show", "transferred")


class QueueTicket(Base):
    """A ticket taken at a kiosk (projected from its ``ticket.issued`` event), as the counters see it."""

    __tablename__ = "queue_tickets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(12))
    day: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the group staff marked it with (残疾人, 孕妇/怀抱婴儿, …); "" for none or priority by age
    priority_group: Mapped[str] = mapped_column(String(20), default="")
    priority_note: Mapped[str] = mapped_column(String(60), default="")
    person_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    counter: Mapped[str] = mapped_column(String(20), default="")
    staff: Mapped[str] = mapped_column(String(40), default="")
    called_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_called_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    services_delivered: Mapped[list] = mapped_column(JSON, default=list)
    #: the ticket this one was transferred from (same number, another service), if any
    transferred_from: Mapped[str | None] = mapped_column(String(36), nullable=True)
    #: the service record its finish wrote (at most one per ticket)
    service_record_id: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)
    source_event_id: Mapped[str] = mapped_column(String(36), default="")

    __table_args__ = (
        Index("ix_queue_tickets_line", "station_id", "day", "status"),
        Index("ix_queue_tickets_counter", "station_id", "counter", "status"),
    )


class Counter(Base):
    """A counter (窗口) of a station. Its row is locked by every action at that counter, so two
    clicks at once can never leave one counter with two current tickets."""

    __tablename__ = "staff_counters"

    station_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    counter: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: service codes this counter calls; empty: all of the station's services
    services: Mapped[list] = mapped_column(JSON, default=list)
    staff: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class StaffUser(Base):
    """A console account. Passwords are kept as salted scrypt hashes only.

    ``role``: "staff" (their station), "district" (the stations of ``district``) or "city" (every
    station, plus accounts); see ``central.scope``. Administrators may have no station ("").
    ``session_gen`` grows whenever the account is disabled or its password is set: every request
    checks it against the one in the session cookie, so those sessions end at once.
    """

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    #: "staff" (own station), "district" (own district's stations) or "city" (all, plus accounts);
    #: an older "admin" reads as "city" (central.scope.role_of)
    role: Mapped[str] = mapped_column(String(10), default="staff")
    district: Mapped[str] = mapped_column(String(20), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    session_gen: Mapped[int] = mapped_column(Integer, default=0)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("station_id", "name", name="uq_staff_users_station_name"),)


class StaffAction(Base):
    """What was done at which counter, by whom, when: the audit trail of the console."""

    __tablename__ = "staff_actions"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    counter: Mapped[str] = mapped_column(String(20))
    staff: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[str] = mapped_column(String(36), default="")
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime)
