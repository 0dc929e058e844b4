"""With nobody at the kiosk the loop turns slower on the attract screen; a touch brings the
configured rate back before it is handled, and every other screen runs at that rate."""

from __future__ import annotations

from kivy.clock import Clock

from kiosk.widgets.frame_rate import IDLE_FPS
from tests.appfixture import CONFIG, go_home, wait_until


def test_the_attract_screen_slows_the_loop_until_someone_touches_it(app):
    wait_until(lambda: Clock._max_fps == IDLE_FPS, what="the idle frame rate on the attract screen")
    go_home(app)
    assert Clock._max_fps == CONFIG.screen.maxfps
    app.end_visit()
    wait_until(lambda: app.nav.current == "attract" and Clock._max_fps == IDLE_FPS,
               what="the idle frame rate after the visit")
