"""The staff console end to end in real headless Chromium.

A kiosk issues real tickets (QueueBook → outbox → signed events to a real central service on
loopback), a staff member logs in at a counter, calls, serves, recalls, passes and transfers
numbers by clicking, and a kiosk-side CallsListener hears each call through the long-poll.
Screenshots of the console (desktop and tablet) and of the statistics page go to a temporary
directory, or to $STAFF_SCREENSHOTS when set.
"""

from __future__ import annotations

import csv
import io
import queue
import time
from datetime import time as dtime
from pathlib import Path

import pytest
from sqlalchemy import select

from central.models import QueueTicket, ServiceRecord
from central.staff_auth import add_staff
from central.tickets import RECALL_DEBOUNCE_S
from tests.browser import keep_screenshots, needs_chromium
from tests.sync.centralserver import STATION
from tests.sync.conftest import make_client


def _staff(central) -> None:
    add_staff(central.db, STATION, "王芳", "2468")


pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.central(station_name="和平区南市街就业驿站", setup=_staff),
]


@pytest.fixture
def shots(tmp_path):
    d = tmp_path / "shots"
    d.mkdir()
    yield d
    keep_screenshots(d, "STAFF_SCREENSHOTS")


class Kiosk:
    """A kiosk of the station: issues tickets into its outbox, pushes them, listens for calls."""

    def __init__(self, store, url: str) -> None:
        from kiosk.core.queue import QueueBook
        from kiosk.domain.queue_rules import QueueService
        from kiosk.store.outbox import OutboxCipher, add_event
        from kiosk.sync.worker import CallsListener

        all_day = {d: ((dtime(0, 0), dtime(23, 59, 59)),) for d in range(7)}
        services = (QueueService("job_registration", "求职登记", "A", all_day),
                    QueueService("unemployment_registration", "失业登记", "B", all_day))
        self.store = store
        self.client = make_client(url)
        self.cipher = OutboxCipher.from_data_dir(store.path.parent)
        self.book = QueueBook(store, services, emit=lambda s, t, p: add_event(s, t, p))
        self.calls: queue.Queue = queue.Queue()
        # short long-polls, so that none is still open when the test stops the server
        self.listener = CallsListener(store, make_client(url), STATION, self.calls.put, wait_s=2)

    def issue(self, code: str, person_key: str | None = None):
        from kiosk.domain.queue_rules import IssuedTicket, Person

        t = self.book.issue(code, Person(person_key) if person_key else None, confirmed=True)
        assert isinstance(t, IssuedTicket), t
        return t

    def push(self) -> None:
        from kiosk.sync import pusher

        sent, rejected = pusher.push_all(self.store, self.client, self.cipher)
        assert sent >= 1 and rejected == 0

    def next_call(self):
        """The next call the listener hears (how fast is for a benchmark, not for this test)."""
        try:
            return self.calls.get(timeout=30)
        except queue.Empty:
            after = self.store.get_setting("central.calls_after", "0")
            raise AssertionError(f"no call reached the kiosk in 30 s (it asks for calls after {after}; "
                                 f"failures in a row: {self.listener.backoff.failures})") from None


def _login(page, url: str, counter: str) -> None:
    page.goto(f"{url}/staff/login?station={STATION}&counter={counter}")
    page.fill("#name", "王芳")
    page.fill("#password", "2468")
    page.click("#login")
    page.wait_for_selector("#cur-number.empty")


def _current(page, number: str) -> None:
    page.wait_for_function("n => document.getElementById('cur-number').textContent === n", arg=number, timeout=5000)


def test_counter_day_in_the_browser(central, kiosk_store, shots, browser):
    kiosk = Kiosk(kiosk_store, central.url)
    a1 = kiosk.issue("job_registration", person_key="pk-resident-1")
    a2 = kiosk.issue("job_registration")
    b1 = kiosk.issue("unemployment_registration")
    kiosk.push()
    kiosk.listener.start()
    try:
        _run_console(central, kiosk, shots, browser, (a1, a2, b1))
    finally:
        kiosk.listener.stop()


def _run_console(central, kiosk, shots, browser, issued) -> None:
    a1, a2, b1 = issued
    assert (a1.display_number, a2.display_number, b1.display_number) == ("A001", "A002", "B001")
    desk = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = desk.new_page()
    _login(page, central.url, "2")
    page.wait_for_selector(".chip[data-number='B001']")
    assert "和平区南市街就业驿站 · 2 号窗口" in page.inner_text("header")
    assert page.locator(".chip[data-number='A001']").count() == 1
    assert page.inner_text("#t-issued") == "3" and page.inner_text("#t-waiting") == "3"
    assert page.is_disabled("#b-recall") and page.is_disabled("#b-finish") and page.is_enabled("#b-call")
    page.screenshot(path=str(shots / "console-desktop-waiting.png"))

    # 叫号: the kiosk hears it through the long-poll
    page.click("#b-call")
    call = kiosk.next_call()
    assert (call.number, call.counter, call.service, call.ticket_id) == ("A001", "2", "求职登记", a1.id)
    _current(page, "A001")
    page.wait_for_selector("#cur-status .st-called")
    assert page.is_enabled("#b-recall") and page.is_disabled("#b-call")
    page.screenshot(path=str(shots / "console-desktop-called.png"))

    # 开始办理, 办理完成 with two services delivered → one service record with the person key
    page.click("#b-start")
    page.wait_for_selector("#cur-status .st-serving")
    page.click("#b-finish")
    page.wait_for_selector("dialog[open] input[value='job_registration']:checked")
    page.check("dialog[open] input[value='policy_consultation']")
    page.screenshot(path=str(shots / "console-desktop-finish-dialog.png"))
    page.click("#dlg-ok")
    page.wait_for_selector("#cur-number.empty")
    assert page.inner_text("#t-served") == "1" and page.inner_text("#t-mine") == "1"
    with central.db.session() as s:
        rec = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id == a1.id)).one()
        assert (rec.service, rec.counter, rec.person_key) == ("job_registration", "2", "pk-resident-1")
        assert rec.started_at <= rec.finished_at
        assert s.get(QueueTicket, a1.id).services_delivered == ["job_registration", "policy_consultation"]

    # the next one does not come: 重呼 is heard again, then 过号, then 恢复排队 brings it back
    page.click("#b-call")
    call = kiosk.next_call()
    heard = time.monotonic()  # central made the call before the kiosk heard it
    assert call.number == "A002"
    _current(page, "A002")
    # a recall, not a double click: central ignores a second press within the debounce of the call
    time.sleep(max(0.0, RECALL_DEBOUNCE_S + 0.1 - (time.monotonic() - heard)))
    page.click("#b-recall")
    call = kiosk.next_call()
    assert (call.number, call.ticket_id) == ("A002", a2.id)
    page.wait_for_function("document.getElementById('cur-meta').textContent.includes('已呼叫 2 次')")
    page.click("#b-noshow")
    page.wait_for_selector("#cur-number.empty")
    page.wait_for_selector("#noshows .noshow:has-text('A002') button")
    assert page.inner_text("#t-noshow") == "1"
    with central.db.session() as s:
        assert s.get(QueueTicket, a2.id).status == "no_show"

    # a tablet at counter 3: calls B001 and transfers it to 职业指导
    tab = browser.new_context(viewport={"width": 800, "height": 1280}, locale="zh-CN", has_touch=True)
    tpage = tab.new_page()
    _login(tpage, central.url, "3")
    tpage.click("#b-call")
    call = kiosk.next_call()
    assert (call.number, call.counter) == ("B001", "3")
    _current(tpage, "B001")
    tpage.screenshot(path=str(shots / "console-tablet-called.png"), full_page=True)
    tpage.click("#b-transfer")
    tpage.wait_for_selector("dialog[open] button[data-service='career_guidance']")
    assert tpage.locator("dialog[open] button[data-service='unemployment_registration']").count() == 0
    tpage.screenshot(path=str(shots / "console-tablet-transfer.png"))
    tpage.click("dialog[open] button[data-service='career_guidance']")
    tpage.wait_for_selector("#cur-number.empty")
    tpage.wait_for_function("[...document.querySelectorAll('.line')].some(l => l.textContent.includes('职业指导') "
                            "&& l.querySelector(\".chip[data-number='B001']\"))")
    # the resident who missed A002 is back: the desktop counter puts the ticket back in line
    page.click("#noshows .noshow:has-text('A002') button")
    page.wait_for_selector(".chip[data-number='A002']")
    assert page.inner_text("#t-noshow") == "0"
    tpage.screenshot(path=str(shots / "console-tablet-after-transfer.png"), full_page=True)

    # statistics: the counts on the page, and the CSV download
    page.goto(central.url + "/staff/stats")
    row = page.locator("#stats tbody tr", has_text="求职登记")
    cells = row.locator("td").all_inner_texts()
    assert cells[3:7] == ["2", "1", "0", "0"], cells  # A002 waits again: not a no-show any more
    une = page.locator("#stats tbody tr", has_text="失业登记").locator("td").all_inner_texts()
    assert une[3:7] == ["1", "0", "0", "1"], une
    page.screenshot(path=str(shots / "stats-desktop.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("#csv")
    data = Path(dl.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["日期", "驿站编号", "驿站", "业务代码", "业务", "取号"]
    by_service = {r[3]: r for r in rows[1:]}
    assert set(by_service) == {"job_registration", "unemployment_registration", "career_guidance"}
    assert by_service["job_registration"][5:9] == ["2", "1", "0", "0"]
    assert by_service["unemployment_registration"][5:9] == ["1", "0", "0", "1"]
    assert by_service["career_guidance"][5:9] == ["0", "0", "0", "0"]  # the transferred ticket is not a second issue
    tab.close()
    desk.close()


def test_staff_mark_a_ticket_priority_in_the_browser(central, kiosk_store, shots, browser):
    import requests

    kiosk = Kiosk(kiosk_store, central.url)
    a1, a2, a3 = (kiosk.issue("job_registration") for _ in range(3))
    kiosk.push()
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        page = ctx.new_page()
        _login(page, central.url, "4")
        page.wait_for_selector(".chip[data-number='A003']")
        order = "[...document.querySelectorAll('.chip')].map(c => c.dataset.number).join(',')"
        assert page.evaluate(order) == "A001,A002,A003"
        page.click(".chip[data-number='A003']")
        page.wait_for_selector("dialog[open] #prio-box button[data-group='残疾人']")
        assert page.locator("dialog[open] #prio-box button[data-group]").all_inner_texts() == [
            "残疾人", "孕妇/怀抱婴儿", "军人依法优先", "其他"]
        page.click("dialog[open] button[data-group='其他']")
        page.click("#prio-mark")
        assert "写明原因" in page.inner_text("dialog[open] #prio-box .err")  # the dialog stays open
        page.fill("#prio-note", "行动不便，拄拐")
        page.screenshot(path=str(shots / "console-priority-dialog.png"))
        page.click("#prio-mark")
        page.wait_for_selector("#msg.ok")
        assert "A003 号已设为优先（其他），前面还有 0 人" in page.inner_text("#msg")
        page.wait_for_function(f"{order} === 'A003,A001,A002'")
        assert page.inner_text(".chip[data-number='A003'] .badge.prio") == "优先·其他"
        page.screenshot(path=str(shots / "console-priority-marked.png"))
        with central.db.session() as s:
            t = s.get(QueueTicket, a3.id)
            assert (t.priority, t.priority_group, t.priority_note) == (True, "其他", "行动不便，拄拐")
        status = requests.get(f"{central.url}/tickets/{a3.id}", timeout=5).text
        assert "下一个就到您" in status and "拄拐" not in status  # the reason is for staff only
        assert "前面还有 2 人" in requests.get(f"{central.url}/tickets/{a2.id}", timeout=5).text
        sp = ctx.new_page()
        sp.set_viewport_size({"width": 412, "height": 860})  # the resident's phone
        sp.goto(f"{central.url}/tickets/{a1.id}")
        sp.screenshot(path=str(shots / "ticket-status-phone.png"))
        assert "前面还有 1 人" in sp.inner_text("#line")
        page.click("#b-call")
        _current(page, "A003")
    finally:
        ctx.close()


def test_home_visit_follow_up_in_the_browser(central, kiosk_store, shots, browser):
    """A kiosk's home-visit and proxy requests on the 上门/代办 page: 受理, then 安排 with a date and
    time by clicking; the kiosk pulls the status back for 我的申请."""
    from datetime import date, datetime

    from kiosk.core.home_services import Address, Draft, HomeServiceDesk, Window
    from kiosk.domain.identity import Resident, check_char
    from kiosk.store.outbox import OutboxCipher
    from tests.sync.conftest import make_worker

    store = kiosk_store
    cipher = OutboxCipher.from_data_dir(store.path.parent)
    desk = HomeServiceDesk(store, lambda: cipher, STATION, "和平区", "南市街道", lambda: datetime(2030, 1, 9, 10))
    first17 = "12010119500203001"
    who = Resident(first17 + check_char(first17), date(1950, 2, 3), name="周桂芳", source="card")
    visit = desk.submit(who, "pk-zhou", Draft("home_visit", [], Address("南市街道", "8", "2", "301"),
                                              Window(date(2030, 1, 10), "am"), "政策咨询", "13700001234"))
    desk.submit(who, "pk-zhou", Draft("proxy", [], Address("南市街道", "8", "2", "301"), Window(date(2030, 1, 11), "pm"),
                                      "代办失业保险金申领", "13700001234"))
    worker = make_worker(store, central.url)
    worker.run_once()
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, central.url, "2")
    page.click("text=上门/代办")
    card = f"#req-{visit.reference}"
    page.wait_for_selector(card)
    assert "周桂芳" in page.inner_text(card) and "13700001234" in page.inner_text(card)
    assert "解除或终止劳动合同证明" in page.inner_text("#requests")
    page.screenshot(path=str(shots / "requests-list.png"), full_page=True)
    page.click(f"{card} .b-accept")
    page.wait_for_selector("#flash")
    assert "已受理" in page.inner_text("#flash")
    page.fill(f"{card} input[name=date]", "2030-01-10")
    page.fill(f"{card} input[name=time]", "10:15")
    page.click(f"{card} .b-schedule")
    page.wait_for_selector(f"{card}[data-status=scheduled]")
    assert "2030-01-10 10:15 · 王芳" in page.inner_text(card)
    page.screenshot(path=str(shots / "requests-scheduled.png"), full_page=True)
    ctx.close()
    worker.pull("service_requests")
    view = next(v for v in desk.mine("pk-zhou") if v.reference == visit.reference)
    assert view.status == "scheduled" and view.scheduled_at == datetime(2030, 1, 10, 10, 15) and view.staff == "王*"
