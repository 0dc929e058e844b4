"""Sync protocol v1: the wire schema and the request signature, shared by the kiosk and central.

Both sides import this module, so a field added here is checked on both ends. Every reply the
kiosk receives is parsed with these models before anything touches the database: a reply that
does not match is counted and retried later, never applied half. docs/PROTOCOL.md is the prose
version of this file.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

VERSION = "v1"
PREFIX = "/api/v1"

#: A request whose timestamp is further than this from the server's clock is refused (and the
#: reply carries the server's time, so the kiosk can correct its offset).
TIMESTAMP_WINDOW_S = 300
MAX_BODY_BYTES = 1_000_000
MAX_EVENTS_PER_BATCH = 200
MAX_FEED_PAGE = 2000
MAX_CALLS_WAIT_S = 30

FEEDS = ("vacancies", "stations", "announcements", "job_fairs", "services", "service_requests", "interests")

H_KIOSK = "X-Kiosk-Id"
H_TIMESTAMP = "X-Timestamp"
H_NONCE = "X-Nonce"
H_SIGNATURE = "X-Signature"
H_SERVER_TIME = "X-Server-Time"

#: What each auth header must look like; central refuses anything else before it looks anything
#: up: Unix seconds as a plain decimal (no exponent, NaN or infinity), a 128-bit hex nonce, an
#: HMAC-SHA256 hex signature, and a kiosk id from the ``Id`` alphabet.
TIMESTAMP_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
NONCE_PATTERN = r"^[0-9a-f]{32}$"
SIGNATURE_PATTERN = r"^[0-9a-f]{64}$"
KIOSK_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,40}$"

Id = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")]
ShortText = Annotated[str, StringConstraints(max_length=200)]


#: The largest integer the databases on either side store (a signed 64-bit column).
MAX_INT64 = 2**63 - 1


class Strict(BaseModel):
    # NaN and infinity are never meaningful here, and neither database column nor JSON holds them
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# --- signing --------------------------------------------------------------------------------


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical(method: str, path_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """What is signed: method, path with query, timestamp, nonce and the body's SHA-256.

    ``path_query`` is the path and query exactly as sent, percent-encoding included (requests'
    ``PreparedRequest.path_url``); the server checks it against the raw request target.
    """
    return "\n".join((VERSION, method.upper(), path_query, timestamp, nonce, body_digest(body))).encode()


def sign(secret: str, method: str, path_query: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret.encode(), canonical(method, path_query, timestamp, nonce, body), hashlib.sha256).hexdigest()


def signature_ok(secret: str, signature: str, method: str, path_query: str, timestamp: str, nonce: str,
                 body: bytes) -> bool:
    return hmac.compare_digest(sign(secret, method, path_query, timestamp, nonce, body), signature)


# --- errors ---------------------------------------------------------------------------------

ErrorCode = Literal[
    "bad_signature", "unknown_kiosk", "replayed_nonce", "clock_skew", "missing_auth", "forbidden",
    "cursor_expired", "invalid_request", "too_large", "not_found", "rate_limited", "unavailable",
    # video consultation (409 unless noted): the pool has nobody signed in / nobody available,
    # the request has finished, no advisor took it yet, an offer older than the current one,
    # and (400) text that is not a session description
    "closed", "no_advisor", "finished", "not_accepted", "stale_offer", "bad_sdp",
    # appointments (409): the slot has no place left, the time is not offered (closed, past, too
    # near, not on the slot grid), the person holds a booking of this service already, the
    # booking id was used for another booking
    "slot_full", "slot_unavailable", "already_booked", "conflict",
]


class ErrorReply(Strict):
    error: ErrorCode
    message: str
    server_time: float


# --- feeds (central → kiosk) ----------------------------------------------------------------


class VacancyItem(Strict):
    id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    category: Annotated[str, StringConstraints(max_length=40)]
    employer: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    #: long text is capped here, at import, as well as on paper (receipts.MAX_LENGTH_MM)
    employer_intro: Annotated[str, StringConstraints(max_length=2000)] = ""
    district: Annotated[str, StringConstraints(max_length=20)]
    street: Annotated[str, StringConstraints(max_length=40)]
    address: Annotated[str, StringConstraints(max_length=200)]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    salary_min: int = Field(ge=0)
    salary_max: int = Field(ge=0)
    salary_unit: Annotated[str, StringConstraints(max_length=8)] = "月"
    job_type: Annotated[str, StringConstraints(max_length=16)]
    headcount: int = Field(default=1, ge=0)
    education: Annotated[str, StringConstraints(max_length=20)] = "不限"
    experience: Annotated[str, StringConstraints(max_length=20)] = "不限"
    age_range: Annotated[str, StringConstraints(max_length=20)] = ""
    work_hours: Annotated[str, StringConstraints(max_length=60)] = ""
    requirements: Annotated[str, StringConstraints(max_length=2000)] = ""
    benefits: Annotated[str, StringConstraints(max_length=1000)] = ""
    contact_name: Annotated[str, StringConstraints(max_length=40)] = ""
    contact_phone: Annotated[str, StringConstraints(max_length=40)] = ""
    posted_on: date
    expires_on: date
    status: Literal["open", "withdrawn", "filled"] = "open"
    #: Computed by the producer; the kiosk fills them in when a vacancy arrives without them.
    pinyin_initials: Annotated[str, StringConstraints(max_length=80)] = ""
    pinyin_full: Annotated[str, StringConstraints(max_length=400)] = ""
    #: Residents' words for the occupation with their pinyin, and the everyday group
    #: (kiosk.domain.jobwords); computed by the producer, filled in by the kiosk when missing.
    search_terms: Annotated[str, StringConstraints(max_length=1000)] = ""
    job_group: Annotated[str, StringConstraints(max_length=8)] = ""
    #: a day job (零工): its first day (the last is ``expires_on``), where and when to meet
    work_from: date | None = None
    meet_place: Annotated[str, StringConstraints(max_length=60)] = ""
    meet_time: Annotated[str, StringConstraints(max_length=5)] = ""
    updated_at: datetime


class StationItem(Strict):
    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    district: Annotated[str, StringConstraints(max_length=20)]
    street: Annotated[str, StringConstraints(max_length=40)]
    address: Annotated[str, StringConstraints(max_length=200)] = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    area_type: Literal["urban", "rural"] = "urban"
    kind: Annotated[str, StringConstraints(max_length=16)] = "street"
    opening_hours: Annotated[str, StringConstraints(max_length=80)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    services: Annotated[str, StringConstraints(max_length=2000)] = ""
    updated_at: datetime


class AnnouncementItem(Strict):
    id: Id
    text: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    starts_on: date
    ends_on: date
    priority: int = 0
    updated_at: datetime


#: 招聘会 formats: on site, online, and live-streamed recruiting (直播带岗)
FAIR_KINDS = ("线下", "线上", "直播带岗")


class JobFairItem(Strict):
    """A job fair (招聘会) from the city's calendar."""

    id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    kind: Literal["线下", "线上", "直播带岗"] = "线下"
    venue: Annotated[str, StringConstraints(max_length=80)] = ""
    district: Annotated[str, StringConstraints(max_length=20)] = ""
    address: Annotated[str, StringConstraints(max_length=200)] = ""
    #: an online fair has no place: both None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    starts_at: datetime
    ends_at: datetime
    organiser: Annotated[str, StringConstraints(max_length=80)] = ""
    employers: int = Field(default=0, ge=0, le=100_000)
    positions: int = Field(default=0, ge=0, le=10_000_000)
    #: comma-separated target groups (高校毕业生,农民工,退役军人,...); empty: everyone
    target_groups: Annotated[str, StringConstraints(max_length=200)] = ""
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    contact: Annotated[str, StringConstraints(max_length=80)] = ""
    url: Annotated[str, StringConstraints(max_length=300)] = ""
    status: Literal["scheduled", "cancelled"] = "scheduled"
    #: the employers taking part, for the fair's phone page (the kiosk keeps only the count)
    employer_list: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]] = Field(
        default_factory=list, max_length=500)
    #: > 0: the fair takes that many sign-ups (报名) on its phone page; 0: no sign-up
    signup_quota: int = Field(default=0, ge=0, le=100_000)
    updated_at: datetime

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _tianjin_wall_clock(cls, v: datetime) -> datetime:
        """Fair times are Tianjin wall-clock times; a time sent with an offset is converted."""
        if v.tzinfo is not None:
            from datetime import timedelta, timezone

            v = v.astimezone(timezone(timedelta(hours=8))).replace(tzinfo=None)
        return v


class ServiceItem(Strict):
    """One entry of the public employment service catalogue (政策与服务)."""

    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    category: Annotated[str, StringConstraints(max_length=20)] = ""
    summary: Annotated[str, StringConstraints(max_length=200)] = ""
    audience: Annotated[str, StringConstraints(max_length=1000)] = ""
    materials: Annotated[str, StringConstraints(max_length=2000)] = ""
    place: Annotated[str, StringConstraints(max_length=400)] = ""
    how: Annotated[str, StringConstraints(max_length=2000)] = ""
    time_limit: Annotated[str, StringConstraints(max_length=100)] = ""
    basis: Annotated[str, StringConstraints(max_length=400)] = ""
    fee: Annotated[str, StringConstraints(max_length=40)] = "免费"
    sort_order: int = Field(default=0, ge=0, le=100_000)
    #: computed by the producer, like a vacancy's: initials and full pinyin of the name
    pinyin_initials: Annotated[str, StringConstraints(max_length=80)] = ""
    pinyin_full: Annotated[str, StringConstraints(max_length=400)] = ""
    updated_at: datetime


#: Where a home-visit or proxy request stands (central's staff set it). Keyed by the request's
#: reference; no personal data: no name, ID number, phone or address.
SERVICE_REQUEST_STATUSES = ("submitted", "accepted", "scheduled", "done", "refused", "cancelled")


class ServiceRequestItem(Strict):
    id: Annotated[str, StringConstraints(min_length=4, max_length=12, pattern=r"^[A-Z0-9]+$")]
    kind: Literal["home_visit", "proxy"]
    station_id: Id
    status: Literal["submitted", "accepted", "scheduled", "done", "refused", "cancelled"]
    scheduled_at: datetime | None = None  # station-local wall clock
    staff: Annotated[str, StringConstraints(max_length=20)] = ""  # masked, e.g. 王*
    note: Annotated[str, StringConstraints(max_length=200)] = ""
    updated_at: datetime


#: Where a resident's 投递意向 stands (central's staff move it). Keyed by the interest id (the
#: kiosk's ``interest.expressed`` event id); the status only, nothing about the person.
INTEREST_STATUSES = ("new", "contacted", "referred", "interview", "hired", "failed")


class InterestItem(Strict):
    id: Id
    station_id: Id
    status: Literal["new", "contacted", "referred", "interview", "hired", "failed"]
    updated_at: datetime


ITEM_MODELS: dict[str, type[Strict]] = {
    "vacancies": VacancyItem, "stations": StationItem, "announcements": AnnouncementItem,
    "job_fairs": JobFairItem, "services": ServiceItem,
    "service_requests": ServiceRequestItem, "interests": InterestItem,
}


class FeedEntry(Strict):
    id: Id
    version: int = Field(ge=1)
    data: dict[str, Any]


class Tombstone(Strict):
    id: Id
    version: int = Field(ge=1)


class FeedPage(Strict):
    """One page of a feed. ``cursor`` is opaque to the kiosk; it is stored with the page applied."""

    feed: Literal["vacancies", "stations", "announcements", "job_fairs", "services", "service_requests",
                  "interests"]
    items: list[FeedEntry]
    deleted: list[Tombstone]
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    more: bool


#: Bytes of a vacancy image's gzip (``FeedImage.size``) a kiosk accepts, and how far it may
#: unpack (a 1M-vacancy kiosk database is about 2.3 GB).
MAX_IMAGE_GZIP = 2 * 1024**3
MAX_IMAGE_SQLITE = 8 * 1024**3


class FeedImage(Strict):
    """A prebuilt kiosk database holding a whole feed and its search index (docs/PROTOCOL.md,
    "Vacancy image"): a new kiosk installs it instead of paging through the feed and indexing
    every row, then pulls on from ``cursor``. ``schema_rev`` is the kiosk database revision it
    was built with; a kiosk at another revision pages as before."""

    feed: Literal["vacancies"]
    schema_rev: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    rows: Annotated[int, Field(ge=0)]
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    size: Annotated[int, Field(gt=0, le=MAX_IMAGE_GZIP)]
    built_at: datetime


# --- events (kiosk → central) ---------------------------------------------------------------

EVENT_TYPES = (
    "ticket.issued", "ticket.printed", "ticket.print_failed", "ticket.called", "ticket.finished",
    "service.rendered", "registration.submitted", "appointment.requested", "home_visit.requested",
    "home_visit.cancelled", "proxy.requested", "proxy.cancelled", "interest.expressed", "consult.requested",
    "consult.ended", "feedback.given", "print.failed", "ticket.prioritized", "consult.callback_requested",
    "appointment.abandoned",
    "shortlist.printed",
    "help.requested", "help.answered",
)


#: The times an event may carry: a kiosk clock years off, or a date a database cannot hold once
#: converted to UTC (year 1, year 9999 with an offset), is refused with the field named.
EARLIEST = datetime(2000, 1, 1)
LATEST = datetime(2100, 1, 1)
#: How deep a payload may nest (the payload dict is level 1), and how big its parts may be.
MAX_PAYLOAD_DEPTH = 4
MAX_PAYLOAD_TEXT = 4000
MAX_PAYLOAD_ITEMS = 200
MAX_PAYLOAD_KEY = 64

#: Payload keys that mean the same in every event type, with their type: text (its most
#: characters; None allowed where a kiosk has nothing to say), whole numbers and yes/no.
PAYLOAD_TEXT = {
    "ticket_id": 40, "service": 40, "counter": 40, "station_id": 40, "call_id": 40, "topic": 40, "outcome": 40,
    "vacancy_id": 40, "request_id": 40, "appointment_id": 40, "shortlist_id": 40, "reference": 20, "kind": 20,
    "window_half": 10, "reason": 500, "phone": 20, "id_number": 40, "group": 20, "priority_group": 20,
    "person_key": 64, "identity": 20, "token_hash": 128, "employer": 120, "title": 80, "source": 20, "name": 40,
    "screen": 40, "help_id": 40,
}
PAYLOAD_INTS = ("score", "people_ahead", "duration_s")
PAYLOAD_BOOLS = ("consent", "identified", "shared", "elder")
#: Keys holding a calendar day (ISO date); any key ending in ``_at`` holds an ISO time or None.
PAYLOAD_DAYS = ("day", "window_day")


def _in_range(when: datetime) -> bool:
    if when.tzinfo is not None:
        try:
            when = when.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            return False
    return EARLIEST <= when < LATEST


def _shape_problem(value: Any, depth: int, where: str) -> str:
    if depth > MAX_PAYLOAD_DEPTH:
        return f"{where} nests deeper than {MAX_PAYLOAD_DEPTH} levels"
    if isinstance(value, str):
        return f"{where} is longer than {MAX_PAYLOAD_TEXT} characters" if len(value) > MAX_PAYLOAD_TEXT else ""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return ""
    if isinstance(value, int):
        return f"{where} is out of range" if abs(value) > MAX_INT64 else ""
    if isinstance(value, dict | list):
        if len(value) > MAX_PAYLOAD_ITEMS:
            return f"{where} holds more than {MAX_PAYLOAD_ITEMS} items"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            if isinstance(k, str) and len(k) > MAX_PAYLOAD_KEY:
                return f"a key in {where} is longer than {MAX_PAYLOAD_KEY} characters"
            problem = _shape_problem(v, depth + 1, f"{where}.{str(k)[:MAX_PAYLOAD_KEY]}")
            if problem:
                return problem
        return ""
    return f"{where} is not a JSON value"


def _field_problem(key: str, value: Any) -> str:
    if key in PAYLOAD_TEXT:
        if value is not None and not isinstance(value, str | int) or isinstance(value, bool):
            return f"payload.{key} must be text"
        if value is not None and len(str(value)) > PAYLOAD_TEXT[key]:
            return f"payload.{key} is longer than {PAYLOAD_TEXT[key]} characters"
    elif key in PAYLOAD_INTS:
        if isinstance(value, bool) or not isinstance(value, int) and value is not None:
            return f"payload.{key} must be a whole number"
    elif key in PAYLOAD_BOOLS:
        if not isinstance(value, bool):
            return f"payload.{key} must be true or false"
    elif key in PAYLOAD_DAYS or key.endswith("_at"):
        if value is None and key.endswith("_at"):
            return ""
        try:
            when = (datetime.fromisoformat(value) if key.endswith("_at")
                    else datetime.combine(date.fromisoformat(value), datetime.min.time()))
        except (TypeError, ValueError):
            return f"payload.{key} must be an ISO {'time' if key.endswith('_at') else 'date'}"
        if not _in_range(when):
            return f"payload.{key} must lie between {EARLIEST.year} and {LATEST.year}"
    return ""


def payload_problem(payload: dict[str, Any]) -> str:
    """Why a payload is refused ("" if it is not): its shape (nesting, sizes), then the type,
    length or date range of the keys every event type shares. Both sides run it: the kiosk
    keeps an event that fails it for staff instead of sending it, central rejects it."""
    problem = _shape_problem(payload, 1, "payload")
    if problem:
        return problem
    for key, value in payload.items():
        problem = _field_problem(key, value)
        if problem:
            return problem
    return ""


class EventIn(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    seq: int = Field(ge=1, le=MAX_INT64)
    type: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    occurred_at: datetime
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _occurred_in_range(cls, v: datetime) -> datetime:
        if not _in_range(v):
            raise ValueError(f"occurred_at must lie between {EARLIEST.year} and {LATEST.year}")
        return v

    @field_validator("payload")
    @classmethod
    def _payload_shape(cls, v: dict[str, Any]) -> dict[str, Any]:
        problem = payload_problem(v)
        if problem:
            raise ValueError(problem)
        return v


class EventBatch(Strict):
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class EventEnvelope(Strict):
    """A batch as central first reads it: each event is judged on its own (``EventIn``), so one
    malformed event is answered ``rejected`` with its reason and the rest of the batch goes on."""

    events: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class EventResult(Strict):
    id: str
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str = ""


class EventBatchReply(Strict):
    results: list[EventResult]
    server_time: float


# --- station config, heartbeat, calls -------------------------------------------------------


HHMM = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class OpeningInterval(Strict):
    """One opening interval on some weekdays (ISO: 1 = Monday … 7 = Sunday), station local time."""

    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(min_length=1, max_length=7)
    start: HHMM
    end: HHMM


class QueueService(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    prefix: Annotated[str, StringConstraints(min_length=1, max_length=4)]
    daily_quota: int = Field(default=200, ge=0, le=100_000)
    needs_identity: bool = False
    #: None: the kiosk's built-in hours of this service (Monday to Friday 8:30-12:00, 13:30-17:30)
    hours: list[OpeningInterval] | None = Field(default=None, max_length=50)
    per_person_daily_limit: int = Field(default=1, ge=0, le=1000)


class PriorityRules(Strict):
    """Who is called before the others: residents aged ``age`` or more (by the ID card's birth
    date; None: nobody by age), and the groups staff may mark a waiting ticket with."""

    age: int | None = Field(default=60, ge=0, le=150)
    groups: list[Annotated[str, StringConstraints(min_length=1, max_length=20)]] = Field(default=[], max_length=20)


class AppointmentRules(Strict):
    """How a station's services take bookings (central's station config, key ``appointments``).
    Slots are each service's opening hours cut into ``slot_minutes`` pieces of ``capacity`` places,
    from today to ``days_ahead`` days on; a slot nearer than ``lead_minutes`` is no longer offered."""

    slot_minutes: int = Field(default=30, ge=5, le=240)
    capacity: int = Field(default=2, ge=1, le=100)
    days_ahead: int = Field(default=7, ge=0, le=60)
    lead_minutes: int = Field(default=60, ge=0, le=1440)
    #: the service codes that take bookings (None: every service of the station)
    services: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] | None = Field(default=None,
                                                                                               max_length=50)
    #: places per slot for some services, overriding ``capacity``
    capacity_by_service: dict[Annotated[str, StringConstraints(min_length=1, max_length=40)],
                              Annotated[int, Field(ge=0, le=100)]] = Field(default={}, max_length=50)


class StationConfigReply(Strict):
    station_id: Id
    version: int = Field(ge=1)
    name: Annotated[str, StringConstraints(max_length=80)]
    opening_hours: Annotated[str, StringConstraints(max_length=80)] = ""
    services: list[QueueService] = []
    #: None: the kiosk's built-in rules (60 and over; the built-in groups)
    priority: PriorityRules | None = None
    announcement: Annotated[str, StringConstraints(max_length=200)] = ""
    #: None: the defaults of AppointmentRules
    appointments: AppointmentRules | None = None


class DeviceHealth(Strict):
    state: Annotated[str, StringConstraints(max_length=20)]
    detail: ShortText = ""


#: an update's stages on the kiosk, in order; the last three end it
UPDATE_STAGES = ("downloading", "checking", "installing", "ready", "trial", "confirmed", "rolled_back", "failed")
UpdateStage = Literal["downloading", "checking", "installing", "ready", "trial", "confirmed", "rolled_back", "failed"]


class UpdateStatus(Strict):
    version: Annotated[str, StringConstraints(max_length=40)]
    stage: UpdateStage
    #: why it failed or was rolled back, or how far it is
    detail: ShortText = ""
    at: datetime | None = None


class Heartbeat(Strict):
    sent_at: datetime
    app_version: Annotated[str, StringConstraints(max_length=40)]
    boot_id: Annotated[str, StringConstraints(max_length=40)]
    uptime_s: float = Field(ge=0)
    outbox_pending: int = Field(ge=0)
    outbox_oldest_age_s: float = Field(default=0, ge=0)
    outbox_rejected: int = Field(default=0, ge=0)
    clock_offset_s: float = 0
    last_pull_at: datetime | None = None
    devices: dict[Annotated[str, StringConstraints(max_length=20)], DeviceHealth] = Field(default={}, max_length=20)
    print_failures: int = Field(default=0, ge=0)
    db_size_mb: float = Field(default=0, ge=0)
    #: free space where the data directory is, and the app's resident memory (the fleet page)
    disk_free_mb: float = Field(default=0, ge=0)
    rss_mb: float = Field(default=0, ge=0)
    #: the last or the running self-update (kiosk.sync.updates); None on a kiosk that does not update itself
    update: UpdateStatus | None = None


#: what city IT can ask a kiosk to do (the fleet page): the kiosk's ``kiosk.core.remote`` does it
ORDER_KINDS = ("resync_feed", "restart", "upload_logs", "set_config", "test_print", "reboot", "update")
OrderKind = Literal["resync_feed", "restart", "upload_logs", "set_config", "test_print", "reboot", "update"]
OrderArg = Annotated[str, StringConstraints(max_length=200)] | int | bool


class Order(Strict):
    """A remote command, signed by central with the kiosk's own secret (``order_signature``), so
    nothing between them can make one up or send one meant for another kiosk. Sent on every
    heartbeat reply until the kiosk reports its result; the kiosk does each id once."""

    id: Annotated[str, StringConstraints(min_length=8, max_length=36)]
    kiosk_id: Annotated[str, StringConstraints(max_length=40)]
    kind: OrderKind
    args: dict[Annotated[str, StringConstraints(max_length=60)], OrderArg] = Field(default={}, max_length=40)
    issued_at: datetime
    signature: Annotated[str, StringConstraints(min_length=64, max_length=64)]


def order_signature(secret: str, order_id: str, kiosk_id: str, kind: str, args: dict, issued_at: datetime) -> str:
    """HMAC-SHA256 of the order's canonical JSON with the kiosk's secret."""
    import json

    body = json.dumps({"id": order_id, "kiosk_id": kiosk_id, "kind": kind, "args": args,
                       "issued_at": issued_at.astimezone(UTC).isoformat() if issued_at.tzinfo
                       else issued_at.isoformat() + "+00:00"},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(secret.encode(), b"order\n" + body.encode(), hashlib.sha256).hexdigest()


class OrderResult(Strict):
    ok: bool
    #: what happened, or why it was refused (nothing personal)
    detail: ShortText = ""
    #: upload_logs: the lines, personal data masked
    lines: list[Annotated[str, StringConstraints(max_length=400)]] = Field(default=[], max_length=2000)


class OrderResultReply(Strict):
    recorded: bool


class HeartbeatReply(Strict):
    server_time: float
    commands: list[Literal["sync_now", "reload_config"]] = []
    orders: list[Order] = Field(default=[], max_length=20)


class Call(Strict):
    seq: int = Field(ge=1)
    ticket_id: Annotated[str, StringConstraints(max_length=36)]
    number: Annotated[str, StringConstraints(min_length=1, max_length=12)]
    counter: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    service: Annotated[str, StringConstraints(max_length=40)] = ""
    called_at: datetime
    #: ticket: a number called to a counter; help: staff answered the kiosk's call for help
    #: (``ticket_id`` is the ``help.requested`` event's id)
    kind: Literal["ticket", "help"] = "ticket"


class CallsReply(Strict):
    calls: list[Call]
    last: int = Field(ge=0)


# --- video consultation (kiosk ↔ central signaling) ------------------------------------------

#: the longest a kiosk may long-poll a consultation request's status
MAX_CONSULT_WAIT_S = 25.0
MAX_SDP_CHARS = 60_000
ConsultTopic = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Sdp = Annotated[str, StringConstraints(min_length=1, max_length=MAX_SDP_CHARS)]

#: states of a request on central: waiting → accepted (an advisor took it) → offered (the kiosk
#: posted its SDP offer) → connected (the advisor answered); finished: ended, cancelled, timeout
CONSULT_STATES = ("waiting", "accepted", "offered", "connected", "ended", "cancelled", "timeout")
CONSULT_FINISHED = ("ended", "cancelled", "timeout")
#: why a request finished (who hung up, or what went wrong)
CONSULT_END_REASONS = ("hung_up", "advisor_ended", "advisor_left", "kiosk_left", "cancelled", "timeout",
                       "no_advisor", "bad_sdp", "dropped")


class ConsultAvailability(Strict):
    open: bool
    advisors_online: int = Field(ge=0)
    waiting: int = Field(ge=0)
    estimated_wait_s: int | None = None
    reason: Literal["", "closed", "no_advisor"] = ""


class ConsultCreate(Strict):
    topic: ConsultTopic
    #: whether the resident identified (no identity data leaves the kiosk here)
    identified: bool = False


class ConsultStatus(Strict):
    id: Annotated[str, StringConstraints(min_length=1, max_length=36)]
    state: Literal["waiting", "accepted", "offered", "connected", "ended", "cancelled", "timeout"]
    #: changes with every state change; pass it back as ``since`` to long-poll for the next one
    version: int = Field(ge=0)
    topic: ConsultTopic
    position: int = Field(default=0, ge=0)
    estimated_wait_s: int | None = None
    advisor_name: Annotated[str, StringConstraints(max_length=40)] = ""
    #: the generation of the kiosk's current offer (1, then 2 after one reconnect)
    offer_gen: int = Field(default=0, ge=0)
    #: the advisor's answer to offer ``offer_gen`` (empty until answered)
    answer_sdp: Annotated[str, StringConstraints(max_length=MAX_SDP_CHARS)] = ""
    reason: Annotated[str, StringConstraints(max_length=20)] = ""


class ConsultOffer(Strict):
    sdp: Sdp
    generation: int = Field(ge=1, le=10)


class ConsultEnd(Strict):
    reason: Literal["hung_up", "cancelled", "bad_sdp", "dropped"]


# --- appointments (kiosk ↔ central, online: central holds the slots) --------------------------

MAX_SLOT_DAYS = 31
Uuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
#: the capability token of an appointment's phone page: at least 128 random bits, as lower-case hex
AppointmentToken = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32,64}$")]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
APPOINTMENT_STATUSES = ("booked", "arrived", "no_show", "cancelled")
AppointmentStatus = Literal["booked", "arrived", "no_show", "cancelled"]


class AppointmentSlot(Strict):
    starts_at: datetime  # station-local wall clock
    capacity: int = Field(ge=0)
    left: int = Field(ge=0)


class AppointmentSlots(Strict):
    """The slots of one service from ``first`` for ``days`` days, earliest first (full ones included)."""

    service: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(max_length=40)]
    slots: list[AppointmentSlot] = Field(max_length=5000)


class AppointmentRequest(Strict):
    """A booking. ``id`` is generated by the kiosk: sending the same request again (a lost reply)
    answers the same booking. Central stores only the SHA-256 of the phone page's token."""

    id: Uuid
    service: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    starts_at: datetime  # station-local wall clock, on the slot grid
    token_sha256: Sha256Hex
    person_key: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    id_number: Annotated[str, StringConstraints(pattern=r"^[0-9]{17}[0-9X]$")]
    name: Annotated[str, StringConstraints(max_length=40)] = ""
    #: how the resident proved identity at the kiosk: ID card, e-SSC QR, typed number
    identity: Literal["idcard", "essc", "typed"]
    consent: Literal[True]


class AppointmentReply(Strict):
    id: Uuid
    reference: Annotated[str, StringConstraints(min_length=4, max_length=12)]
    service: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    service_name: Annotated[str, StringConstraints(max_length=40)]
    starts_at: datetime
    status: AppointmentStatus
    #: False: this booking existed already (the request was sent again)
    created: bool = True


class AppointmentCheckIn(Strict):
    token: AppointmentToken


class AppointmentCheckInReply(Strict):
    """What a scanned confirmation QR means at this kiosk's station.

    ``checked_in``: marked arrived now; ``already``: it was arrived already; ``not_today``,
    ``cancelled``, ``other_station``: nothing changed."""

    state: Literal["checked_in", "already", "not_today", "cancelled", "other_station"]
    id: Uuid
    reference: Annotated[str, StringConstraints(min_length=4, max_length=12)]
    service: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    service_name: Annotated[str, StringConstraints(max_length=40)]
    starts_at: datetime
    person_key: Annotated[str, StringConstraints(max_length=64)] = ""
