"""SQLAlchemy models of the kiosk's local database.

Feed tables (vacancies, stations, announcements, job fairs, the service catalogue) mirror the central system and carry its
``version``; an older version never overwrites a newer one. Tables the kiosk writes (tickets,
outbox events) are the source of truth until the central system has accepted them.
Nothing here holds a personal detail in clear text: personal payloads live only inside
``OutboxEvent.payload``, encrypted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Vacancy(Base):
    __tablename__ = "vacancies"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(40))
    employer: Mapped[str] = mapped_column(String(120))
    employer_intro: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    salary_min: Mapped[int] = mapped_column(Integer)
    salary_max: Mapped[int] = mapped_column(Integer)
    salary_unit: Mapped[str] = mapped_column(String(8), default="月")
    job_type: Mapped[str] = mapped_column(String(16))
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    education: Mapped[str] = mapped_column(String(20), default="不限")
    experience: Mapped[str] = mapped_column(String(20), default="不限")
    age_range: Mapped[str] = mapped_column(String(20), default="")
    work_hours: Mapped[str] = mapped_column(String(60), default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    benefits: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    posted_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    pinyin_initials: Mapped[str] = mapped_column(String(80), default="")
    pinyin_full: Mapped[str] = mapped_column(String(400), default="")
    #: residents' words for the occupation with their pinyin (kiosk.domain.jobwords), by the producer
    search_terms: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    #: the everyday group of 按类别找工作 (kiosk.domain.jobwords.GROUPS)
    job_group: Mapped[str] = mapped_column(String(8), default="", server_default="")
    #: a day job (零工): its first day (the last is ``expires_on``), where and when to meet
    work_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    meet_place: Mapped[str] = mapped_column(String(60), default="", server_default="")
    meet_time: Mapped[str] = mapped_column(String(5), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_vacancies_open", "status", "expires_on"),
        Index("ix_vacancies_geo", "lat", "lon"),
        Index("ix_vacancies_district", "district"),
    )


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    district: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    area_type: Mapped[str] = mapped_column(String(8), default="urban")
    kind: Mapped[str] = mapped_column(String(16), default="street")
    opening_hours: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    services: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class JobFair(Base):
    """A job fair (招聘会) from the central feed; times are Tianjin wall-clock times."""

    __tablename__ = "job_fairs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(8), default="线下")
    venue: Mapped[str] = mapped_column(String(80), default="")
    district: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    organiser: Mapped[str] = mapped_column(String(80), default="")
    employers: Mapped[int] = mapped_column(Integer, default=0)
    positions: Mapped[int] = mapped_column(Integer, default=0)
    target_groups: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(80), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_job_fairs_ends_at", "ends_at"),)


class CatalogueService(Base):
    """One entry of the public employment service catalogue (政策与服务), from the ``services`` feed."""

    __tablename__ = "catalogue_services"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20), default="")
    summary: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    materials: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(400), default="")
    how: Mapped[str] = mapped_column(Text, default="")
    time_limit: Mapped[str] = mapped_column(String(100), default="")
    basis: Mapped[str] = mapped_column(String(400), default="")
    fee: Mapped[str] = mapped_column(String(40), default="免费")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    pinyin_initials: Mapped[str] = mapped_column(String(80), default="")
    pinyin_full: Mapped[str] = mapped_column(String(400), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(40))
    prefix: Mapped[str] = mapped_column(String(4))
    number: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    person_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    counter: Mapped[str | None] = mapped_column(String(20), nullable=True)
    called_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    printed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("day", "prefix", "number", name="uq_ticket_number"),)


class OutboxEvent(Base):
    """An event waiting to go up to the central system (transactional outbox)."""

    __tablename__ = "outbox_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"),)


class Appointment(Base):
    """A booking made at this kiosk (the person only as a keyed hash)."""

    __tablename__ = "appointments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    reference: Mapped[str] = mapped_column(String(8), unique=True)
    person_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="booked")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_appointments_slot", "service_code", "starts_at"),)


class ServiceRequest(Base):
    """A home-visit (上门服务) or proxy (代理服务) request made at this kiosk.

    Only what the kiosk needs to refuse a second open request and to show 我的申请: the person
    as a keyed hash, the window and the reason. The address, phone and ID number travel only
    inside the encrypted outbox payload.
    """

    __tablename__ = "service_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # home_visit | proxy
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    window_day: Mapped[date] = mapped_column(Date)
    window_half: Mapped[str] = mapped_column(String(2))  # am | pm
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="submitted")  # submitted | cancelled
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ServiceRequestStatus(Base):
    """Feed ``service_requests``: where a request stands on central (no personal data)."""

    __tablename__ = "service_request_status"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the reference
    version: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(12), default="")
    station_id: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(12))
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    staff: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class InterestMark(Base):
    """A 投递意向 taken at this kiosk: what 我的申请 lists. The person as a keyed hash only; the ID
    number travels only inside the encrypted outbox event (whose id is this row's id)."""

    __tablename__ = "interest_marks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    vacancy_id: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(100), default="")
    employer: Mapped[str] = mapped_column(String(120), default="")
    #: the reference printed on the slip (YX…)
    reference: Mapped[str] = mapped_column(String(12), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class InterestStatus(Base):
    """Feed ``interests``: where an interest stands on central (no personal data)."""

    __tablename__ = "interest_status"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    station_id: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class PrintJob(Base):
    """One print job and how it ended; never reported as printed unless the printer said so."""

    __tablename__ = "print_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="pending")
    detail: Mapped[str] = mapped_column(String(200), default="")
    bytes_sent: Mapped[int] = mapped_column(Integer, default=0)


class FeedCursor(Base):
    __tablename__ = "feed_cursors"

    feed: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
