"""Each event of a batch is judged on its own: one bad event never fails the batch or stalls a
kiosk, against the real central service over HTTP (both databases, see conftest)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from central.models import Event, RejectedEvent, StationConfig
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import add_event
from kiosk.sync import protocol as p
from tests.sync.centralserver import STATION
from tests.sync.conftest import make_client, make_worker
from tests.sync.test_security import EVENTS, batch, call, event


def _count(db, model) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _nested(depth: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(depth):
        value = {"x": value}
    return value


BAD_EVENTS = {
    "year 1": lambda: dict(event(), occurred_at="0001-01-01T00:00:00+08:00"),
    "year 9999 with an offset": lambda: dict(event(), occurred_at="9999-12-31T23:59:59-05:00"),
    "a date in the payload out of range": lambda: event(service="recruit", finished_at="9999-12-31T23:59:59-05:00"),
    "a day that is not a date": lambda: event(type_="ticket.issued", ticket_id="t", service="s", number="A1",
                                              day="soon"),
    "a wrongly typed field": lambda: event(type_="feedback.given", score="five"),
    "text where a flag is": lambda: event(type_="consult.callback_requested", reference="R1", topic="t",
                                          phone="13800000000", consent="yes"),
    "a payload 300 deep": lambda: event(service="recruit", extra=_nested(300)),
    "an over-long field": lambda: event(service="x" * 41),
    "an over-long text anywhere": lambda: event(service="recruit", note="字" * (p.MAX_PAYLOAD_TEXT + 1)),
    "too many items": lambda: event(service="recruit", ids=list(range(p.MAX_PAYLOAD_ITEMS + 1))),
    "seq out of range": lambda: dict(event(), seq=2**70),
    "type over 40 characters": lambda: dict(event(), type="x" * 41),
    "a payload that is a list": lambda: dict(event(), payload=[1, 2]),
    "an id that is not a UUID": lambda: dict(event(), id="nope"),
    "a missing field": lambda: {k: v for k, v in event().items() if k != "seq"},
}


@pytest.mark.parametrize("case", list(BAD_EVENTS))
def test_one_bad_event_is_rejected_and_the_rest_of_the_batch_accepted(central, case):
    good_before, good_after = event(seq=1), event(seq=3)
    bad = BAD_EVENTS[case]()
    resp = call(central, "POST", EVENTS, batch(good_before, bad, good_after))
    assert resp.status_code == 200, (case, resp.status_code, resp.text[:300])
    results = p.EventBatchReply.model_validate_json(resp.content).results
    assert [r.status for r in results] == ["accepted", "rejected", "accepted"], results
    assert results[1].reason, "a rejection says why"
    assert _count(central.db, Event) == 2
    if isinstance(bad.get("id"), str) and len(bad["id"]) == 36:
        with central.db.session() as s:
            assert s.get(RejectedEvent, bad["id"]).reason == results[1].reason  # kept for the ops console


def test_a_rejection_names_the_field_and_never_echoes_its_value(central):
    secret = "12010419800101123X"
    bad = event(type_="feedback.given", score=5, id_number=secret * 3)
    resp = call(central, "POST", EVENTS, batch(bad))
    reason = resp.json()["results"][0]["reason"]
    assert "id_number" in reason and secret not in reason and secret not in resp.text


def test_a_body_nested_past_the_parser_is_a_4xx(central):
    body = b'{"events": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    resp = call(central, "POST", EVENTS, body)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:200])


def test_the_kiosk_keeps_an_event_its_own_schema_refuses_and_sends_the_rest(central, kiosk_store):
    """An event the kiosk wrote wrongly (a bug, a clock in year 1) is kept for staff with the reason
    and never resent; the events behind it go up."""
    with kiosk_store.session() as s:
        bad_day = add_event(s, "ticket.issued", {"ticket_id": "t-9", "service": "recruit", "number": "A009",
                                                 "day": "0001-01-01"})
        deep = add_event(s, "service.rendered", {"service": "recruit", "extra": _nested(50)})
        good = [add_event(s, "feedback.given", {"score": 4}) for _ in range(3)]
        s.flush()
        s.scalar(select(OutboxEvent).where(OutboxEvent.id == good[0])).occurred_at = datetime(1, 1, 2)  # a mad clock
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=())
    status = worker.run_once()
    with kiosk_store.read() as s:
        states = {e.id: (e.state, e.last_error) for e in s.scalars(select(OutboxEvent))}
    assert states[bad_day][0] == "rejected" and "payload.day" in states[bad_day][1]
    assert states[deep][0] == "rejected" and "deeper" in states[deep][1]
    assert states[good[0]][0] == "rejected" and "occurred_at" in states[good[0]][1]
    assert [states[g][0] for g in good[1:]] == ["sent", "sent"]
    assert status.pending == 0 and status.rejected_total == 3
    assert _count(central.db, Event) == 2
    # and a second round sends nothing again
    assert worker.run_once().pending == 0
    assert _count(central.db, Event) == 2


def test_a_station_config_with_a_consult_pool_is_served_and_read(central, kiosk_store):
    """docs/ADVISOR.md has stations set ``consult_pool``: central keeps it for itself and the kiosk
    still gets, and parses, its config (it used to be a 500 for every kiosk of the station)."""
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {**row.config, "consult_pool": "heping", "priority": {"age": "old"}, "later_key": [1]}
        row.version += 1
        version = row.version
    client = make_client(central.url)
    reply, _ = client.call("GET", f"{p.PREFIX}/stations/{STATION}/config", p.StationConfigReply)
    assert reply.version == version
    assert reply.priority is None  # the value kiosks cannot accept is left out, not the whole config
    assert "consult_pool" not in reply.model_dump()
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=())
    worker.run_once()
    assert not worker.status.config_rejected
    assert json.loads(kiosk_store.get_setting("central.config"))["version"] == version


def test_a_uuid_id_of_a_malformed_event_is_recorded_once(central):
    ev_id = str(uuid.uuid4())
    bad = {"id": ev_id, "seq": 1, "type": "feedback.given", "occurred_at": datetime.now(UTC).isoformat(),
           "payload": {"score": "x"}}
    for _ in range(2):
        resp = call(central, "POST", EVENTS, batch(bad))
        assert resp.json()["results"] == [{"id": ev_id, "status": "rejected", "reason": resp.json()["results"][0]["reason"]}]
    assert _count(central.db, RejectedEvent) == 1
