"""``ConsultService``: the kiosk's ``ConsultCalls`` (built by the app as ``services.consult``)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kiosk.config import VideoConfig
from kiosk.domain.consult import FINISHED, Availability, ConsultListener
from kiosk.sync.client import CentralClient, Refused, SyncError
from kiosk.video.loop import VideoLoop
from kiosk.video.signaling import Signaling

if TYPE_CHECKING:
    from kiosk.store.engine import Store
    from kiosk.video.media import AudioOut, LocalMedia
    from kiosk.video.session import ConsultSession

log = logging.getLogger(__name__)


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts else None


class ConsultService:
    def __init__(self, config: VideoConfig, client: CentralClient | None, store: Store | None, station_id: str, *,
                 unreachable_after_s: float = 15.0,
                 frame_sent: Callable[[int, float], None] | None = None) -> None:
        """``client`` None: central is not configured (every request ends 'unreachable').
        ``store`` None: no events are recorded (benchmarks)."""
        self.config = config
        self.topics: tuple[str, ...] = tuple(config.topics)
        self.identity_required: frozenset[str] = frozenset(config.identity_required_topics)
        self.client = client
        self.signaling = Signaling(client) if client is not None else None
        self.store = store
        self.station_id = station_id
        self.unreachable_after_s = unreachable_after_s
        self.loop = VideoLoop()
        self._frame_sent = frame_sent
        self._media = None
        self.current: ConsultSession | None = None
        self._lock = threading.RLock()
        self._stopped = False

    async def _open_media(self) -> tuple[LocalMedia, AudioOut]:
        from kiosk.video import session  # noqa: F401  (imported here, off the main thread)
        from kiosk.video.media import AudioOut, LocalMedia

        c = self.config
        return LocalMedia(c.camera, c.microphone, c.width, c.height, c.fps, sent=self._frame_sent), AudioOut(c.audio_out)

    def warm_up(self) -> None:
        """Load aiortc and PyAV (about a second) and open the camera and microphone, on the video
        thread. The app calls this a little after its first frame; ``start`` does it if needed."""
        with self._lock:
            if self._media is None:
                self._media = self.loop.submit(self._open_media())

    @property
    def media(self) -> LocalMedia:
        """Waits for the warm-up: never from the video loop itself, which runs it (``ready_media``)."""
        self.warm_up()
        return self._media.result(60)[0]

    async def ready_media(self) -> LocalMedia:
        """On the video loop: the media once the warm-up has opened them, awaited, not waited for."""
        self.warm_up()
        return (await asyncio.wrap_future(self._media))[0]

    def opened_media(self) -> LocalMedia | None:
        """The media if the warm-up has opened them by now, else None; never waits."""
        media = self._media
        if media is None or not media.done() or media.exception() is not None:
            return None
        return media.result()[0]

    @property
    def audio_out(self) -> AudioOut:
        self.warm_up()
        return self._media.result(60)[1]

    # --- ConsultCalls ---------------------------------------------------------------------------

    def availability(self, topic: str) -> Availability:
        if self.signaling is None:
            return Availability.unreachable()
        try:
            a = self.signaling.availability(topic)
        except Refused as e:
            log.warning("central refused the consultation availability: %s", e.code)
            return Availability.unreachable()
        except SyncError:
            return Availability.unreachable()
        return Availability(open=a.open, advisors_online=a.advisors_online, waiting=a.waiting,
                            estimated_wait_s=a.estimated_wait_s, reason=a.reason)

    def start(self, topic: str, person_key: str | None, listener: ConsultListener, identity: str = "none") -> ConsultSession:
        if topic not in self.topics:
            raise ValueError(f"unknown consultation topic {topic!r}")
        if topic in self.identity_required and not person_key:
            raise ValueError(f"the topic {topic} needs the resident to identify first")
        if self._stopped:
            raise RuntimeError("the consultation service has stopped")
        self.warm_up()
        from kiosk.video.session import ConsultSession

        with self._lock:
            old = self.current
            if old is not None and old.state not in FINISHED:
                old.hang_up()
            session = self.current = ConsultSession(self, topic, person_key, listener, identity)
        session.begin()
        return session

    # --- visit end, app stop --------------------------------------------------------------------

    def end_all(self) -> None:
        """The visit ended (logout, idle): any call or place in line ends now."""
        with self._lock:
            session = self.current
        if session is not None and session.state not in FINISHED:
            session.cancel()

    def stop(self, timeout: float = 10.0) -> None:
        """Idempotent: Kivy may dispatch the app's on_stop more than once."""
        if self._stopped:
            return
        self._stopped = True
        with self._lock:
            session = self.current
        if session is not None and session.state not in FINISHED:
            session.hang_up()
            session.wait_finished(timeout)
        try:
            self.loop.call(self._close_media(), timeout=5)
        except Exception:  # noqa: BLE001
            log.exception("closing the camera/microphone failed")
        self.loop.stop()

    async def _close_media(self) -> None:
        if self._media is not None and self._media.done() and self._media.exception() is None:
            media, out = self._media.result()
            media.close()
            out.close()

    def session_finished(self, session: ConsultSession) -> None:
        with self._lock:
            if self.current is session:
                self.current = None

    # --- events ---------------------------------------------------------------------------------

    def record_requested(self, session: ConsultSession) -> None:
        self._record("consult.requested", {
            "call_id": session.call_id, "station_id": self.station_id, "topic": session.topic,
            "identified": session.person_key is not None, "requested_at": _iso(session.requested_at),
        })

    def record_ended(self, session: ConsultSession) -> None:
        """One ``consult.ended`` per call (``_finish`` runs once): start, end, duration, topic, outcome."""
        duration = int(session.ended_at - session.started_at) if session.started_at and session.ended_at else 0
        payload = {
            "call_id": session.call_id, "station_id": self.station_id, "topic": session.topic,
            "requested_at": _iso(session.requested_at), "started_at": _iso(session.started_at),
            "ended_at": _iso(session.ended_at), "duration_s": duration,
            "outcome": "completed" if session.started_at else session.end_reason or "failed",
            "reason": session.end_reason, "reconnects": session.reconnects,
            "identity": getattr(session, "identity", "none"),
        }
        if session.person_key:
            payload["person_key"] = session.person_key
        self._record("consult.ended", payload)

    def _record(self, type_: str, payload: dict) -> None:
        if self.store is None:
            return
        from kiosk.store.outbox import add_event

        try:
            with self.store.session() as s:
                add_event(s, type_, payload)
        except Exception:  # noqa: BLE001 - the call goes on; the failure is logged for staff
            log.exception("the %s event could not be recorded", type_)
