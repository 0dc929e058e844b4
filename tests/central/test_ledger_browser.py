"""工作量与绩效 in real headless Chromium: the month and scope pickers, the charts, the table and
the two downloads, for a city administrator and for a station's staff. Screenshots at desktop
(1366×768) and tablet (768×1024) width go to a temporary directory, or to $STAFF_SCREENSHOTS.
"""

from __future__ import annotations

import calendar
import csv
import io

import pytest

from tests.browser import chromium, keep_screenshots, needs_chromium
from tests.central.ledger_world import ADMIN, STAFF, STATIONS, World, expected
from tests.central.test_ledger_count import _interests, _setup, push
from tests.sync.centralserver import running_central

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def shots(tmp_path):
    d = tmp_path / "shots"
    d.mkdir()
    yield d
    keep_screenshots(d, "STAFF_SCREENSHOTS")


def _login(page, url: str, station: str, who: tuple[str, str]) -> None:
    page.goto(f"{url}/staff/login?station={station}&counter=1")
    page.fill("#name", who[0])
    page.fill("#password", who[1])
    page.click("#login")
    page.wait_for_selector("#cur-number")


def test_ledger_page_charts_table_and_exports(tmp_path, shots):
    world = World(11)
    month = world.last
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central, chromium() as browser:
        _setup(central)
        push(central, world.take_events())
        _interests(central, world)
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page = ctx.new_page()
        _login(page, central.url, "TJ-L-01", ADMIN)
        page.click("text=工作量")
        page.wait_for_selector("#kpis")
        assert page.input_value("#scope") == "city"
        # the month picker and the scope: last month, 和平区
        page.fill("input[name=month]", f"{month:%Y-%m}")
        page.select_option("#scope", "d:和平区")
        page.click("button:has-text('查看')")
        page.wait_for_selector(f"#title:has-text('和平区 · {month.year}年{month.month}月')")
        e = expected(world, {"TJ-L-01", "TJ-L-02"}, month)
        assert page.text_content("[data-k='服务人次'] .v").strip() == str(e.services)
        assert page.locator("#chart-daily rect").count() == calendar.monthrange(month.year, month.month)[1]
        assert "每日服务人次" in page.text_content("#chart-daily title")
        assert page.locator("#chart-services text").count() >= 2
        assert page.locator("#chart-satisfaction text:has-text('非常满意')").count() == 1
        rows = page.locator("#by-station tbody tr")
        assert rows.count() == 3  # two stations and the total
        assert rows.nth(2).locator("td").nth(1).text_content() == str(e.services)
        # nothing overflows the page at this width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(shots / "ledger-desktop.png"), full_page=True)

        with page.expect_download() as got:
            page.click("#csv")
        lines = list(csv.DictReader(io.StringIO(open(got.value.path(), encoding="utf-8-sig").read())))
        assert lines[-1]["类别"] == "合计" and int(lines[-1]["服务人次"]) == e.services
        with page.expect_download() as got:
            page.click("#xlsx")
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(got.value.path().read_bytes()))
        assert list(wb["月报"].iter_rows(min_row=2, values_only=True))[-1][5] == e.services
        assert got.value.suggested_filename.endswith(f"{month:%Y%m}.xlsx")

        page.set_viewport_size({"width": 768, "height": 1024})
        page.reload()
        page.wait_for_selector("#kpis")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(shots / "ledger-tablet.png"), full_page=True)

        # the city: districts in the table, every station in the details
        page.set_viewport_size({"width": 1366, "height": 768})
        page.select_option("#scope", "city")
        page.click("button:has-text('查看')")
        page.wait_for_selector("#by-district")
        assert page.locator("#by-district tbody tr").count() >= 3
        page.screenshot(path=str(shots / "ledger-city-desktop.png"), full_page=True)
        ctx.close()

        # a station's staff: only their own station on offer
        ctx = browser.new_context(viewport={"width": 768, "height": 1024}, accept_downloads=True)
        page = ctx.new_page()
        _login(page, central.url, "TJ-L-03", STAFF)
        page.goto(f"{central.url}/staff/ledger?month={month:%Y-%m}")
        options = page.locator("#scope option").all_inner_texts()
        assert options == [STATIONS["TJ-L-03"][1]]
        e3 = expected(world, {"TJ-L-03"}, month)
        assert page.text_content("[data-k='服务人次'] .v").strip() == str(e3.services)
        page.screenshot(path=str(shots / "ledger-staff-tablet.png"), full_page=True)
        ctx.close()
