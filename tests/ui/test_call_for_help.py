"""呼叫工作人员 from the kiosk to the counter's console and back, on the real app and a real central.

One tap on the home screen: the kiosk says 已呼叫工作人员 at once and queues a ``help.requested``
event; the link pushes it; the console in headless Chromium rings and shows the call with the
screen it came from; 我马上过去 answers it, and the answer reaches the kiosk on the calls
long-poll: 工作人员马上就到. The answer is a workload record of the station.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.appfixture import go_home, open_list, pump, tap, wait_until
from tests.browser import chromium, needs_chromium, staff_login

pytestmark = [pytest.mark.browser, needs_chromium]


def test_one_tap_calls_staff_who_answer_and_the_kiosk_says_so(app, tmp_path):
    from central.models import HelpCall, ServiceRecord
    from central.staff_auth import add_staff
    from kiosk.central_link import CentralLink
    from tests.sync.centralserver import KIOSK, SECRET, running_central

    open_list(app)
    header = app.screen("vacancy_list").ids.header
    tap(header.ids.help_button)  # one tap, from whatever screen the resident is on
    assert app.banner.text == "已呼叫工作人员，请稍等" and app.banner.opacity == 1
    wait_until(lambda: app.services.help.current is not None and app.background.pending == 0, what="the call")
    call = app.services.help.current
    assert call is not None and not call.acknowledged and call.screen == "找工作"
    assert header.ids.help_button.text == "已呼叫\n请稍等"
    tap(header.ids.help_button)  # a second tap while waiting asks nothing new
    wait_until(lambda: app.background.pending == 0, what="the second tap")
    assert app.services.help.current == call

    station = app.kiosk_config.station.id
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central, chromium() as browser:
        add_staff(central.db, station, "王芳", "2468")
        cfg = replace(app.kiosk_config, central=replace(app.kiosk_config.central, url=central.url, kiosk_id=KIOSK,
                                                        secret=SECRET, enabled=True, read_timeout_s=5))
        link = CentralLink(cfg, app.store, app.outbox_cipher, on_status=lambda _line: None, on_call=app.on_call,
                           worker_options={"feeds_to_pull": ()})
        link.start()
        try:
            def arrived() -> bool:
                with central.db.session() as s:
                    return s.get(HelpCall, call.id) is not None
            wait_until(arrived, timeout=30, what="the call on central")

            page = staff_login(browser, central.url, station, "王芳", "2468", counter="2")
            page.wait_for_selector(f"#help .ask[data-help='{call.id}']")
            ask = page.inner_text("#help .ask")
            assert "呼叫工作人员" in ask and "找工作" in ask
            keep = os.environ.get("OFFICE_SCREENSHOTS")
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(keep) / "console-help-call.png"))
            page.click(f"#help .ask[data-help='{call.id}'] button")
            page.wait_for_selector("#msg:has-text('马上就到')")
            page.wait_for_function("() => document.querySelectorAll('#help .ask').length === 0")

            wait_until(lambda: app.services.help.current is not None and app.services.help.current.acknowledged,
                       timeout=30, what="the answer at the kiosk")
            assert app.banner.text == "工作人员马上就到" and "2 号窗口" in app.banner.detail
            assert header.ids.help_button.text == "工作人员\n马上就到"
            if keep:
                pump(3)
                app.root.export_to_png(str(Path(keep) / "kiosk-help-answered.png"))
            with central.db.session() as s:
                row = s.get(HelpCall, call.id)
                assert (row.acknowledged_by, row.counter, row.screen) == ("王芳", "2", "找工作")
                assert s.scalars(select(ServiceRecord).where(ServiceRecord.service == "help_call")).one().station_id \
                    == station
        finally:
            link.stop()
    app.services.end_visit()
    wait_until(lambda: app.nav.current == "attract" and app.background.pending == 0, what="attract")
    assert app.services.help.current is None and app.services.help.unanswered == {}
    assert header.ids.help_button.text == "呼叫\n工作人员" and app.banner.opacity == 0  # it was the visit's


def test_with_central_unreachable_the_call_rings_here_and_staff_answer_on_the_kiosk(app):
    from datetime import timedelta

    from kiosk.core import help as H

    go_home(app)
    tap(app.screen("home").ids.header.ids.help_button)
    wait_until(lambda: app.services.help.current is not None and app.background.pending == 0, what="the call")
    call = app.services.help.current
    assert app.banner.text == "已呼叫工作人员，请稍等"
    app.services.end_visit()  # the resident walks away; nobody has answered
    wait_until(lambda: app.nav.current == "attract" and app.background.pending == 0, what="attract")
    clock = app.services.help.clock
    app.services.help.clock = lambda: clock() + timedelta(seconds=H.RERING_S + 1)
    try:
        app._help_tick(0)
        assert app.screen("attract").staff_alert == "有 1 次呼叫工作人员未应答"
        # staff open the kiosk's own panel and answer there
        app.nav.go("staff_queue")
        panel = app.screen("staff_queue")
        wait_until(lambda: app.nav.current == "staff_queue" and panel.ids.help_row.parent is not None,
                   what="the call on the panel")
        assert "呼叫工作人员" in panel.help_text
        tap(panel.ids.answer_help)
        wait_until(lambda: app.background.pending == 0 and panel.message == "已应答一次呼叫", what="the answer")
        assert app.services.help.unanswered == {} and panel.ids.help_row.parent is None
        app._help_tick(0)
        assert app.screen("attract").staff_alert == ""
    finally:
        app.services.help.clock = clock
    with app.store.read() as s:
        from kiosk.store.models import OutboxEvent

        types = [e.type for e in s.query(OutboxEvent).filter(OutboxEvent.type.like("help.%"))]
    assert types[-2:] == ["help.requested", "help.answered"] and call.id
    app.services.end_visit()
