"""上门·代办 on the real app: both flows by touch, back, cancel, the idle timeout mid-form, the
printed confirmation (its QR decoded from the virtual printer's PNG), the one-open-request page,
我的申请 with cancelling, and a submission made while central is unreachable that reaches a real
central service later exactly once and comes back as a staff member's status under 我的申请."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from kiosk.domain.identity import Resident, check_char
from kiosk.store.models import OutboxEvent, ServiceRequest
from kiosk.store.outbox import read_payload
from tests.appfixture import beijing, go_home, tap, wait_until
from tests.qrcodes import qr_texts

WEDNESDAY = date(2030, 1, 9)
YOUNG = "12010119900101001"
YOUNG += check_char(YOUNG)
PHONE = "13912345678"


@pytest.fixture
def at_wednesday(app):
    app.services.queue.clock = lambda: beijing(WEDNESDAY, 10)
    yield app
    from kiosk.domain.queue_rules import utc_now

    app.services.queue.clock = utc_now


def _counts(app) -> tuple[int, int]:
    with app.store.read() as s:
        return (s.scalar(select(func.count()).select_from(ServiceRequest)),
                s.scalar(select(func.count()).select_from(OutboxEvent)))


def _key(screen, digit: str):
    return next(k for k in screen.ids.keypad.children if k.text == digit)


def _type(screen, digits: str) -> None:
    for d in digits:
        tap(_key(screen, d))


def _open(app, kind_text: str, resident: Resident):
    go_home(app)
    tap(app.screen("home").tile("home_service"))
    hs = app.screen("home_service")
    wait_until(lambda: app.nav.current == "home_service" and hs.page == "menu", what="the chooser")
    tap(hs.choice(kind_text))
    wait_until(lambda: app.nav.current == "login", what="identity first")
    app.screen("login").accept(resident)
    wait_until(lambda: app.nav.current == "home_service" and hs.page not in ("menu",) and app.background.pending == 0,
               what="back from identity")
    return hs


def _address(hs, building: str, unit: str, room: str) -> None:
    _type(hs, building)
    if unit:
        tap(hs.ids.field_unit)
        _type(hs, unit)
    tap(hs.ids.field_room)
    _type(hs, room)


def test_home_visit_by_touch_with_eligibility_back_print_and_rating(at_wednesday):
    app = at_wednesday
    sim = app.printer_simulator
    hs = _open(app, "上门服务", Resident(YOUNG, date(1990, 1, 1)))
    assert hs.page == "eligibility" and hs.progress == "第 1 步，共 7 步"
    tap(hs.choice("以上都不是"))
    assert hs.page == "eligibility" and "代理服务" in hs.error  # says plainly who may ask, and what else to do
    tap(hs.choice("行动不便"))
    assert hs.page == "street" and hs.choice("南市街道") is not None
    tap(hs.choice("南市街道"))
    assert hs.page == "detail"
    _type(hs, "12")
    tap(hs.ids.field_room)
    tap(hs.ids.next)
    assert hs.page == "detail" and "室号" in hs.error  # a room is needed; nothing moves on
    _address(hs, "", "3", "502")
    assert hs.ids.typed.text == "12号楼3单元502室"
    tap(hs.ids.next)
    assert hs.page == "window"
    tap(hs.ids.previous)  # back: the address is still there
    assert hs.page == "detail" and hs.ids.typed.text == "12号楼3单元502室"
    tap(hs.ids.next)
    tap(hs.choice("1月10日（周四）\n下午"))
    assert hs.page == "reason"
    tap(hs.choice("职业指导"))
    assert hs.page == "phone"
    _type(hs, PHONE[:7])
    tap(hs.ids.next)
    assert hs.page == "phone" and "11位手机号码" in hs.error
    _type(hs, PHONE[7:])
    tap(hs.ids.next)
    assert hs.page == "consent" and hs.ids.next.text == "同意并提交"
    body = hs.ids.body.text
    assert "南市街道12号楼3单元502室" in body and "139****5678" in body and PHONE not in body
    assert "行动不便（工作人员会核实）" in body and "1月10日（周四）下午" in body
    before = len(sim.receipts)
    tap(hs.ids.next)
    wait_until(lambda: hs.page == "done" and "打印完成" in hs.print_status, timeout=20,
               what=f"the request and its slip ({hs.error!r} {hs.print_status!r})")
    ref = hs.submitted.reference
    assert re.fullmatch(r"H[A-Z0-9]{7}", ref) and ref in hs.ids.reference.text
    assert len(sim.receipts) == before + 1
    slip = sim.receipts[-1].text()
    assert ref in slip and "职业指导" in slip and "1月10日（周四）下午" in slip and "120101********" in slip
    assert YOUNG not in slip and PHONE not in slip and "502" not in slip  # masked identity, no door number
    token = hs.submitted.token
    assert len(token) >= 22  # at least 128 random bits; only its hash went into the event
    assert qr_texts(sim.image(-1)) == [app.kiosk_config.service_request_url(ref, token)]
    with app.store.read() as s:
        row = s.scalar(select(ServiceRequest).where(ServiceRequest.reference == ref))
        ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "home_visit.requested")
                       .order_by(OutboxEvent.seq.desc())).first()
    assert row.window_day == date(2030, 1, 10) and row.window_half == "pm" and row.kind == "home_visit"
    assert ev.encrypted and YOUNG.encode() not in ev.payload and PHONE.encode() not in ev.payload
    pl = read_payload(ev, app.outbox_cipher())
    assert pl["reference"] == ref and pl["eligibility"] == ["行动不便"] and pl["address_detail"] == "12号楼3单元502室"
    # the one-tap 好差评 becomes an anonymous feedback.given
    tap(next(b for b in hs.ids.rating.ids.buttons.children if b.text == "满意"))
    wait_until(lambda: app.background.pending == 0, what="the rating")
    with app.store.read() as s:
        ratings = [read_payload(e, None) for e in s.scalars(select(OutboxEvent).where(OutboxEvent.type == "feedback.given"))]
    assert {"station_id": app.kiosk_config.station.id, "service": "home_visit", "score": 4} in ratings
    tap(hs.ids.cancel_button)  # 完成
    assert app.nav.current == "attract" and hs.submitted is None and hs.qr_data == ""


def test_proxy_documents_one_open_request_my_requests_and_cancel(at_wednesday):
    app = at_wednesday
    who = Resident("11010519491231002X", date(1949, 12, 31))
    hs = _open(app, "代理服务", who)
    assert hs.page == "street" and hs.progress == "第 1 步，共 7 步"  # no eligibility page for proxy service
    tap(hs.choice("五大道街道"))
    _address(hs, "7", "", "101")
    tap(hs.ids.next)
    tap(hs.choice("1月11日（周五）\n上午"))
    tap(hs.choice("代办档案转递"))
    assert hs.page == "documents" and "调档函" in hs.ids.body.text
    tap(hs.ids.next)
    _type(hs, PHONE)
    tap(hs.ids.next)
    tap(hs.ids.next)
    wait_until(lambda: hs.page == "done" and app.background.pending == 0, timeout=20, what="the proxy request")
    ref = hs.submitted.reference
    assert ref.startswith("P") and "调档函" in app.printer_simulator.receipts[-1].text()
    # a second proxy request is refused before any question is asked, with the open one shown
    hs.start("proxy")
    wait_until(lambda: hs.page == "existing" and app.background.pending == 0, what="the open request")
    assert ref in hs.hint and "代理服务" in hs.hint
    tap(hs.choice("查看我的申请"))
    wait_until(lambda: hs.page == "mine" and hs.ids.cards.children and app.background.pending == 0, what="我的申请")
    card = next(c for c in hs.ids.cards.children if c.view.reference == ref)
    assert "已提交" in card.ids.status.text
    tap(card.ids.cancel)
    wait_until(lambda: hs.dialog is not None and hs.dialog.parent is not None, what="the confirmation")
    tap(hs.dialog.ids.yes)
    wait_until(lambda: app.background.pending == 0 and hs.views and hs.views[0].status == "cancelled",
               what="cancelled")
    with app.store.read() as s:
        ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "proxy.cancelled")
                       .order_by(OutboxEvent.seq.desc())).first()
    assert read_payload(ev, None)["reference"] == ref
    # nothing open any more: a new request starts at its first page
    hs.start("proxy")
    wait_until(lambda: hs.page == "street" and app.background.pending == 0, what="a new request")


def test_cancel_and_idle_timeout_mid_form_keep_nothing(at_wednesday):
    app = at_wednesday
    counts = _counts(app)
    hs = _open(app, "上门服务", Resident("11010519491231002X", date(1949, 12, 31)))
    assert hs.page == "street"  # aged 60+: no eligibility page
    tap(hs.choice("南市街道"))
    _address(hs, "9", "", "909")
    tap(hs.ids.cancel_button)  # 取消办理
    assert app.nav.current == "home" and hs.draft.address.building == "" and hs.ids.keypad.value == ""
    tap(app.screen("home").tile("home_service"))
    wait_until(lambda: hs.page == "menu", what="the chooser again")
    tap(hs.choice("上门服务"))
    wait_until(lambda: hs.page == "street" and app.background.pending == 0, what="the first page")
    tap(hs.choice("南市街道"))
    _address(hs, "9", "", "909")
    tap(hs.ids.next)
    tap(hs.choice("1月10日（周四）\n上午"))
    tap(hs.choice("政策咨询"))
    _type(hs, PHONE)
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + 1
    app.idle.check()
    watcher.last_activity -= watcher.countdown_s + 1
    app.idle.check()
    wait_until(lambda: app.nav.current == "attract", what="the idle timeout")
    watcher.poke()
    assert app.visits.current.identity is None
    assert hs.draft.phone == "" and hs.draft.address.room == "" and hs.ids.keypad.value == "" and hs.body == ""
    assert hs.page == "menu" and not hs.ids.choices.children
    assert _counts(app) == counts  # nothing stored, nothing queued


def test_scanning_the_printed_qr_shows_the_status(at_wednesday):
    app = at_wednesday
    from kiosk.core.home_services import Address, Draft, Window
    from kiosk.domain.scans import ScanClassifier, ScanKind

    desk = app.services.home_services
    who = Resident("12010119560315002" + check_char("12010119560315002"), date(1956, 3, 15))
    sub = desk.submit(who, who.person(app.kiosk_config.central.person_key_secret.encode()).key,
                      Draft("home_visit", [], Address("南市街道", "1", "", "101"), Window(date(2030, 1, 14), "am"),
                            "政策咨询", PHONE))
    result = ScanClassifier.from_config(app.kiosk_config).classify(app.kiosk_config.service_request_url(sub.reference, sub.token))
    assert result.kind is ScanKind.REQUEST and result.ref == sub.reference
    app._scanned(result)
    hs = app.screen("home_service")
    wait_until(lambda: app.nav.current == "home_service" and hs.page == "status" and hs.ids.cards.children
               and app.background.pending == 0, what="the status page")
    card = hs.ids.cards.children[0]
    assert card.view.reference == sub.reference and "已提交" in card.ids.status.text
    assert not card.can_cancel and card.ids.cancel.parent is None  # no identity: no cancelling here


def test_staff_status_from_a_real_central_shows_under_my_requests(at_wednesday, tmp_path):
    """Made at the kiosk, sent to a real central service, scheduled by staff in the console over
    HTTP, pulled back on the service_requests feed: the resident sees it after identity."""
    import requests

    from central.service_requests import ServiceRequestRow
    from central.staff_auth import add_staff
    from kiosk.core.home_services import Address, Draft, Window
    from tests.sync.centralserver import running_central
    from tests.sync.conftest import make_worker

    app = at_wednesday
    first17 = "12010119580808001"
    who = Resident(first17 + check_char(first17), date(1958, 8, 8))
    desk = app.services.home_services
    key = who.person(app.kiosk_config.central.person_key_secret.encode()).key
    sub = desk.submit(who, key, Draft("home_visit", [], Address("南市街道", "5", "", "305"), Window(date(2030, 1, 15), "am"),
                                      "失业登记", PHONE))
    from kiosk.sync.client import SyncError
    from tests.sync.centralserver import free_port

    with pytest.raises(SyncError):  # central unreachable: the request stays in the outbox
        make_worker(app.store, f"http://127.0.0.1:{free_port()}").run_once()
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        worker = make_worker(app.store, central.url)
        worker.run_once()
        worker.run_once()  # a second round sends nothing again
        with central.db.session() as s:
            rows = s.scalars(select(ServiceRequestRow).where(ServiceRequestRow.reference == sub.reference)).all()
            assert len(rows) == 1  # arrived later, exactly once
            request_id = rows[0].id
        add_staff(central.db, app.kiosk_config.station.id, "张伟", "2468")
        http = requests.Session()
        http.post(f"{central.url}/staff/login", data={"station": app.kiosk_config.station.id, "counter": "1",
                                                      "name": "张伟", "password": "2468"})
        token = re.search(r'name="csrf" value="([^"]+)"', http.get(f"{central.url}/staff/requests").text).group(1)
        r = http.post(f"{central.url}/staff/requests/{request_id}",
                      data={"csrf": token, "action": "schedule", "date": "2030-01-15", "time": "09:30"})
        assert "已改为“已安排”" in r.text
        worker.pull("service_requests")
    go_home(app)
    tap(app.screen("home").tile("home_service"))
    hs = app.screen("home_service")
    wait_until(lambda: hs.page == "menu", what="the chooser")
    tap(hs.choice("我的申请"))
    wait_until(lambda: app.nav.current == "login", what="identity first")
    app.screen("login").accept(who)
    wait_until(lambda: app.nav.current == "home_service" and hs.page == "mine" and hs.ids.cards.children
               and app.background.pending == 0, what="我的申请")
    card = next(c for c in hs.ids.cards.children if c.view.reference == sub.reference)
    assert "已安排：1月15日 09:30，工作人员张*" in card.ids.status.text
    assert card.can_cancel and card.ids.cancel.parent is not None  # still open: the resident may cancel
