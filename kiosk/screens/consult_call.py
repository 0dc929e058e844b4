"""远程视频咨询, the call itself: waiting in the advisors' queue, the call, and its end.

``LiveCall`` follows one consultation for the screens. The consultation service reports on
its own thread; the relay hands state, queue and statistics to the main thread with
``Clock.schedule_once`` and pushes video frames straight into the VideoViews (``push`` is
thread-safe). The screens move as the state moves: in a call → the call screen; ended or
failed → the end screen, or the offer of an appointment / a call-back when no advisor could
take the call. A running call keeps the visit alive (``busy``); ending the visit (logout, idle
after the call) hangs up or cancels whatever is still running.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk import theme
from kiosk.domain.consult import FINISHED, ConsultListener, ConsultState, RemoteFrame
from kiosk.domain.consult_texts import (
    ANSWERED_TEXT,
    CONNECTING_TEXT,
    RECONNECTING_TEXT,
    duration_text,
    ending,
    quality,
    queue_text,
)
from kiosk.domain.i18n import _
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.rating import RatingBar  # noqa: F401 - used by consult_call.kv
from kiosk.widgets.video_view import BAR_COLOR, VideoView
from kiosk.widgets.visibility import set_shown

if TYPE_CHECKING:
    from kiosk.domain.consult import ConsultCall, ConsultCalls
    from kiosk.services import Services

log = logging.getLogger(__name__)

QUALITY_COLORS = {"good": theme.GOOD, "fair": theme.ACCENT, "poor": theme.DANGER, "": theme.DISABLED}
#: the screens a call may move between by itself; anywhere else the resident has left the call
CALL_SCREENS = ("consult_wait", "consult_call")


class _Relay(ConsultListener):
    """The service's listener: hops to the main thread; frames go to the views directly."""

    def __init__(self, live: LiveCall) -> None:
        self.live = live

    def on_consult_state(self, state: ConsultState, detail: dict) -> None:
        detail = dict(detail or {})
        Clock.schedule_once(lambda _dt: self.live.state_changed(ConsultState(state), detail), 0)

    def on_consult_queue(self, position: int, estimated_wait_s: int | None) -> None:
        Clock.schedule_once(lambda _dt: self.live.queue_changed(position, estimated_wait_s), 0)

    def on_consult_stats(self, stats: dict) -> None:
        stats = dict(stats or {})
        Clock.schedule_once(lambda _dt: self.live.stats_changed(stats), 0)

    def takes_yuv(self, local: bool = False) -> bool:
        view = self.live.local_view if local else self.live.remote_view
        return view is not None and view.yuv

    def on_remote_frame(self, frame: RemoteFrame) -> None:
        view = self.live.remote_view
        if view is not None and not self.live.closed:
            view.push(frame)

    def on_local_frame(self, frame: RemoteFrame) -> None:
        view = self.live.local_view
        if view is not None and not self.live.closed:
            view.push(frame)


class LiveCall(EventDispatcher):
    """One consultation as the screens see it (main thread, except where noted)."""

    state = StringProperty(ConsultState.REQUESTING.value)
    reason = StringProperty("")
    position = NumericProperty(-1)
    estimated_wait_s = ObjectProperty(None, allownone=True)
    quality_level = StringProperty("")
    quality_text = StringProperty("")
    quality_color = ColorProperty(theme.DISABLED)
    reconnecting = BooleanProperty(False)
    reached_call = BooleanProperty(False)
    muted = BooleanProperty(False)
    advisor_name = StringProperty("")
    duration_s = NumericProperty(0)
    #: the resident has left it (ended, cancelled, hung up, walked away): nothing moves the screens any more
    closed = BooleanProperty(False)

    def __init__(self, services: Services, topic: str, **kw) -> None:
        super().__init__(**kw)
        self.services = services
        self.topic = topic
        self.in_call_since = 0.0
        self.remote_view: VideoView | None = None
        self.local_view: VideoView | None = None
        self._call: ConsultCall | None = None
        self._lock = threading.Lock()
        self._abandoned = False
        self.relay = _Relay(self)

    # -- starting (the service's start may block: it runs on a worker thread)
    def begin(self, consult: ConsultCalls, person_key: str | None, identity: str = "none") -> None:
        def start() -> None:
            try:
                call = consult.start(self.topic, person_key, self.relay, identity=identity)
            except Exception as e:  # noqa: BLE001 - any failure to start is "cannot reach the service"
                log.warning("consultation could not start: %s", type(e).__name__)
                Clock.schedule_once(lambda _dt: self.state_changed(ConsultState.FAILED, {"reason": "unreachable"}), 0)
                return
            with self._lock:
                self._call = call
                abandoned = self._abandoned
            if abandoned:  # the resident left before the service answered
                self._stop(call)

        threading.Thread(target=start, name="consult-start", daemon=True).start()

    @property
    def call(self) -> ConsultCall | None:
        return self._call

    @property
    def finished(self) -> bool:
        return self.closed or self.state in {s.value for s in FINISHED}

    # -- the service's reports (main thread, through the relay)
    def state_changed(self, state: ConsultState, detail: dict) -> None:
        if self.closed:
            return
        if state is ConsultState.IN_CALL:
            self.reached_call = True
            self.reconnecting = False
            if not self.in_call_since:
                self.in_call_since = time.monotonic()
        elif state is ConsultState.RECONNECTING:
            self.reconnecting = True
        if detail.get("advisor_name"):
            self.advisor_name = str(detail["advisor_name"])[:20]
        if state in FINISHED:
            self.reason = str(detail.get("reason", ""))
            self.duration_s = float(detail.get("duration_s") or self.elapsed())
            self.reconnecting = False
        self.state = state.value
        self.follow()

    def queue_changed(self, position: int, estimated_wait_s: int | None) -> None:
        if not self.closed:
            self.position, self.estimated_wait_s = int(position), estimated_wait_s

    def stats_changed(self, stats: dict) -> None:
        if not self.closed:
            q = quality(stats)
            self.quality_level, self.quality_text = q.level, q.text
            self.quality_color = QUALITY_COLORS[q.level]

    def elapsed(self) -> float:
        return time.monotonic() - self.in_call_since if self.in_call_since else 0.0

    # -- where the resident goes next
    def follow(self) -> None:
        nav = self.services.nav
        if nav.current not in CALL_SCREENS:
            return
        if self.state in {s.value for s in FINISHED}:
            self.closed = True
            end = ending(self.reason, self.reached_call, self.advisor_name, self.duration_s or None)
            if end.next == "offer":
                nav.go("consult_offer", clear_history=True, topic=self.topic, reason=self.reason)
            elif end.next == "home":
                nav.go("home", clear_history=True)
                nav.toast(end.title)
            else:
                nav.go("consult_ended", clear_history=True, live=self)
        elif self.state == ConsultState.IN_CALL.value and nav.current != "consult_call":
            nav.go("consult_call", clear_history=True, live=self)

    # -- the resident's actions
    def cancel(self) -> None:
        """取消等待: the resident stops waiting; the screens do not wait for the service."""
        self._leave(ConsultState.ENDED, "cancelled")

    def hang_up(self) -> None:
        """结束通话."""
        self._leave(ConsultState.ENDED, "hung_up")

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        call = self._call
        if call is not None:
            self.services.background.submit(call.set_muted, muted)

    def abandon(self) -> None:
        """The visit ended (logout, idle): stop whatever still runs, show nothing more."""
        self.remote_view = self.local_view = None
        if not self.closed:
            self.closed = True
            self._stop_now()

    def _leave(self, state: ConsultState, reason: str) -> None:
        if self.closed:
            return
        self.duration_s = self.elapsed()
        self._stop_now()
        self.state_changed(state, {"reason": reason})

    def _stop_now(self) -> None:
        with self._lock:
            self._abandoned = True
            call = self._call
        if call is not None:
            threading.Thread(target=self._stop, args=(call,), name="consult-stop", daemon=True).start()

    def _stop(self, call: ConsultCall) -> None:  # on a worker thread: the service may block
        try:
            if self.reached_call:
                call.hang_up()
            else:
                call.cancel()
        except Exception as e:  # noqa: BLE001 - the call is over for the resident either way
            log.warning("stopping the consultation failed: %s", type(e).__name__)


class ConsultWaitScreen(KioskScreen):
    """正在为您连接指导师: position, estimated wait, the resident's own picture, 取消等待."""

    live: LiveCall | None = ObjectProperty(None, allownone=True)
    headline = StringProperty(CONNECTING_TEXT)
    queue_line = StringProperty("")
    topic = StringProperty("")

    def set_params(self, topic: str = "", person_key: str | None = None, identity: str = "none",
                   **_params) -> None:
        self.topic = topic
        self._person_key = person_key
        self._identity = identity

    def activate(self) -> None:
        consult = self.services.consult
        if self.live is not None and not self.live.finished:
            return  # still waiting for this consultation
        if consult is None or not self.topic:
            self.home()
            return
        self._drop_live()
        live = LiveCall(self.services, self.topic)
        live.bind(state=self._update, position=self._update, estimated_wait_s=self._update)
        live.local_view = self.ids.preview
        self.live = live
        self._update()
        live.begin(consult, getattr(self, "_person_key", None), getattr(self, "_identity", "none"))

    def _update(self, *_args) -> None:
        live = self.live
        if live is None:
            return
        if live.state == ConsultState.CONNECTING.value:
            self.headline, self.queue_line = ANSWERED_TEXT, ""
            return
        self.headline = CONNECTING_TEXT
        self.queue_line = queue_text(live.position, live.estimated_wait_s)

    def cancel(self) -> None:
        if self.live is not None:
            self.live.cancel()

    def busy(self) -> bool:
        return self.live is not None and not self.live.finished

    def deactivate(self) -> None:
        # the call screen shows before this one has left, and may have taken the views already
        if self.live is not None and self.live.local_view is self.ids.preview:
            self.live.local_view = None
        self.ids.preview.clear()

    def _drop_live(self) -> None:
        if self.live is not None:
            self.live.unbind(state=self._update, position=self._update, estimated_wait_s=self._update)
            self.live.abandon()
            self.live = None

    def reset(self) -> None:
        self._drop_live()
        self.ids.preview.clear()
        self.topic = self.queue_line = ""
        self.headline = CONNECTING_TEXT
        self._person_key = None
        self._identity = "none"


class ConsultCallScreen(KioskScreen):
    """The call: the advisor large, the resident small, timer, network, mute and 结束通话."""

    live: LiveCall | None = ObjectProperty(None, allownone=True)
    timer_text = StringProperty("00:00")
    notice = StringProperty("")
    quality_text = StringProperty("")
    quality_color = ColorProperty(theme.DISABLED)
    muted = BooleanProperty(False)
    who = StringProperty("")
    #: the window's clear colour before this screen showed (None while it is not shown)
    _clearcolor: tuple | None = None

    def set_params(self, live: LiveCall | None = None, **_params) -> None:
        self.live = live

    def activate(self) -> None:
        # the stage's bars are the window's clear, not rectangles drawn over it (``bars: False``
        # in the .kv): with GL in software a cleared pixel costs a fraction of a drawn one
        if self._clearcolor is None:
            self._clearcolor = tuple(Window.clearcolor)
            Window.clearcolor = BAR_COLOR
        live = self.live
        if live is None or live.finished:
            self.home()
            return
        live.remote_view = self.ids.remote
        live.local_view = self.ids.local
        live.bind(reconnecting=self._reconnecting, quality_text=self._mirror, quality_color=self._mirror,
                  muted=self._mirror, advisor_name=self._mirror)
        self._reconnecting(live, live.reconnecting)
        self._mirror()
        self._tick()
        self._timer = Clock.schedule_interval(self._tick, 0.5)

    def _tick(self, *_args) -> None:
        if self.live is not None:
            self.timer_text = duration_text(self.live.elapsed())

    def _mirror(self, *_args) -> None:
        live = self.live
        if live is not None:
            self.quality_text, self.quality_color, self.muted = live.quality_text, live.quality_color, live.muted
            advisor = _("指导师 {name}").format(name=live.advisor_name) if live.advisor_name else _("指导师")
            self.who = f"{advisor} · {_(live.topic)}"

    def _reconnecting(self, _live, value: bool) -> None:
        self.notice = RECONNECTING_TEXT if value else ""

    def hang_up(self) -> None:
        if self.live is not None:
            self.live.hang_up()

    def toggle_mute(self) -> None:
        if self.live is not None:
            self.live.set_muted(not self.live.muted)

    def busy(self) -> bool:
        return self.live is not None and not self.live.finished

    def deactivate(self) -> None:
        if self._clearcolor is not None:
            Window.clearcolor, self._clearcolor = self._clearcolor, None
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.cancel()
        if self.live is not None:
            self.live.unbind(reconnecting=self._reconnecting, quality_text=self._mirror, quality_color=self._mirror,
                             muted=self._mirror, advisor_name=self._mirror)
            if self.live.remote_view is self.ids.remote:
                self.live.remote_view = None
            if self.live.local_view is self.ids.local:
                self.live.local_view = None
        # the faces leave the screen with the call
        self.ids.remote.clear()
        self.ids.local.clear()

    def reset(self) -> None:
        if self.live is not None:
            self.live.abandon()
        self.live = None
        self.ids.remote.clear()
        self.ids.local.clear()
        self.timer_text = "00:00"
        self.notice = self.quality_text = self.who = ""
        self.quality_color = theme.DISABLED
        self.muted = False


class ConsultEndedScreen(KioskScreen):
    """How the call ended, in plain words, and the optional 好差评."""

    title = StringProperty("")
    detail = StringProperty("")
    rate = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        self._rating = self.ids.rating.__self__  # strong: it leaves the tree while hidden
        set_shown(self._rating, False)

    def on_rate(self, _inst, rate: bool) -> None:
        if hasattr(self, "_rating"):
            set_shown(self._rating, rate)

    def set_params(self, live: LiveCall | None = None, **_params) -> None:
        if live is None:
            return
        end = ending(live.reason, live.reached_call, live.advisor_name, live.duration_s or None)
        self.title, self.detail = end.title, end.detail
        self.rate = live.reached_call
        self.topic = live.topic

    def activate(self) -> None:
        if self.rate:
            self.ask_rating(self.ids.rating, "consult")

    def again(self) -> None:
        self.services.nav.go("consult_topic", clear_history=True)

    def reset(self) -> None:
        self.title = self.detail = ""
        self.rate = False
        self.topic = ""


load_kv(__file__)
