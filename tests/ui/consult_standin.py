"""A stand-in for the remote consultation service (the advisors' side), following the
ConsultCalls protocol of kiosk/domain/consult.py. It stands in for the service only: the screens,
the relay and the navigation under test are the real ones. Reports come from a background
thread, as the real service's do, so the screens' hop to the main thread is exercised."""

from __future__ import annotations

import threading
import time
import uuid

from kiosk.domain.consult import DEFAULT_TOPICS, Availability, ConsultListener, ConsultState, RemoteFrame

OPEN = Availability(open=True, advisors_online=3, waiting=2, estimated_wait_s=240)
CLOSED = Availability(open=False, advisors_online=0, waiting=0, estimated_wait_s=None, reason="closed")
NO_ADVISOR = Availability(open=False, advisors_online=0, waiting=0, estimated_wait_s=None, reason="no_advisor")


def _on_thread(fn, *args) -> None:
    t = threading.Thread(target=fn, args=args, daemon=True)
    t.start()
    t.join(5)


class StandInCall:
    def __init__(self, topic: str, person_key: str | None, listener: ConsultListener) -> None:
        self.topic = topic
        self.person_key = person_key
        self.listener = listener
        self.call_id = str(uuid.uuid4())
        self.state = ConsultState.REQUESTING
        self.started_at: float | None = None
        self.cancelled = 0
        self.hung_up = 0
        self.muted: list[bool] = []

    # the protocol
    def cancel(self) -> None:
        self.cancelled += 1
        self.emit(ConsultState.ENDED, reason="cancelled")

    def hang_up(self) -> None:
        self.hung_up += 1
        self.emit(ConsultState.ENDED, reason="hung_up", duration_s=self._duration())

    def set_muted(self, muted: bool) -> None:
        self.muted.append(muted)

    # what the advisors' side does, driven by the test
    def _duration(self) -> float:
        return time.time() - self.started_at if self.started_at else 0.0

    def emit(self, state: ConsultState, **detail) -> None:
        self.state = state
        if state is ConsultState.IN_CALL and self.started_at is None:
            self.started_at = time.time()
        _on_thread(self.listener.on_consult_state, state, detail)

    def queue(self, position: int, estimated_wait_s: int | None) -> None:
        _on_thread(self.listener.on_consult_queue, position, estimated_wait_s)

    def stats(self, **stats) -> None:
        _on_thread(self.listener.on_consult_stats, stats)

    def frames(self, n: int = 3, remote: bool = True, width: int = 64, height: int = 48) -> None:
        def send() -> None:
            for i in range(n):
                frame = RemoteFrame(width, height, bytes([(i * 40) % 256, 120, 200]) * (width * height), time.monotonic())
                (self.listener.on_remote_frame if remote else self.listener.on_local_frame)(frame)
        _on_thread(send)


class StandInConsult:
    def __init__(self, identity_required: frozenset[str] = frozenset({"政策咨询", "创业指导"})) -> None:
        self.topics = DEFAULT_TOPICS
        self.identity_required = identity_required
        self.availabilities: dict[str, Availability] = {}
        self.calls: list[StandInCall] = []
        self.start_error: Exception | None = None
        self.warm_ups = 0

    def warm_up(self) -> None:
        self.warm_ups += 1

    def availability(self, topic: str) -> Availability:
        return self.availabilities.get(topic, OPEN)

    def start(self, topic: str, person_key: str | None, listener: ConsultListener, identity: str = "none") -> StandInCall:
        if self.start_error is not None:
            raise self.start_error
        call = StandInCall(topic, person_key, listener)
        self.calls.append(call)
        return call
