"""上门服务 / 代理服务 between a kiosk and a real central service on loopback.

A request made while central is unreachable, then sent through a link that loses central's reply
after central applied it, arrives exactly once. Staff follow up in the console over HTTP (login,
the 上门/代办 page with the resident's details, 受理 → 安排 → 已完成, refusals that need a reason);
each change comes back to the kiosk on the ``service_requests`` feed, without personal data, and
shows under 我的申请. A resident's cancellation at the kiosk reaches the console.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import requests
from sqlalchemy import func, select

from central.events import REQUIRED
from central.models import Event, FeedItem
from central.service_requests import ServiceRequestRow
from central.staff_auth import add_staff
from kiosk.core.home_services import Address, Draft, HomeServiceDesk, Window
from kiosk.domain.identity import Resident, check_char
from kiosk.store.outbox import OutboxCipher
from kiosk.sync import pusher
from kiosk.sync.client import SyncError
from tests.sync.centralserver import STATION
from tests.sync.conftest import make_client, make_worker
from tests.sync.faultproxy import FaultProxy

NUMBER = "12010119560315002"
NUMBER += check_char(NUMBER)
PHONE = "13912348765"
NAME = "李秀兰"
NOW = datetime(2030, 1, 9, 10, 0)


def _desk(store) -> HomeServiceDesk:
    cipher = OutboxCipher.from_data_dir(store.path.parent)
    return HomeServiceDesk(store, lambda: cipher, STATION, "和平区", "南市街道", lambda: NOW)


def _submit(desk, kind="home_visit", reason="就业登记", person="pk-li"):
    who = Resident(NUMBER, date(1956, 3, 15), name=NAME, source="card")
    return desk.submit(who, person, Draft(kind, [], Address("南市街道", "12", "3", "502"),
                                          Window(date(2030, 1, 10), "pm"), reason, PHONE))


def _pending(store) -> int:
    return pusher.pending_count(store)


def test_request_made_offline_arrives_once_and_staff_status_comes_back(central, kiosk_store):
    desk = _desk(kiosk_store)
    sub = _submit(desk)
    proxy = FaultProxy(central.port, weights={"refuse": 1.0})
    try:
        with pytest.raises(SyncError):  # central unreachable: the request waits in the outbox
            pusher.push_all(kiosk_store, make_client(proxy.url), OutboxCipher.from_data_dir(kiosk_store.path.parent))
        assert _pending(kiosk_store) == 1
        proxy.weights = {"error_500": 1.0}  # central applies it, the kiosk never hears back
        with pytest.raises(SyncError):
            pusher.push_all(kiosk_store, make_client(proxy.url), OutboxCipher.from_data_dir(kiosk_store.path.parent))
        assert _pending(kiosk_store) == 1
        proxy.weights = {"ok": 1.0}
        worker = make_worker(kiosk_store, proxy.url)
        worker.run_once()
    finally:
        proxy.close()
    worker = make_worker(kiosk_store, central.url)
    assert _pending(kiosk_store) == 0
    with central.db.session() as s:
        rows = s.scalars(select(ServiceRequestRow)).all()
        events = s.scalar(select(func.count()).select_from(Event).where(Event.type == "home_visit.requested"))
        assert len(rows) == 1 and events == 1
        row = rows[0]
        assert (row.reference, row.station_id, row.status) == (sub.reference, STATION, "submitted")
        assert row.details["id_number"] == NUMBER and row.details["phone"] == PHONE and row.details["name"] == NAME
        assert row.details["address_detail"] == "12号楼3单元502室" and row.window_half == "pm"
        request_id = row.id
    # the kiosk already knows central has it (the feed came back in the same round)
    assert desk.mine("pk-li")[0].status == "submitted"

    add_staff(central.db, STATION, "王芳", "2468")
    http = requests.Session()
    r = http.post(f"{central.url}/staff/login", data={"station": STATION, "counter": "2", "name": "王芳",
                                                       "password": "2468"}, allow_redirects=False)
    assert r.status_code == 303
    page = http.get(f"{central.url}/staff/requests")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert sub.reference in page.text and NUMBER in page.text and PHONE in page.text and NAME in page.text
    assert "南市街道12号楼3单元502室" in page.text and "60岁及以上" in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def act(**form):
        return http.post(f"{central.url}/staff/requests/{request_id}", data={"csrf": token, **form},
                         allow_redirects=True)

    assert "请求来源不对" in http.post(f"{central.url}/staff/requests/{request_id}",
                                    data={"csrf": "forged", "action": "accept"}).text
    assert "已改为“已受理”" in act(action="accept").text
    assert "不能改为“已受理”" in act(action="accept").text  # twice: refused with a message
    assert "已改为“已安排”" in act(action="schedule", date="2030-01-10", time="14:30", staff="王芳",
                                   note="请留意电话 13800001111").text
    worker.pull("service_requests")
    view = desk.mine("pk-li")[0]
    assert view.status == "scheduled" and view.scheduled_at == datetime(2030, 1, 10, 14, 30)
    assert view.staff == "王*" and view.note == ""  # a staff note may hold an address: it stays on central
    assert "1月10日 14:30" in view.status_text
    # nothing that identifies the resident went down the feed
    with central.db.session() as s:
        feed = json.dumps([f.data for f in s.scalars(select(FeedItem).where(FeedItem.feed == "service_requests"))],
                          ensure_ascii=False)
    for secret in (NUMBER, PHONE, NAME, "502", "pk-li", "请留意电话", "1111"):
        assert secret not in feed
    assert "请填写无法办理的原因" in act(action="refuse", note="").text
    assert "已改为“已完成”" in act(action="done").text
    worker.pull("service_requests")
    assert desk.mine("pk-li")[0].status == "done" and desk.open_request("pk-li", "home_visit") is None


def test_a_cancellation_at_the_kiosk_reaches_the_console(central, kiosk_store):
    desk = _desk(kiosk_store)
    sub = _submit(desk, "proxy", "代办档案转递")
    worker = make_worker(kiosk_store, central.url)
    worker.run_once()
    desk.cancel("pk-li", sub.reference)
    worker.run_once()
    with central.db.session() as s:
        row = s.scalar(select(ServiceRequestRow).where(ServiceRequestRow.reference == sub.reference))
        assert row.status == "cancelled" and row.details["documents"][-1].endswith("调档函")
    assert desk.mine("pk-li")[0].status == "cancelled"


def test_malformed_request_events_are_rejected_not_stored(central, kiosk_store):
    from kiosk.store.outbox import add_event

    good = {k: "x" for k in REQUIRED["proxy.requested"]}
    with kiosk_store.session() as s:
        add_event(s, "proxy.requested", {**good, "reference": "bad ref", "kind": "proxy"})
        add_event(s, "proxy.requested", {**good, "reference": "PABCDEFG", "kind": "home_visit"})
        add_event(s, "proxy.requested", {**good, "reference": "PABCDEFG", "kind": "proxy", "window_half": "am",
                                         "window_day": "not a day"})
    sent, rejected = pusher.push_all(kiosk_store, make_client(central.url), None)
    assert (sent, rejected) == (0, 3)
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRequestRow)) == 0
