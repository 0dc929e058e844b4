"""预约服务 through the signed kiosk API of a real central, on SQLite and on PostgreSQL: slots,
booking (idempotent by the kiosk's id), the race for the last place, cancel, check-in, and a
booking the kiosk gave up on."""

from __future__ import annotations

import hashlib
import secrets
import threading
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from central.appointments import local_now
from central.kiosks import register
from central.models import AppointmentRow, ServiceRecord, StationConfig
from central.seed import DEFAULT_SERVICES
from kiosk.domain.identity import check_char
from kiosk.sync import protocol as p
from kiosk.sync.client import Refused
from tests.sync.centralserver import STATION
from tests.sync.conftest import make_client

ALL_DAY = [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]
BASE = p.PREFIX + "/appointments"


def id_number(i: int) -> str:
    first17 = f"12010119800101{i:03d}"
    return first17 + check_char(first17)


def configure(central, **rules) -> None:
    services = [{**s, "hours": ALL_DAY} for s in DEFAULT_SERVICES]
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {"name": "和平区南市街就业驿站", "services": services,
                      "appointments": {"lead_minutes": 0, "capacity": 1, **rules}}
        row.version += 1


def request(starts_at: datetime, person: int, service: str = "career_guidance", token: str | None = None,
            booking_id: str | None = None) -> tuple[p.AppointmentRequest, str]:
    token = token or secrets.token_hex(16)
    return p.AppointmentRequest(
        id=booking_id or str(uuid.uuid4()), service=service, starts_at=starts_at,
        token_sha256=hashlib.sha256(token.encode()).hexdigest(), person_key=f"person-{person}",
        id_number=id_number(person), name="张三", identity="idcard", consent=True), token


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    d = local_now().date() + timedelta(days=1)
    return datetime(d.year, d.month, d.day, hour, minute)


def book(client, req: p.AppointmentRequest) -> p.AppointmentReply:
    return client.call("POST", BASE, p.AppointmentReply, body=req)[0]


def slots(client, day: date, service: str = "career_guidance") -> dict[datetime, int]:
    reply = client.call("GET", BASE + "/slots", p.AppointmentSlots,
                        params={"service": service, "from": day.isoformat(), "days": 1})[0]
    return {sl.starts_at: sl.left for sl in reply.slots}


def test_two_kiosks_race_for_the_last_place_exactly_one_wins(central):
    configure(central, capacity=1)
    register(central.db, "test-kiosk-02", STATION, "second-secret-0123456789")
    kiosks = [make_client(central.url), make_client(central.url, "second-secret-0123456789", "test-kiosk-02")]
    for round_ in range(6):
        at = tomorrow_at(9 + round_)
        barrier = threading.Barrier(2)
        outcomes: list[object] = [None, None]

        def attempt(i: int, at: datetime = at, round_: int = round_, barrier: threading.Barrier = barrier,
                    outcomes: list = outcomes) -> None:
            req, _ = request(at, 10 * round_ + i)
            barrier.wait()
            try:
                outcomes[i] = book(kiosks[i], req).reference
            except Refused as e:
                outcomes[i] = e.code

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        wins = [o for o in outcomes if isinstance(o, str) and o.startswith("Y")]
        assert len(wins) == 1 and outcomes.count("slot_full") == 1, outcomes
        with central.db.session() as s:
            n = len(s.scalars(select(AppointmentRow.id).where(AppointmentRow.starts_at == at)).all())
        assert n == 1
        assert slots(kiosks[0], at.date())[at] == 0


def test_booking_is_idempotent_cancel_frees_the_place_and_checks_apply(central):
    configure(central, capacity=2)
    client = make_client(central.url)
    at = tomorrow_at(10, 30)
    assert slots(client, at.date())[at] == 2
    req, token = request(at, 1)
    first = book(client, req)
    again = book(client, req)  # the kiosk lost the reply and sends the same booking again
    assert first.created and not again.created and first.reference == again.reference
    assert first.service_name == "职业指导" and first.starts_at == at and first.status == "booked"
    assert slots(client, at.date())[at] == 1
    with central.db.session() as s:
        row = s.get(AppointmentRow, req.id)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(row.__dict__)

    other, _ = request(tomorrow_at(11), 1)  # the same person, the same service again
    with pytest.raises(Refused) as e:
        book(client, other)
    assert e.value.code == "already_booked"
    changed = req.model_copy(update={"starts_at": tomorrow_at(11)})  # the same id for another booking
    with pytest.raises(Refused) as e:
        book(client, changed)
    assert e.value.code == "conflict"
    for bad in (tomorrow_at(10, 10), local_now().replace(microsecond=0) - timedelta(hours=1)):
        with pytest.raises(Refused) as e:
            book(client, request(bad, 2)[0])
        assert e.value.code == "slot_unavailable"
    with pytest.raises(Refused) as e:
        slots(client, at.date(), service="no_such_service")
    assert e.value.status == 404

    done = client.call("POST", f"{BASE}/{req.id}/cancel", p.AppointmentReply)[0]
    assert done.status == "cancelled" and slots(client, at.date())[at] == 2
    twice = client.call("POST", f"{BASE}/{req.id}/cancel", p.AppointmentReply)[0]
    assert twice.status == "cancelled" and slots(client, at.date())[at] == 2  # given back once only
    stranger = make_client(central.url, "other-secret-0123456789", "other-kiosk")  # another station's kiosk
    with pytest.raises(Refused) as e:
        stranger.call("POST", f"{BASE}/{req.id}/cancel", p.AppointmentReply)
    assert e.value.status == 404


def test_check_in_today_marks_arrived_once_and_writes_the_ledger(central):
    configure(central, capacity=3)
    client = make_client(central.url)
    now = local_now()
    minute = 0 if now.minute < 30 else 30
    slot = now.replace(minute=minute, second=0, microsecond=0) + timedelta(minutes=30)
    if slot + timedelta(minutes=p.AppointmentRules().slot_minutes) > now.replace(hour=23, minute=59):
        pytest.skip("no slot left today (the all-day hours' last slot starts at 23:00)")
    req, token = request(slot, 5)
    book(client, req)
    first = client.call("POST", BASE + "/check-in", p.AppointmentCheckInReply, body=p.AppointmentCheckIn(token=token))[0]
    again = client.call("POST", BASE + "/check-in", p.AppointmentCheckInReply, body=p.AppointmentCheckIn(token=token))[0]
    assert (first.state, again.state) == ("checked_in", "already")
    assert first.service == "career_guidance" and first.person_key == "person-5"
    with central.db.session() as s:
        records = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id == req.id)).all()
        assert [(r.service, r.channel, r.identity, r.outcome) for r in records] == [
            ("appointment", "kiosk", "idcard", "kept")]
    later, later_token = request(tomorrow_at(12), 6)
    book(client, later)
    assert client.call("POST", BASE + "/check-in", p.AppointmentCheckInReply,
                       body=p.AppointmentCheckIn(token=later_token))[0].state == "not_today"
    stranger = make_client(central.url, "other-secret-0123456789", "other-kiosk")
    reply = stranger.call("POST", BASE + "/check-in", p.AppointmentCheckInReply,
                          body=p.AppointmentCheckIn(token=later_token))[0]
    assert reply.state == "other_station" and reply.person_key == ""
    with pytest.raises(Refused) as e:
        client.call("POST", BASE + "/check-in", p.AppointmentCheckInReply,
                    body=p.AppointmentCheckIn(token=secrets.token_hex(16)))
    assert e.value.status == 404


def test_a_booking_the_kiosk_gave_up_on_is_cancelled_by_its_event(central):
    configure(central, capacity=1)
    client = make_client(central.url)
    at = tomorrow_at(15)
    req, _ = request(at, 7)
    book(client, req)  # central booked it; the kiosk never heard the reply
    ev = p.EventIn(id=str(uuid.uuid4()), seq=1, type="appointment.abandoned", occurred_at=datetime.now(),
                   payload={"station_id": STATION, "appointment_id": req.id})
    reply = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=[ev]))[0]
    assert [r.status for r in reply.results] == ["accepted"]
    with central.db.session() as s:
        assert s.get(AppointmentRow, req.id).status == "cancelled"
    assert slots(client, at.date())[at] == 1


def test_malformed_requests_get_a_4xx(central):
    import requests

    client = make_client(central.url)
    far = client.call("GET", BASE + "/slots", p.AppointmentSlots,
                      params={"service": "career_guidance", "from": "9999-12-31", "days": 31})[0]
    assert far.slots == []  # beyond the days offered: nothing, and no date arithmetic past the calendar
    for params in ({"service": "career_guidance", "days": 0}, {"service": "career_guidance", "from": "not-a-day"},
                   {"service": "x" * 41}):
        with pytest.raises(Refused) as e:
            client.call("GET", BASE + "/slots", p.AppointmentSlots, params=params)
        assert 400 <= e.value.status < 500
    r = requests.post(central.url + BASE, json={"id": "x"}, timeout=5)
    assert r.status_code == 401  # not signed
