"""The video consultation in the screens tour.

The tour has no advisor: ``TourAdvisors`` plays the advisors' side of the ConsultCalls protocol
(kiosk/domain/consult.py) and the walk feeds the screens what a call would: queue places, states,
network statistics, and synthetic frames (a figure for the advisor, another for the resident),
so the layout of every consultation screen can be looked at in both orientations. A real call
with a real advisor is in tests/ui/test_consult_real.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from kiosk.domain.consult import DEFAULT_TOPICS, Availability, ConsultListener, ConsultState, RemoteFrame

W, H = 640, 480
PHONE = "13812345678"


def figure(width: int, height: int, bg: tuple[int, int, int], fg: tuple[int, int, int]) -> bytes:
    """A head-and-shoulders figure on a vertical gradient, rgb24 rows top-down."""
    buf = bytearray()
    cx, head_y, head_r = width // 2, int(height * 0.40), int(height * 0.17)
    shoulders_y = int(height * 0.66)
    for y in range(height):
        shade = 0.75 + 0.25 * y / height
        row = bytearray(bytes((int(bg[0] * shade), int(bg[1] * shade), int(bg[2] * shade))) * width)
        half = 0
        if abs(y - head_y) <= head_r:
            half = int((head_r ** 2 - (y - head_y) ** 2) ** 0.5)
        elif y >= shoulders_y:
            half = min(int(width * 0.36), int(head_r * 1.2 + (y - shoulders_y) * 1.6))
        if half:
            row[(cx - half) * 3:(cx + half) * 3] = bytes(fg) * (2 * half)
        buf += row
    return bytes(buf)


def _yuv(rgb: tuple[float, float, float]) -> tuple[int, int, int]:
    r, g, b = rgb
    return (round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
            round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
            round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255))


def figure_planes(width: int, height: int, bg: tuple[int, int, int],
                  fg: tuple[int, int, int]) -> tuple[bytes, bytes, bytes]:
    """``figure`` as yuv420p planes (even width and height), what a decoder hands the screen."""
    planes = (bytearray(), bytearray(), bytearray())
    cx, head_y, head_r = width // 2, int(height * 0.40), int(height * 0.17)
    shoulders_y = int(height * 0.66)
    fg_yuv = _yuv(fg)
    for y in range(height):
        shade = 0.75 + 0.25 * y / height
        bg_yuv = _yuv((int(bg[0] * shade), int(bg[1] * shade), int(bg[2] * shade)))
        half = 0
        if abs(y - head_y) <= head_r:
            half = int((head_r ** 2 - (y - head_y) ** 2) ** 0.5)
        elif y >= shoulders_y:
            half = min(int(width * 0.36), int(head_r * 1.2 + (y - shoulders_y) * 1.6))
        for i in range(3 if y % 2 == 0 else 1):
            w, x0, x1 = (width, cx - half, cx + half) if i == 0 else (width // 2, (cx - half) // 2, (cx + half) // 2)
            row = bytearray([bg_yuv[i]]) * w
            row[x0:x1] = bytes([fg_yuv[i]]) * (x1 - x0)
            planes[i].extend(row)
    return bytes(planes[0]), bytes(planes[1]), bytes(planes[2])


def tour_frame(listener: ConsultListener, local: bool, rgb: bytes, planes: tuple[bytes, bytes, bytes]) -> RemoteFrame:
    """The picture as the listener takes it: yuv420p planes for the GPU, else rgb24."""
    now = time.monotonic()
    if listener.takes_yuv(local):
        return RemoteFrame(W, H, b"", now, planes=planes, strides=(W, W // 2, W // 2))
    return RemoteFrame(W, H, rgb, now)


class TourCall:
    def __init__(self, listener: ConsultListener) -> None:
        self.listener = listener
        self.call_id = "tour-call"
        self.state = ConsultState.REQUESTING
        self.started_at: float | None = None

    def cancel(self) -> None:
        self.state = ConsultState.ENDED

    def hang_up(self) -> None:
        self.state = ConsultState.ENDED

    def set_muted(self, muted: bool) -> None:
        pass

    def emit(self, state: ConsultState, **detail) -> None:
        self.state = state
        if state is ConsultState.IN_CALL and self.started_at is None:
            self.started_at = time.time()
        self.listener.on_consult_state(state, detail)


class TourAdvisors:
    """The advisors' side for the tour: open for most topics, closed for 创业指导."""

    def __init__(self) -> None:
        self.topics = DEFAULT_TOPICS
        self.identity_required = frozenset({"政策咨询", "创业指导"})
        self.calls: list[TourCall] = []
        self.advisor = figure(W, H, (60, 96, 140), (236, 226, 214))
        self.resident = figure(W, H, (120, 112, 96), (70, 70, 80))
        self.advisor_planes = figure_planes(W, H, (60, 96, 140), (236, 226, 214))
        self.resident_planes = figure_planes(W, H, (120, 112, 96), (70, 70, 80))

    def availability(self, topic: str) -> Availability:
        if topic == "创业指导":
            return Availability(False, 0, 0, None, "no_advisor")
        return Availability(True, 3, 2, 240)

    def warm_up(self) -> None:
        """The tour's pictures are drawn, not filmed: nothing to open."""

    def start(self, topic: str, person_key: str | None, listener: ConsultListener, identity: str = "none") -> TourCall:
        call = TourCall(listener)
        self.calls.append(call)
        return call

    def frames(self, call: TourCall) -> None:
        call.listener.on_remote_frame(tour_frame(call.listener, False, self.advisor, self.advisor_planes))
        call.listener.on_local_frame(self.resident_frame(call.listener))

    def resident_frame(self, listener: ConsultListener) -> RemoteFrame:
        return tour_frame(listener, True, self.resident, self.resident_planes)


def consult_walk(tour, orient: str) -> Iterator[float | Callable[[], bool]]:  # noqa: ANN001
    """The consultation screens, one after the other, shot in this orientation."""
    from kiosk.domain.calls import Call
    from kiosk.widgets.touch import tap

    app, nav, bg = tour.app, tour.app.nav, tour.app.background
    advisors = TourAdvisors()
    before, app.services.consult = app.services.consult, advisors
    try:
        yield from tour.open_tile("video")
        topics = app.screen("consult_topic")
        yield lambda: nav.current == "consult_topic" and len(topics.ids.topics.children) == 5 and bg.pending == 0
        yield 0.4
        tour.shot(f"{orient}-03o-consult-topics")
        tap(topics.topic_button("求职指导"))
        consent = app.screen("consult_consent")
        yield lambda: nav.current == "consult_consent" and bg.pending == 0
        yield 0.4
        tour.shot(f"{orient}-03p-consult-consent")
        tap(consent.ids.agree)
        wait = app.screen("consult_wait")
        yield lambda: nav.current == "consult_wait" and bool(advisors.calls)
        call = advisors.calls[-1]
        call.emit(ConsultState.WAITING)
        call.listener.on_consult_queue(3, 240)
        call.listener.on_local_frame(advisors.resident_frame(call.listener))
        yield lambda: bool(wait.queue_line) and wait.ids.preview.frames_rendered > 0
        yield 0.4
        tour.shot(f"{orient}-03q-consult-waiting")
        call.emit(ConsultState.CONNECTING, advisor_name="王老师")
        call.emit(ConsultState.IN_CALL, advisor_name="王老师")
        screen = app.screen("consult_call")
        yield lambda: nav.current == "consult_call"
        advisors.frames(call)
        call.listener.on_consult_stats({"rtt_ms": 180, "loss_pct": 1.0, "fps_received": 24, "quality": "fair"})
        yield lambda: screen.ids.remote.frames_rendered > 0 and screen.ids.local.frames_rendered > 0
        yield 2.2  # the timer runs
        tour.shot(f"{orient}-03r-consult-call")
        app.on_call(Call(f"tour-consult-{orient}", "A021", "2", "求职登记"))
        yield lambda: app.banner.opacity == 1
        yield 0.3
        tour.shot(f"{orient}-03s-consult-call-banner")
        app.banner.hide()
        call.emit(ConsultState.RECONNECTING)
        yield lambda: bool(screen.notice)
        yield 0.3
        tour.shot(f"{orient}-03t-consult-reconnecting")
        call.emit(ConsultState.IN_CALL)
        yield lambda: not screen.notice
        tap(screen.ids.hang_up)
        yield lambda: nav.current == "consult_ended"
        yield 0.4
        tour.shot(f"{orient}-03u-consult-ended")
        yield from tour.next_visit()

        yield from tour.open_tile("video")
        yield lambda: nav.current == "consult_topic" and len(topics.ids.topics.children) == 5 and bg.pending == 0
        tap(topics.topic_button("创业指导"))
        offer = app.screen("consult_offer")
        yield lambda: nav.current == "consult_offer"
        yield 0.4
        tour.shot(f"{orient}-03v-consult-offer")
        tap(offer.ids.callback)
        form = app.screen("consult_callback")
        yield lambda: nav.current == "consult_callback"
        for digit in PHONE:
            tap(next(k for k in form.ids.phone.children if k.text == digit))
            yield 0.02
        yield 0.3
        tour.shot(f"{orient}-03w-callback-phone")
        tap(form.ids.next)
        yield lambda: form.step == "consent"
        yield 0.3
        tour.shot(f"{orient}-03x-callback-consent")
        tap(form.ids.submit)
        yield lambda: form.step == "done" and bg.pending == 0
        yield 0.4
        tour.shot(f"{orient}-03y-callback-done")
        yield from tour.next_visit()
    finally:
        app.services.consult = before
