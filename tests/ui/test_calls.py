"""A call shows a banner on whatever screen is up, lists on the attract screen, and is spoken."""

from __future__ import annotations

import time

from kiosk.domain.calls import Call
from tests.appfixture import go_home, pump, tap, wait_until


def test_call_banner_on_any_screen_and_recent_list(app):
    go_home(app)
    spoken_before = len(app.speaker.spoken)
    app.on_call(Call("call-1", "A013", "2", "求职登记"))
    wait_until(lambda: app.banner.opacity == 1, what="the call banner")
    assert app.banner.ids.text.text == "请 A013 号到 2 号窗口"
    assert app.nav.current == "home"  # the resident's screen stays
    app.on_call(Call("call-1", "A013", "2", "求职登记"))  # delivered twice by the network
    app.on_call(Call("call-2", "D002", "3", "政策咨询"))
    pump(3)
    assert app.screen("attract").recent_calls.startswith("D002 → 3号窗口")
    assert app.screen("attract").recent_calls.count("A013") == 1
    deadline = time.monotonic() + 15
    while len(app.speaker.spoken) < spoken_before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.speaker.spoken[spoken_before:] == ["请，A零一三号，到2号窗口办理", "请，D零零二号，到3号窗口办理"]
    tap(app.banner)  # a touch dismisses it
    assert app.banner.opacity == 0
