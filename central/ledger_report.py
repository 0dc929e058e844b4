"""The workload ledger's monthly report: per station, per district and city-wide.

Figures of a month (the station's local calendar month, Asia/Shanghai):

* 服务人次: service records counted **once per person, service and day**: records of one
  ``person_key`` for the same service on the same local day are one service, whatever the
  channel (the first channel and identity proof in code order stand for it); a record without a
  person counts on its own. Only rendered services count (outcome ``served`` or, for a video
  consultation, ``completed``); a consultation that never connected is not a service.
* 登记人数: people who registered (service ``registration``) at the station in the month, each
  once however often they registered; one without a person key counts on their own.
* 推荐 / 录用: the station's 岗位推荐 records of the month (an interest moved to 已推荐, or a
  registered resident referred by staff), and its 推荐成功 records (a referral moved to 录用). A
  推荐成功 record is evidence, not a second service: its outcome ``hired`` keeps it out of 服务人次.
* 平均等候: minutes from taking a ticket to its first call, over the tickets of the month that
  were called (a transferred ticket's second line is not a second wait).
* 满意度: the mean of the month's 1–5 ratings (``feedback.given``) and the share of 4 and 5.

Each figure comes from one function (``service_units``, ``registrations``, ``referrals``,
``waits``, ``ratings``), so a change of source changes one place. Every query but the ratings'
is a GROUP BY in the database: the report reads aggregates, not records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Date, String, cast, func, literal, literal_column, select, union_all
from sqlalchemy.orm import Session

from central import ledger
from central.models import Event, FeedItem, QueueTicket, ServiceRecord, StationConfig
from central.tickets import service_names

#: outcomes of a service record that count as a service rendered
COUNTED_OUTCOMES = ("served", "completed")
#: Asia/Shanghai has kept UTC+8 without summer time since 1991
UTC_OFFSET = timedelta(hours=8)
NO_DISTRICT = "未分区"


# --- months ---------------------------------------------------------------------------------------

def parse_month(text: str) -> date | None:
    """``YYYY-MM`` → the first day of that month, or None."""
    try:
        y, m = text.split("-")
        return date(int(y), int(m), 1) if len(y) == 4 and 2000 <= int(y) <= 2100 else None
    except ValueError:
        return None


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def utc_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's local start and end as naive UTC times (end excluded)."""
    return (datetime.combine(month, datetime.min.time()) - UTC_OFFSET,
            datetime.combine(next_month(month), datetime.min.time()) - UTC_OFFSET)


# --- stations and districts -----------------------------------------------------------------------

@dataclass(frozen=True)
class Station:
    id: str
    name: str
    district: str


def directory(s: Session) -> dict[str, Station]:
    """Every station central knows: its config's name, the stations feed's district (or the
    config's own ``district``)."""
    feed = {}
    for sid, data in s.execute(select(FeedItem.id, FeedItem.data).where(FeedItem.feed == "stations",
                                                                          FeedItem.deleted.is_(False))):
        if isinstance(data, dict):
            feed[sid] = data
    out = {}
    for sid, cfg in s.execute(select(StationConfig.station_id, StationConfig.config)):
        cfg = cfg if isinstance(cfg, dict) else {}
        f = feed.get(sid, {})
        out[sid] = Station(sid, str(cfg.get("name") or f.get("name") or sid),
                           str(cfg.get("district") or f.get("district") or NO_DISTRICT))
    for sid, f in feed.items():
        if sid not in out:
            out[sid] = Station(sid, str(f.get("name") or sid), str(f.get("district") or NO_DISTRICT))
    return out


# --- the figures ----------------------------------------------------------------------------------

def _local_day(s: Session, column):  # noqa: ANN001, ANN202
    if s.get_bind().dialect.name == "postgresql":
        return cast(column + literal_column("interval '8 hours'"), Date)
    return func.date(column, "+8 hours")


def _as_date(value) -> date:  # noqa: ANN001
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _where_station(q, column, stations: frozenset[str] | None):  # noqa: ANN001, ANN202
    return q if stations is None else q.where(column.in_(sorted(stations)))


#: the splits of 服务人次 the report shows: by day, by service, by channel, by identity proof
DIMENSIONS = ("day", "service", "channel", "identity")


def service_units(s: Session, month: date, stations: frozenset[str] | None) -> list[tuple[str, str, str, int]]:
    """服务人次 counted once per person, service and day, split four ways: rows of
    (station, dimension, key, count), the dimension one of ``DIMENSIONS``.

    The de-duplicated services are a CTE read by four GROUP BYs in one statement, so the
    database returns a few rows per station and day instead of one per combination."""
    start, end = utc_bounds(month)
    r = ServiceRecord
    day = _local_day(s, r.finished_at).label("day")
    who = func.coalesce(r.person_key, r.event_id)
    inner = select(r.station_id.label("station_id"), r.service.label("service"), day,
                   func.min(r.channel).label("channel"), func.min(r.identity).label("identity")) \
        .where(r.finished_at >= start, r.finished_at < end, r.outcome.in_(COUNTED_OUTCOMES))
    units = _where_station(inner, r.station_id, stations).group_by(r.station_id, r.service, day, who).cte("units")
    parts = [select(literal(dim, String).label("dim"), units.c.station_id, cast(units.c[dim], String).label("key"),
                    func.count().label("n")).group_by(units.c.station_id, units.c[dim]) for dim in DIMENSIONS]
    return [(st, dim, key, n) for dim, st, key, n in s.execute(union_all(*parts))]


def registrations(s: Session, month: date, stations: frozenset[str] | None) -> dict[str, int]:
    """登记人数 per station: distinct people with a registration record in the month."""
    start, end = utc_bounds(month)
    r = ServiceRecord
    q = select(r.station_id, func.count(func.distinct(func.coalesce(r.person_key, r.event_id)))) \
        .where(r.service == "registration", r.finished_at >= start, r.finished_at < end,
               r.outcome.in_(COUNTED_OUTCOMES))
    return dict(s.execute(_where_station(q, r.station_id, stations).group_by(r.station_id)).all())


def referrals(s: Session, month: date, stations: frozenset[str] | None) -> dict[str, tuple[int, int]]:
    """(推荐, 录用) per station: the month's 岗位推荐 records (a referral counts when it is made,
    whatever comes of it) and its 推荐成功 records (a hire counts in the month it was recorded)."""
    start, end = utc_bounds(month)
    r = ServiceRecord
    q = select(r.station_id, r.service, func.count()).where(
        r.service.in_(("referral", "referral_hired")), r.finished_at >= start, r.finished_at < end)
    q = _where_station(q, r.station_id, stations).group_by(r.station_id, r.service)
    out: dict[str, tuple[int, int]] = {}
    for st, service, n in s.execute(q):
        referred, hired = out.get(st, (0, 0))
        out[st] = (referred + (n if service == "referral" else 0), hired + (n if service == "referral_hired" else 0))
    return out


def waits(s: Session, month: date, stations: frozenset[str] | None) -> dict[str, tuple[float, int]]:
    """(total minutes, tickets) from taking a ticket to its first call, per station."""
    t = QueueTicket
    if s.get_bind().dialect.name == "postgresql":
        minutes = func.greatest(func.extract("epoch", t.called_at - t.issued_at) / 60.0, 0)
    else:
        minutes = func.max((func.julianday(t.called_at) - func.julianday(t.issued_at)) * 1440.0, 0)
    q = select(t.station_id, func.sum(minutes), func.count()).where(
        t.day >= month, t.day < next_month(month), t.called_at.is_not(None), t.transferred_from.is_(None))
    q = _where_station(q, t.station_id, stations).group_by(t.station_id)
    return {st: (float(total or 0), n) for st, total, n in s.execute(q)}


def ratings(s: Session, month: date, stations: frozenset[str] | None) -> dict[str, Counter]:
    """The month's 1–5 ratings per station (``feedback.given`` events), as score → count."""
    start, end = utc_bounds(month)
    q = select(Event.station_id, Event.payload).where(Event.type == "feedback.given", Event.occurred_at >= start,
                                                      Event.occurred_at < end)
    out: dict[str, Counter] = {}
    for st, payload in s.execute(_where_station(q, Event.station_id, stations)):
        score = payload.get("score") if isinstance(payload, dict) else None
        if score in (1, 2, 3, 4, 5):
            out.setdefault(st, Counter())[score] += 1
    return out


# --- the report -----------------------------------------------------------------------------------

@dataclass
class Figures:
    """One month's figures of a station, or of a group of stations added up."""

    services: int = 0
    registrations: int = 0
    referred: int = 0
    hired: int = 0
    wait_minutes: float = 0.0
    waited: int = 0
    ratings: Counter = field(default_factory=Counter)
    by_day: Counter = field(default_factory=Counter)
    by_service: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    by_identity: Counter = field(default_factory=Counter)

    def add(self, other: Figures) -> None:
        self.services += other.services
        self.registrations += other.registrations
        self.referred += other.referred
        self.hired += other.hired
        self.wait_minutes += other.wait_minutes
        self.waited += other.waited
        for name in ("ratings", "by_day", "by_service", "by_channel", "by_identity"):
            getattr(self, name).update(getattr(other, name))

    @property
    def wait_avg(self) -> float | None:
        return round(self.wait_minutes / self.waited, 1) if self.waited else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def rating_avg(self) -> float | None:
        return round(sum(k * v for k, v in self.ratings.items()) / self.rated, 2) if self.rated else None

    @property
    def satisfied_pct(self) -> float | None:
        return round(100 * (self.ratings[4] + self.ratings[5]) / self.rated, 1) if self.rated else None


def change_pct(now: int, before: int) -> float | None:
    """Month over month in per cent; None when last month had nothing to compare with."""
    return round(100 * (now - before) / before, 1) if before else None


@dataclass
class Row:
    """A line of the report: a station, a district's subtotal, or the total."""

    kind: str  # station | district | total
    id: str
    name: str
    district: str
    now: Figures
    before: Figures

    @property
    def change(self) -> float | None:
        return change_pct(self.now.services, self.before.services)


@dataclass
class Report:
    month: date
    title: str
    stations: list[Row]
    districts: list[Row]
    total: Row
    service_names: dict[str, str]

    @property
    def empty(self) -> bool:
        return self.total.now.services == 0 and self.total.now.rated == 0 and self.total.now.waited == 0


def _month_figures(s: Session, month: date, stations: frozenset[str] | None) -> dict[str, Figures]:
    out: dict[str, Figures] = {}

    def of(st: str) -> Figures:
        f = out.get(st)
        if f is None:
            f = out[st] = Figures()
        return f

    for st, dim, key, n in service_units(s, month, stations):
        f = of(st)
        if dim == "day":
            f.services += n
            f.by_day[_as_date(key)] += n
        else:
            getattr(f, f"by_{dim}")[key] += n
    for st, n in registrations(s, month, stations).items():
        of(st).registrations = n
    for st, (referred, hired) in referrals(s, month, stations).items():
        of(st).referred, of(st).hired = referred, hired
    for st, (total, n) in waits(s, month, stations).items():
        of(st).wait_minutes, of(st).waited = total, n
    for st, scores in ratings(s, month, stations).items():
        of(st).ratings = scores
    return out


def build(s: Session, month: date, stations: frozenset[str] | None, title: str) -> Report:
    """The report of ``month`` over ``stations`` (None: every station, the city)."""
    known = directory(s)
    now = _month_figures(s, month, stations)
    before = _month_figures(s, previous_month(month), stations)
    ids = set(known) if stations is None else set(stations)
    if stations is None:
        ids |= set(now) | set(before)  # records of a station not (or no longer) configured still count
    rows = []
    for sid in ids:
        st = known.get(sid, Station(sid, sid, NO_DISTRICT))
        rows.append(Row("station", sid, st.name, st.district, now.get(sid, Figures()), before.get(sid, Figures())))
    rows.sort(key=lambda r: (r.district == NO_DISTRICT, r.district, r.id))
    districts: dict[str, Row] = {}
    total = Row("total", "", "合计", "", Figures(), Figures())
    for r in rows:
        d = districts.setdefault(r.district, Row("district", r.district, f"{r.district}小计", r.district,
                                                 Figures(), Figures()))
        for agg in (d, total):
            agg.now.add(r.now)
            agg.before.add(r.before)
    names = dict(ledger.SERVICES)
    for sid in sorted({r.id for r in rows})[:50]:
        for code, name in service_names(s, sid).items():
            names.setdefault(code, name)
    return Report(month, title, rows, list(districts.values()), total, names)


__all__ = ["COUNTED_OUTCOMES", "Figures", "Report", "Row", "Station", "build", "change_pct", "directory",
           "next_month", "parse_month", "previous_month", "ratings", "referrals", "registrations",
           "service_units", "utc_bounds", "waits", "DIMENSIONS"]
