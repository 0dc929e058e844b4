"""回电申请 in real headless Chromium: the advisor logs in, follows the console's 回电申请 link (a
new tab), sees the pushed request with the number to dial and marks it 已回电. Screenshots go to
a temporary directory, or to $ADVISOR_SCREENSHOTS when set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from central.callbacks import CallbackRow
from tests.browser import keep_screenshots, needs_chromium
from tests.central.test_callbacks import STATION_NAME, request_call_back
from tests.centralfixture import ADVISOR
from tests.sync.conftest import make_worker

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.central(advisors=True, station_name=STATION_NAME),
]


@pytest.fixture
def shots(tmp_path):
    d = tmp_path / "shots"
    d.mkdir()
    yield d
    keep_screenshots(d, "ADVISOR_SCREENSHOTS")


def test_advisor_marks_a_call_back_done_in_the_browser(central, kiosk_store, browser, shots):
    older = request_call_back(kiosk_store, "政策咨询")
    done = request_call_back(kiosk_store, "求职指导")
    make_worker(kiosk_store, central.url).run_once()

    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(central.url + "/advisor/login")
    page.fill("#login", ADVISOR[0])
    page.fill("#password", ADVISOR[1])
    page.click("#do-login")
    page.wait_for_url("**/advisor/")
    page.wait_for_function("document.getElementById('cb-count').textContent === '2'")
    page.screenshot(path=str(shots / "console.png"))
    with ctx.expect_page() as new_tab:
        page.click("#callbacks-link")
    cb = new_tab.value
    cb.wait_for_load_state()
    rows = cb.locator("#open tr")
    assert rows.count() == 2
    assert older.reference in rows.nth(0).inner_text() and done.reference in rows.nth(1).inner_text()
    row = cb.locator("#open tr", has_text=done.reference)
    assert STATION_NAME in row.inner_text() and "139 1234 8765" in row.inner_text()
    cb.screenshot(path=str(shots / "callbacks-open.png"), full_page=True)
    cb.set_viewport_size({"width": 800, "height": 1000})  # a tablet
    cb.screenshot(path=str(shots / "callbacks-tablet.png"), full_page=True)
    cb.set_viewport_size({"width": 1280, "height": 800})

    row.locator("input[name=note]").fill("已解答，建议来驿站办理求职登记")
    row.locator("button", has_text="已回电").click()
    cb.wait_for_selector("#msg.ok")
    assert f"{done.reference} 已标记为“已回电”" in cb.inner_text("#msg")
    assert cb.locator("#open tr").count() == 1 and done.reference not in cb.inner_text("#open")
    closed = cb.inner_text("#closed")
    assert done.reference in closed and "已回电" in closed and ADVISOR[2] in closed and "139****8765" in closed
    cb.screenshot(path=str(shots / "callbacks-done.png"), full_page=True)
    # the console tab is still online and counts the one left
    page.wait_for_function("document.getElementById('cb-count').textContent === '1'")
    with central.db.session() as s:
        status = s.scalar(select(CallbackRow.status).where(CallbackRow.reference == done.reference))
    assert status == "done"
    ctx.close()
