"""A month of station life for the workload ledger's tests, and the ledger's figures counted
independently of central's report code.

``World(seed)`` generates, with a seeded generator, last month's events of three stations (two
in one district): tickets taken, called and served at the kiosk's panel, registrations, video
consultations (some never connected), ratings, and the edges of the month in Beijing time. This
month's part is done by people through the real HTTP pages: tickets served at a counter, home
visits and proxy cases done, a call-back made. ``expected`` counts what the report must show
from the facts the generator wrote down, by the documented rule (once per person, service and
day), with nothing from ``central.ledger_report``.
"""

from __future__ import annotations

import random
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

TZ = ZoneInfo("Asia/Shanghai")
#: station → (district, name, kiosk id)
STATIONS = {"TJ-L-01": ("和平区", "和平区南市街就业驿站", "kiosk-l-01"),
            "TJ-L-02": ("和平区", "和平区小白楼街就业驿站", "kiosk-l-02"),
            "TJ-L-03": ("河西区", "河西区友谊路街就业驿站", "kiosk-l-03")}
SECRET = "ledger-kiosk-secret-0123456789"
PEOPLE = [f"pk-person-{i}" for i in range(7)]
PROOFS = ("idcard", "essc", "typed")
STAFF = ("李静", "1357")
ADMIN = ("赵主任", "9753")
ADVISOR = ("adv-ledger", "advisor-pass", "钱顾问")
CHANNEL_NAMES = {"kiosk": "自助终端", "counter": "窗口", "phone": "手机页面", "video": "视频", "home": "上门"}
IDENTITY_NAMES = {"idcard": "身份证", "essc": "电子社保卡", "typed": "手输证件号", "none": "未核验"}


def month_start(d: date) -> date:
    return d.replace(day=1)


def prev_month(m: date) -> date:
    return (m - timedelta(days=1)).replace(day=1)


def days_of(m: date) -> list[date]:
    out, d = [], m
    while d.month == m.month:
        out.append(d)
        d += timedelta(days=1)
    return out


@dataclass(frozen=True)
class Fact:
    """A service record central must write (``counted``: a service rendered)."""

    station: str
    service: str
    day: date
    person: str | None
    channel: str
    identity: str
    counted: bool = True


@dataclass
class World:
    seed: int
    today: date = field(default_factory=lambda: datetime.now(TZ).date())
    facts: list[Fact] = field(default_factory=list)
    events: dict[str, list[dict]] = field(default_factory=dict)
    waits: dict[tuple[str, date], list[float]] = field(default_factory=dict)
    ratings: dict[tuple[str, date], Counter] = field(default_factory=dict)
    interests: list[tuple[str, str, datetime]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.current = month_start(self.today)
        self.last = prev_month(self.current)
        self._seq: Counter = Counter()
        self._numbers: Counter = Counter()
        self._generate()

    # -- events ------------------------------------------------------------------------------------
    def _event(self, station: str, type_: str, at: datetime, payload: dict) -> str:
        kiosk = STATIONS[station][2]
        self._seq[kiosk] += 1
        ev_id = str(uuid.uuid4())
        self.events.setdefault(kiosk, []).append({"id": ev_id, "seq": self._seq[kiosk], "type": type_,
                                                  "occurred_at": at.isoformat(), "payload": payload})
        return ev_id

    def _at(self, day: date, minute_of_day: int) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(minutes=minute_of_day)

    def _person(self, anonymous_share: float = 0.3) -> tuple[str | None, str]:
        if self.rng.random() < anonymous_share:
            return None, "none"
        return self.rng.choice(PEOPLE), self.rng.choice(PROOFS)

    def _ticket(self, station: str, day: date, person: str | None, proof: str, service: str, start_min: int) -> None:
        issued = self._at(day, start_min)
        tid = str(uuid.uuid4())
        self._numbers[(station, day)] += 1
        self._event(station, "ticket.issued", issued, {
            "ticket_id": tid, "service": service, "number": f"A{self._numbers[(station, day)]:03d}",
            "day": day.isoformat(), "issued_at": issued.isoformat(), "priority": False, "person_key": person,
            "people_ahead": 0, "identity": proof})
        if self.rng.random() < 0.2:
            return  # never called
        wait = self.rng.randint(0, 50)
        called = issued + timedelta(minutes=wait)
        self.waits.setdefault((station, day), []).append(float(wait))
        self._event(station, "ticket.called", called, {"ticket_id": tid, "counter": "1", "service": service,
                                                        "called_at": called.isoformat(), "source": "kiosk"})
        done = called + timedelta(minutes=self.rng.randint(2, 12))
        if self.rng.random() < 0.15:
            self._event(station, "ticket.finished", done, {"ticket_id": tid, "counter": "1", "outcome": "no_show",
                                                           "finished_at": done.isoformat()})
            return
        self._event(station, "ticket.finished", done, {"ticket_id": tid, "counter": "1", "outcome": "served",
                                                       "finished_at": done.isoformat()})
        self._event(station, "service.rendered", done, {
            "ticket_id": tid, "service": service, "counter": "1", "issued_at": issued.isoformat(),
            "called_at": called.isoformat(), "started_at": called.isoformat(), "finished_at": done.isoformat(),
            "person_key": person, "outcome": "served"})
        self.facts.append(Fact(station, service, done.date(), person, "counter", proof))

    def _registration(self, station: str, at: datetime, person: str, proof: str) -> None:
        self._event(station, "registration.submitted", at, {
            "station_id": station, "id_number": "120104198001011234", "phone": "13800000000",
            "employment_status": "失业", "person_key": person, "identity": proof, "consent": True})
        self.facts.append(Fact(station, "registration", at.date(), person, "kiosk", proof))

    def _generate(self) -> None:
        rng = self.rng
        for station in STATIONS:
            for day in days_of(self.last):
                for _ in range(rng.randint(0, 4)):
                    person, proof = self._person()
                    self._ticket(station, day, person, proof, rng.choice(("job_registration", "career_guidance")),
                                 rng.randint(8 * 60, 17 * 60))
                if rng.random() < 0.5:
                    person, proof = self._person(0)
                    self._registration(station, self._at(day, rng.randint(9 * 60, 17 * 60)), person, proof)
                if rng.random() < 0.4:
                    person, proof = self._person()
                    started = self._at(day, rng.randint(9 * 60, 16 * 60))
                    ended = started + timedelta(minutes=rng.randint(3, 20))
                    completed = rng.random() < 0.75
                    payload = {"call_id": str(uuid.uuid4()), "station_id": station, "topic": "求职指导",
                               "requested_at": started.isoformat(), "started_at": started.isoformat() if completed
                               else None, "ended_at": ended.isoformat(), "duration_s": 0,
                               "outcome": "completed" if completed else "no_advisor", "identity": proof}
                    if person:
                        payload["person_key"] = person
                    self._event(station, "consult.ended", ended, payload)
                    self.facts.append(Fact(station, "video_consult", ended.date(), person, "video", proof, completed))
                if rng.random() < 0.6:
                    score = rng.randint(1, 5)
                    self._event(station, "feedback.given", self._at(day, rng.randint(9 * 60, 17 * 60)),
                                {"station_id": station, "service": "job_registration", "score": score})
                    self.ratings.setdefault((station, day), Counter())[score] += 1
                if rng.random() < 0.3:
                    status = rng.choice(("new", "contacted", "referred", "interview", "hired", "failed"))
                    at = self._at(day, rng.randint(9 * 60, 17 * 60)).astimezone(UTC).replace(tzinfo=None)
                    self.interests.append((station, status, at))
                    if status in ("referred", "interview", "hired"):  # the 岗位推荐 record is a service
                        local = at.replace(tzinfo=UTC).astimezone(TZ).date()
                        self.facts.append(Fact(station, "referral", local, None, "kiosk", "none"))
        # the same person twice for one service on one day is one service
        first = list(STATIONS)[0]
        day3 = self.last + timedelta(days=2)
        self._registration(first, self._at(day3, 9 * 60), PEOPLE[0], "idcard")
        self._registration(first, self._at(day3, 15 * 60), PEOPLE[0], "typed")
        # Beijing-time edges of the month: 23:50 on its last day is in it, 00:10 on the next day is not
        self._registration(first, self._at(days_of(self.last)[-1], 23 * 60 + 50), PEOPLE[1], "essc")
        self._registration(first, self._at(self.current, 10), PEOPLE[1], "essc")

    # -- this month's part, by people at the pages ----------------------------------------------------
    def today_tickets(self, station: str) -> list[dict]:
        """Three tickets taken today (two by one person for one service), to be served at a counter."""
        now = datetime.now(TZ)
        out = []
        for i, person in enumerate((PEOPLE[2], PEOPLE[2], None)):
            issued = now - timedelta(minutes=10 - i)
            tid = str(uuid.uuid4())
            self._event(station, "ticket.issued", issued, {
                "ticket_id": tid, "service": "job_registration", "number": f"T{i + 1:03d}", "day": now.date().isoformat(),
                "issued_at": issued.isoformat(), "priority": False, "person_key": person, "people_ahead": 0,
                "identity": "idcard" if person else "none"})
            self.facts.append(Fact(station, "job_registration", now.date(), person, "counter",
                                   "idcard" if person else "none"))
            out.append({"ticket_id": tid})
        return out

    def today_requests(self, station: str) -> list[str]:
        """A home visit and a proxy case asked for at the kiosk, to be done by staff."""
        ids = []
        for kind, channel in (("home_visit", "home"), ("proxy", "counter")):
            rid = str(uuid.uuid4())
            ref = ("H" if kind == "home_visit" else "P") + uuid.uuid4().hex[:7].upper()
            self._event(station, f"{kind}.requested", datetime.now(TZ), {
                "station_id": station, "request_id": rid, "reference": ref, "kind": kind,
                "id_number": "120104198001011234", "name": "张三", "phone": "13800000000", "person_key": PEOPLE[3],
                "street": "南市街", "address_detail": "1号楼", "window_day": self.today.isoformat(),
                "window_half": "am", "reason": "失业登记", "documents": [], "eligibility": [], "aged_60_plus": False,
                "consent": True, "identity": "essc"})
            self.facts.append(Fact(station, kind, self.today, PEOPLE[3], channel, "essc"))
            ids.append(rid)
        return ids

    def today_callback(self, station: str) -> str:
        ev = self._event(station, "consult.callback_requested", datetime.now(TZ), {
            "station_id": station, "reference": "HD-" + uuid.uuid4().hex[:5].upper(), "topic": "政策咨询",
            "phone": "13912345678", "consent": True, "person_key": PEOPLE[4], "identity": "typed"})
        self.facts.append(Fact(station, "callback", self.today, PEOPLE[4], "phone", "typed"))
        return ev

    def take_events(self) -> dict[str, list[dict]]:
        out, self.events = self.events, {}
        return out


# --- the independent count ------------------------------------------------------------------------

@dataclass
class Expected:
    services: int = 0
    registrations: int = 0
    referred: int = 0
    hired: int = 0
    waits: list[float] = field(default_factory=list)
    ratings: Counter = field(default_factory=Counter)
    by_day: Counter = field(default_factory=Counter)
    by_service: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    by_identity: Counter = field(default_factory=Counter)


def expected(world: World, stations: set[str], month: date) -> Expected:
    """The month's figures over ``stations``, counted from the generator's facts."""
    e = Expected()
    groups: dict[tuple, list[Fact]] = {}
    for i, f in enumerate(world.facts):
        if f.counted and f.station in stations and month_start(f.day) == month:
            key = (f.station, f.service, f.day, f.person) if f.person else ("anonymous", i)
            groups.setdefault(key, []).append(f)
    for facts in groups.values():
        f = facts[0]
        e.services += 1
        e.by_day[f.day] += 1
        e.by_service[f.service] += 1
        e.by_channel[min(x.channel for x in facts)] += 1
        e.by_identity[min(x.identity for x in facts)] += 1
    e.registrations = len({(f.station, f.person) for f in world.facts if f.service == "registration"
                           and f.station in stations and month_start(f.day) == month})
    for station, status, at in world.interests:
        local = at.replace(tzinfo=UTC).astimezone(TZ).date()
        if station in stations and month_start(local) == month:
            e.referred += status in ("referred", "interview", "hired")
            e.hired += status == "hired"
    for (station, day), ws in world.waits.items():
        if station in stations and month_start(day) == month:
            e.waits += ws
    for (station, day), c in world.ratings.items():
        if station in stations and month_start(day) == month:
            e.ratings.update(c)
    return e


# --- people at the pages --------------------------------------------------------------------------

class StaffBrowser:
    """A staff member in the console over plain HTTP: the session cookie and the page's CSRF token."""

    def __init__(self, base: str, station: str, name: str, password: str, counter: str = "1") -> None:
        self.base = base
        self.http = requests.Session()
        r = self.http.post(base + "/staff/login", allow_redirects=False,
                           data={"station": station, "counter": counter, "name": name, "password": password})
        assert r.status_code == 303, r.text[:300]
        self.csrf = re.search(r'<meta name="csrf" content="([^"]+)"', self.http.get(base + "/staff/").text).group(1)

    def act(self, action: str, body: dict | None = None) -> dict:
        r = self.http.post(f"{self.base}/staff/api/{action}", json=body or {}, headers={"X-CSRF-Token": self.csrf})
        assert r.status_code == 200, r.text[:300]
        return r.json()

    def request_action(self, request_id: str, action: str) -> None:
        r = self.http.post(f"{self.base}/staff/requests/{request_id}", allow_redirects=False,
                           data={"csrf": self.csrf, "action": action})
        assert r.status_code == 303 and "err=" not in r.headers["location"], r.headers.get("location")

    def get(self, path: str, **params) -> requests.Response:
        return self.http.get(self.base + path, params=params, allow_redirects=False)
