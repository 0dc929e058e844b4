"""回电申请 end to end: a kiosk's CallbackDesk stores the request, the SyncWorker pushes it (twice,
as if central's reply had been lost) to a real central service on loopback, and an advisor of the
station's pool finds it on /advisor/callbacks with the number to dial and marks it 已回电.
Advisors of another pool never see it; without a session or the CSRF token nothing changes; a
malformed payload is refused with the reason; the phone number never reaches a log.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from central.callbacks import CallbackRow
from central.models import Event, StationConfig
from kiosk.core.callback import EVENT_TYPE, CallbackDesk
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import OutboxCipher
from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient
from tests.centralfixture import ADVISOR, OTHER_POOL_ADVISOR
from tests.sync.centralserver import KIOSK, SECRET, STATION
from tests.sync.conftest import make_worker

PHONE = "13912348765"
STATION_NAME = "南市街就业驿站"


pytestmark = pytest.mark.central(advisors=True, station_name=STATION_NAME)


def request_call_back(store, topic: str = "求职指导"):
    cipher = OutboxCipher.from_data_dir(store.path.parent)
    return CallbackDesk(store, lambda: cipher, STATION).request(str(uuid.uuid4()), topic, PHONE)


class Advisor:
    """An advisor in the console over plain HTTP: a session cookie and the page's CSRF token."""

    def __init__(self, base: str, login: str, password: str) -> None:
        self.base = base
        self.http = requests.Session()
        r = self.http.post(base + "/advisor/login", data={"login": login, "password": password}, allow_redirects=False)
        assert r.status_code == 303, r.text[:200]
        self.csrf = re.search(r'<meta name="csrf" content="([^"]+)"', self.http.get(base + "/advisor/").text).group(1)

    def page(self) -> str:
        r = self.http.get(self.base + "/advisor/callbacks", allow_redirects=False)
        assert r.status_code == 200
        return r.text

    def mark(self, row_id: str, action: str, note: str = "", csrf: str | None = None, **kw) -> requests.Response:
        return self.http.post(f"{self.base}/advisor/callbacks/{row_id}", allow_redirects=False,
                              data={"csrf": self.csrf if csrf is None else csrf, "action": action, "note": note}, **kw)


def _rows(central) -> list[CallbackRow]:
    with central.db.session() as s:
        return list(s.scalars(select(CallbackRow)))


def test_call_back_arrives_once_is_listed_for_the_pool_and_marked_done(central, kiosk_store, caplog):
    caplog.set_level(logging.DEBUG)
    done = request_call_back(kiosk_store)
    with kiosk_store.read() as s:
        stored = s.scalar(select(OutboxEvent).where(OutboxEvent.id == done.event_id)).payload
    assert PHONE.encode() not in stored
    make_worker(kiosk_store, central.url).run_once()
    with kiosk_store.session() as s:  # as if central's reply had been lost: the kiosk sends it again
        ev = s.scalar(select(OutboxEvent).where(OutboxEvent.id == done.event_id))
        assert ev.state == "sent" and ev.payload == b""  # the phone left the kiosk
        ev.state, ev.payload = "pending", stored
    make_worker(kiosk_store, central.url).run_once()

    rows = _rows(central)
    assert len(rows) == 1
    row = rows[0]
    assert (row.id, row.reference, row.station_id, row.topic, row.phone, row.status) == \
        (done.event_id, done.reference, STATION, "求职指导", PHONE, "open")
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.type == EVENT_TYPE)) == 1

    # the advisor of the station's pool sees it, the number in full (they must dial it)
    wang = Advisor(central.url, ADVISOR[0], ADVISOR[1])
    page = wang.page()
    assert done.reference in page and STATION_NAME in page and "求职指导" in page
    assert "139 1234 8765" in page and f'href="tel:{PHONE}"' in page
    assert wang.http.get(central.url + "/advisor/api/state").json()["callbacks_open"] == 1
    # an advisor of another pool neither sees it nor can close it
    zhao = Advisor(central.url, OTHER_POOL_ADVISOR[0], OTHER_POOL_ADVISOR[1])
    assert done.reference not in zhao.page() and PHONE not in zhao.page()
    assert zhao.mark(row.id, "done").status_code == 404

    # refused: no session, no or a wrong CSRF token, another origin, 联系不上 without a note
    anon = requests.post(f"{central.url}/advisor/callbacks/{row.id}", data={"csrf": wang.csrf, "action": "done"},
                         allow_redirects=False)
    assert anon.status_code == 303 and anon.headers["location"].startswith("/advisor/login")
    assert requests.get(central.url + "/advisor/callbacks", allow_redirects=False).headers["location"] == "/advisor/login"
    assert wang.mark(row.id, "done", csrf="").status_code == 403
    assert wang.mark(row.id, "done", csrf=zhao.csrf).status_code == 403
    assert wang.mark(row.id, "done", headers={"Origin": "http://evil.example"}).status_code == 403
    r = wang.mark(row.id, "unreachable")
    assert r.status_code == 400 and "联系不上" in r.text
    assert [x.status for x in _rows(central)] == ["open"]

    r = wang.mark(row.id, "done", note=f"已解答，居民说号码 {PHONE} 以后也能用")
    assert r.status_code == 303 and r.headers["location"] == f"/advisor/callbacks?done={done.reference}.done"
    page = wang.http.get(central.url + r.headers["location"]).text
    assert f"{done.reference} 已标记为“已回电”" in page and "目前没有待回电的申请" in page
    assert PHONE not in page and "139****8765" in page  # handled: the number is masked
    (row,) = _rows(central)
    assert (row.status, row.advisor_id is not None, row.advisor_name) == ("done", True, ADVISOR[2])
    assert row.handled_at is not None and PHONE not in row.note and "139****8765" in row.note
    assert wang.http.get(central.url + "/advisor/api/state").json()["callbacks_open"] == 0
    again = zhao.mark(row.id, "unreachable", note="无人接听")
    assert again.status_code == 404
    again = wang.mark(row.id, "unreachable", note="无人接听")
    assert again.status_code == 409 and "已回电" in again.text
    assert PHONE not in caplog.text


def test_unreachable_needs_a_note_and_stays_with_the_pool_the_station_names(central, kiosk_store):
    first = request_call_back(kiosk_store, "政策咨询")
    second = request_call_back(kiosk_store, "其他")
    make_worker(kiosk_store, central.url).run_once()
    wang = Advisor(central.url, ADVISOR[0], ADVISOR[1])
    page = wang.page()
    assert page.index(first.reference) < page.index(second.reference)  # oldest first
    by_ref = {r.reference: r for r in _rows(central)}
    assert wang.mark(by_ref[first.reference].id, "unreachable", note="三次无人接听").status_code == 303
    page = wang.page()
    assert "联系不上" in page and "三次无人接听" in page and second.reference in page
    # the station moves to the 滨海 pool: its open request goes with it
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {**row.config, "consult_pool": "binhai"}
    assert second.reference not in wang.page()
    zhao = Advisor(central.url, OTHER_POOL_ADVISOR[0], OTHER_POOL_ADVISOR[1])
    assert second.reference in zhao.page()


def _event(payload: dict) -> p.EventIn:
    return p.EventIn(id=str(uuid.uuid4()), seq=1, type=EVENT_TYPE, occurred_at=datetime.now(UTC),
                     payload=payload)


def test_malformed_call_back_events_are_refused_with_the_reason(central):
    good = {"station_id": STATION, "reference": "HD-ACDEF", "topic": "其他", "phone": PHONE, "consent": True}
    bad = [({k: v for k, v in good.items() if k != "phone"}, "lacks phone"),
           ({**good, "reference": "AB12"}, "reference"),
           ({**good, "phone": "12345"}, "phone"),
           ({**good, "topic": ""}, "topic"),
           ({**good, "consent": False}, "consent")]
    client = CentralClient(central.url, KIOSK, SECRET)
    batch = p.EventBatch(events=[_event(pl) for pl, _ in bad] + [_event(good)])
    reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=batch)
    assert [r.status for r in reply.results] == ["rejected"] * len(bad) + ["accepted"]
    for r, (_, why) in zip(reply.results, bad):
        assert why in r.reason
    assert [x.reference for x in _rows(central)] == ["HD-ACDEF"]
