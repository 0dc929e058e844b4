"""Staff reach their screen by holding the clock, then a PIN; residents never stumble into it."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from kiosk.store.models import OutboxEvent
from kiosk.widgets.touch import SimulatedTouch
from tests.appfixture import pump, tap, wait_until


def _hold_clock(app, seconds: float) -> None:
    clock = app.screen("attract").ids.clock
    t = SimulatedTouch(*clock.to_window(*clock.center))
    t.down()
    pump(1)
    time.sleep(seconds)
    t.up()
    pump(2)


def _type(app, digits: str) -> None:
    login = app.screen("admin_login")
    for d in digits:
        tap(next(k for k in login.ids.keypad.children if k.text == d))


def test_short_tap_on_clock_is_an_ordinary_start(app, monkeypatch):
    # a hold far longer than any frame on a loaded machine: the tap is short whatever the speed
    monkeypatch.setattr(app.screen("attract"), "admin_hold_s", 60)
    _hold_clock(app, 0)
    assert app.nav.current == "home"


def test_hold_then_pin_opens_the_staff_screen(app, monkeypatch):
    attract = app.screen("attract")
    monkeypatch.setattr(attract, "admin_hold_s", 0.3)
    _hold_clock(app, 0.4)
    assert app.nav.current == "admin_login"
    login = app.screen("admin_login")
    _type(app, "1111")
    assert login.ids.dots.text == "●●●●"
    tap(login.ids.ok)
    assert app.nav.current == "admin_login"
    assert "不正确" in login.message
    assert login.ids.keypad.value == ""
    _type(app, "2468")  # the demo PIN of config/kiosk.toml
    tap(login.ids.ok)
    admin = app.screen("admin")
    wait_until(lambda: app.nav.current == "admin" and bool(admin.sections), what="staff screen")
    titles = [s.title for s in admin.sections]
    assert titles[0] == "本机"
    rows = {r.label: r.value for r in admin.sections[0].rows}
    assert rows["本地岗位数"] == str(600)
    with app.store.read() as s:  # earlier tests may have left events waiting for central
        pending = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending"))
    assert rows["待上传记录"] == str(pending)
    tap(admin.ids.quit.parent.children[-1])  # 结束
    assert app.nav.current == "attract"
