"""One consultation: request → wait in line → offer/answer → call → end, on the video loop.

aiortc gathers every ICE candidate before ``setLocalDescription`` returns (no trickle), so one
offer and one answer through central are enough. A dropped connection (ICE failed, or
disconnected for ``DISCONNECT_GRACE_S``) is retried once with a fresh peer connection and a
new offer generation; a second drop ends the call. Every way out goes through ``_finish``,
which runs once: the listener hears the final state once and one ``consult.ended`` is recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.domain.consult import FINISHED, ConsultListener, ConsultState, RemoteFrame, network_quality
from kiosk.sync.client import BadReply, Refused, SyncError, Unavailable
from kiosk.video.media import remote_frame

if TYPE_CHECKING:
    from kiosk.video.service import ConsultService

log = logging.getLogger(__name__)

DISCONNECT_GRACE_S = 4.0
CONNECT_TIMEOUT_S = 20.0
STATS_EVERY_S = 2.0
POLL_WAIT_S = 8.0
#: shorter while waiting in line: the position and estimate change without a new version
WAITING_POLL_S = 3.0

#: central's reason → (the kiosk's final state, the listener's reason)
CENTRAL_END = {
    "hung_up": (ConsultState.ENDED, "hung_up"),
    "advisor_ended": (ConsultState.ENDED, "advisor_ended"),
    "advisor_left": (ConsultState.ENDED, "advisor_left"),
    "kiosk_left": (ConsultState.ENDED, "dropped"),
    "cancelled": (ConsultState.ENDED, "cancelled"),
    "timeout": (ConsultState.FAILED, "timeout"),
    "no_advisor": (ConsultState.FAILED, "no_advisor"),
    "bad_sdp": (ConsultState.FAILED, "bad_sdp"),
    "dropped": (ConsultState.ENDED, "dropped"),
}


class _Finished(Exception):
    def __init__(self, state: ConsultState, reason: str, tell_central: str = "") -> None:
        super().__init__(reason)
        self.state, self.reason, self.tell_central = state, reason, tell_central


class ConsultSession:
    """Implements ``kiosk.domain.consult.ConsultCall``. Public methods may be called from any thread."""

    def __init__(self, service: ConsultService, topic: str, person_key: str | None, listener: ConsultListener,
                 identity: str = "none") -> None:
        self.service = service
        self.topic = topic
        self.person_key = person_key
        #: how the resident proved identity (idcard, essc, typed; none when anonymous)
        self.identity = identity if person_key else "none"
        self.listener = listener
        self.state = ConsultState.IDLE
        self.call_id = ""
        self.started_at: float | None = None
        self.requested_at = time.time()
        self.ended_at: float | None = None
        self.end_reason = ""
        self.advisor_name = ""
        self.muted = False
        self.reconnects = 0
        #: counters for tests and the benchmark
        self.video_frames_received = 0
        self.audio_frames_received = 0
        self.frame_times: list[float] = []
        self._loop = service.loop
        self._pc = None
        self._tasks: set[asyncio.Task] = set()
        self._main: asyncio.Task | None = None
        self._drop: asyncio.Event | None = None
        self._connected: asyncio.Event | None = None
        self._version = 0
        self._finished = False
        self.done: asyncio.Future | None = None

    # --- any thread ---------------------------------------------------------------------------

    def begin(self) -> None:
        self._loop.submit(self._begin())

    def cancel(self) -> None:
        """Leave the line (or end the call, if it has started)."""
        self._loop.submit(self._local_end("cancelled" if self.state in (ConsultState.REQUESTING, ConsultState.WAITING)
                                          else "hung_up"))

    def hang_up(self) -> None:
        self._loop.submit(self._local_end("hung_up"))

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        self._loop.loop.call_soon_threadsafe(self.service.media.set_muted, muted)

    def wait_finished(self, timeout: float | None = None) -> bool:
        """Block until the session has finished (never on the video loop)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.state not in FINISHED or not self._finished:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    # --- on the loop --------------------------------------------------------------------------

    async def _begin(self) -> None:
        self.done = asyncio.get_running_loop().create_future()
        self._drop = asyncio.Event()
        self._connected = asyncio.Event()
        self._main = asyncio.current_task()
        try:
            await self._run()
        except _Finished as f:
            await self._finish(f.state, f.reason, f.tell_central)
        except asyncio.CancelledError:
            if not self._finished:
                await self._finish(ConsultState.ENDED, self.end_reason or "hung_up", "")
        except Exception:  # noqa: BLE001 - a bug must still end the call cleanly on both sides
            log.exception("consultation failed")
            await self._finish(ConsultState.FAILED, "dropped", "dropped")

    def _set(self, state: ConsultState, **detail) -> None:
        self.state = state
        try:
            self.listener.on_consult_state(state, detail)
        except Exception:  # noqa: BLE001
            log.exception("consultation listener failed")

    async def _http(self, fn: Callable, *args):  # noqa: ANN202
        return await asyncio.get_running_loop().run_in_executor(self._loop.http_executor, fn, *args)

    async def _run(self) -> None:
        sig = self.service.signaling
        self._set(ConsultState.REQUESTING)
        if sig is None:
            raise _Finished(ConsultState.FAILED, "unreachable")
        try:
            st = await self._http(sig.create, self.topic, self.person_key is not None)
        except Refused as e:
            reason = "no_advisor" if e.code in ("closed", "no_advisor") else "unreachable"
            raise _Finished(ConsultState.FAILED, reason) from None
        except SyncError:
            raise _Finished(ConsultState.FAILED, "unreachable") from None
        self.call_id = st.id
        self._version = st.version
        self.service.record_requested(self)
        self._set(ConsultState.WAITING, position=st.position, estimated_wait_s=st.estimated_wait_s)
        self._queue(st)
        while st.state == "waiting":
            st = await self._poll(st.version, WAITING_POLL_S)
            self._central_finished(st)
            if st.state == "waiting":
                self._queue(st)
        self.advisor_name = st.advisor_name
        await self._connect(1)
        self.started_at = time.time()
        self._set(ConsultState.IN_CALL, advisor_name=self.advisor_name)
        self._spawn(self._stats())
        watch = self._spawn(self._watch_central())
        while True:
            await self._drop.wait()
            if self._finished:
                return
            # the advisor ending the call also closes the connection: central knows which it was
            self._central_finished(await self._poll(self._version, 0))
            if self.reconnects >= 1:
                watch.cancel()
                raise _Finished(ConsultState.ENDED, "dropped", "dropped")
            self.reconnects += 1
            log.info("consultation media dropped; reconnecting once")
            self._set(ConsultState.RECONNECTING, advisor_name=self.advisor_name)
            try:
                await self._connect(2)
            except _Finished as f:
                if f.reason in ("dropped", "bad_sdp", "advisor_left"):
                    watch.cancel()
                    raise _Finished(ConsultState.ENDED if f.reason != "bad_sdp" else ConsultState.FAILED,
                                    f.reason, f.tell_central or ("dropped" if f.reason == "dropped" else "")) from None
                raise
            self._set(ConsultState.IN_CALL, advisor_name=self.advisor_name, reconnected=True)

    def _queue(self, st) -> None:  # noqa: ANN001
        try:
            self.listener.on_consult_queue(st.position, st.estimated_wait_s)
        except Exception:  # noqa: BLE001
            log.exception("consultation listener failed")

    async def _poll(self, since: int, wait: float = POLL_WAIT_S):  # noqa: ANN202
        """The next state from central; an unreachable central for ``unreachable_after_s`` ends the call."""
        failing_since = None
        while True:
            try:
                st = await self._http(self.service.signaling.status, self.call_id, since, wait)
                self._version = max(self._version, st.version)
                return st
            except Refused as e:
                log.warning("central refused the consultation status: %s", e.code)
                raise _Finished(ConsultState.FAILED, "unreachable") from None
            except (Unavailable, BadReply):
                now = time.monotonic()
                failing_since = failing_since or now
                if now - failing_since > self.service.unreachable_after_s:
                    raise _Finished(ConsultState.FAILED, "unreachable") from None
                await asyncio.sleep(1.0)

    def _central_finished(self, st) -> None:  # noqa: ANN001
        if st.state in ("ended", "cancelled", "timeout"):
            state, reason = CENTRAL_END.get(st.reason or st.state, (ConsultState.ENDED, "advisor_ended"))
            raise _Finished(state, reason)

    async def _watch_central(self) -> None:
        """During the call: the advisor ending (or leaving) shows up here."""
        try:
            while not self._finished:
                st = await self._poll(self._version)
                try:
                    self._central_finished(st)
                except _Finished as f:
                    if self._main is not None and not self._finished:
                        await self._finish(f.state, f.reason, "")
                    return
        except _Finished as f:
            if not self._finished:
                await self._finish(f.state, f.reason, f.tell_central)
        except asyncio.CancelledError:
            pass

    async def _connect(self, generation: int) -> None:
        from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription

        self._set(ConsultState.CONNECTING if generation == 1 else ConsultState.RECONNECTING,
                  advisor_name=self.advisor_name)
        await self._close_pc()
        self._drop.clear()
        self._connected.clear()
        ice = [RTCIceServer(urls=s.urls, username=s.username or None, credential=s.credential or None)
               for s in self.service.config.ice_servers]
        pc = self._pc = RTCPeerConnection(RTCConfiguration(iceServers=ice or []))
        media = await self.service.ready_media()
        for track in media.tracks(self._local_frame, lambda: self._takes_yuv(local=True)):
            pc.addTrack(track)
        if media.video is None:
            pc.addTransceiver("video", direction="recvonly")
        if media.audio_source is None:
            pc.addTransceiver("audio", direction="recvonly")

        @pc.on("track")
        def on_track(track) -> None:  # noqa: ANN001
            self._spawn(self._receive_video(track) if track.kind == "video" else self._receive_audio(track))

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc is not self._pc:
                return
            s = pc.connectionState
            if s == "connected":
                self._connected.set()
            elif s in ("failed", "closed"):
                self._drop.set()
            elif s == "disconnected":
                self._spawn(self._grace(pc))

        await pc.setLocalDescription(await pc.createOffer())
        try:
            st = await self._http(self.service.signaling.offer, self.call_id, pc.localDescription.sdp, generation)
        except Refused as e:
            if e.code == "finished":
                st = await self._poll(0, 0)
                self._central_finished(st)
            raise _Finished(ConsultState.FAILED, "bad_sdp" if e.code == "bad_sdp" else "unreachable") from None
        except SyncError:
            raise _Finished(ConsultState.FAILED, "unreachable") from None
        self._version = max(self._version, st.version)
        deadline = time.monotonic() + self.service.config.answer_timeout_s
        while not (st.answer_sdp and st.offer_gen == generation):
            self._central_finished(st)
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Finished(ConsultState.ENDED, "advisor_left" if generation == 1 else "dropped", "dropped")
            st = await self._poll(st.version, min(POLL_WAIT_S, left))
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=st.answer_sdp, type="answer"))
        except Exception as e:  # noqa: BLE001 - aiortc raises several kinds on a bad description
            log.warning("the advisor's answer cannot be used (%s)", type(e).__name__)
            raise _Finished(ConsultState.FAILED, "bad_sdp", "bad_sdp") from None
        try:
            await asyncio.wait_for(self._connected.wait(), CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise _Finished(ConsultState.ENDED, "dropped", "dropped") from None

    async def _grace(self, pc) -> None:  # noqa: ANN001
        await asyncio.sleep(DISCONNECT_GRACE_S)
        if pc is self._pc and pc.connectionState == "disconnected":
            self._drop.set()

    def _spawn(self, coro) -> asyncio.Task:  # noqa: ANN001
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _local_frame(self, frame: RemoteFrame) -> None:
        try:
            self.listener.on_local_frame(frame)
        except Exception:  # noqa: BLE001
            log.exception("consultation listener failed")

    def _takes_yuv(self, local: bool = False) -> bool:
        try:
            return bool(self.listener.takes_yuv(local))
        except Exception:  # noqa: BLE001
            log.exception("consultation listener failed")
            return False

    async def _receive_video(self, track) -> None:  # noqa: ANN001
        from aiortc.mediastreams import MediaStreamError

        converting = None
        while True:
            try:
                frame = await track.recv()
            except (MediaStreamError, asyncio.CancelledError):
                return
            self.video_frames_received += 1
            now = time.monotonic()
            self.frame_times.append(now)
            if len(self.frame_times) > 300:
                del self.frame_times[:100]
            if frame.format.name == "yuv420p" and self._takes_yuv():
                self._deliver(frame, now, True)  # the planes as decoded: nothing to convert
                continue
            if converting is not None and not converting.done():
                continue  # the screen shows only the latest frame: never queue conversions up
            converting = asyncio.get_running_loop().run_in_executor(
                self._loop.convert_executor, self._deliver, frame, now, False)

    def _deliver(self, frame, received: float, yuv: bool) -> None:  # noqa: ANN001
        """The frame to the listener; converted to rgb24 (on the conversion thread) unless ``yuv``."""
        if self._finished:
            return
        try:
            self.listener.on_remote_frame(remote_frame(frame, received, yuv))
        except Exception:  # noqa: BLE001
            log.exception("remote frame not delivered")

    async def _receive_audio(self, track) -> None:  # noqa: ANN001
        from aiortc.mediastreams import MediaStreamError

        while True:
            try:
                frame = await track.recv()
            except (MediaStreamError, asyncio.CancelledError):
                return
            self.audio_frames_received += 1
            self.service.audio_out.write(frame)

    def fps_received(self, window_s: float = 2.0) -> float:
        now = time.monotonic()
        recent = [t for t in self.frame_times if now - t <= window_s]
        return len(recent) / window_s

    async def _stats(self) -> None:
        try:
            while not self._finished:
                await asyncio.sleep(STATS_EVERY_S)
                pc = self._pc
                if pc is None or self._finished:
                    continue
                rtt, lost, received = None, 0, 0
                try:
                    report = await pc.getStats()
                except Exception:  # noqa: BLE001
                    continue
                for st in report.values():
                    if st.type == "remote-inbound-rtp" and getattr(st, "roundTripTime", None) is not None:
                        rtt = max(rtt or 0.0, st.roundTripTime * 1000)
                    elif st.type == "inbound-rtp":
                        lost += max(0, getattr(st, "packetsLost", 0) or 0)
                        received += getattr(st, "packetsReceived", 0) or 0
                loss = 100.0 * lost / (lost + received) if lost + received else 0.0
                fps = self.fps_received()
                stats = {"rtt_ms": round(rtt, 1) if rtt is not None else None, "loss_pct": round(loss, 2),
                         "fps_received": round(fps, 1), "quality": network_quality(rtt, loss, fps)}
                try:
                    self.listener.on_consult_stats(stats)
                except Exception:  # noqa: BLE001
                    log.exception("consultation listener failed")
        except asyncio.CancelledError:
            pass

    async def _local_end(self, reason: str) -> None:
        if self._finished:
            return
        self.end_reason = reason
        await self._finish(ConsultState.ENDED, reason, reason if self.call_id else "")

    async def _close_pc(self) -> None:
        pc, self._pc = self._pc, None
        if pc is not None:
            try:
                await pc.close()
            except Exception:  # noqa: BLE001
                log.exception("closing the peer connection failed")

    async def _finish(self, state: ConsultState, reason: str, tell_central: str) -> None:
        if self._finished:
            return
        self._finished = True
        self.ended_at = time.time()
        self.end_reason = reason
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        if self._main is not None and self._main is not current and not self._main.done():
            self._main.cancel()
        await self._close_pc()
        media = self.service.opened_media()  # a call that ended before they opened has none to forget
        if media is not None:
            media.forget_calls()
        detail: dict = {"reason": reason}
        if self.advisor_name:
            detail["advisor_name"] = self.advisor_name
        if self.started_at is not None:
            detail["duration_s"] = int(self.ended_at - self.started_at)
        if self.call_id:
            self.service.record_ended(self)
        self._set(state, **detail)
        if tell_central and self.call_id:
            try:
                await asyncio.wait_for(self._http(self.service.signaling.end, self.call_id, tell_central), 12)
            except (TimeoutError, SyncError) as e:
                log.warning("central did not hear that the consultation ended (%s); it times out there",
                            type(e).__name__)
        self.service.session_finished(self)
        if self.done is not None and not self.done.done():
            self.done.set_result(state)
