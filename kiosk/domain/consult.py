"""Remote video consultation: the states, types and listener the screens use.

The implementation (aiortc peer, signaling over the signed central client) lives in
``kiosk/video/``; this module imports neither aiortc nor Kivy, so screens and tests can use the
types without the media stack. Listener callbacks arrive on the video loop's background thread:
a screen hops to the main thread itself (``Clock.schedule_once``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

#: topics offered when the config names none
DEFAULT_TOPICS: tuple[str, ...] = ("求职指导", "政策咨询", "创业指导", "技能培训", "其他")

#: the reasons a call ends or fails, carried as ``detail['reason']``
END_REASONS = frozenset(
    {
        "hung_up",  # the resident ended the call
        "advisor_ended",  # the advisor ended the call
        "advisor_left",  # the advisor went away (page closed, logged out) mid-call
        "cancelled",  # the resident cancelled while waiting
        "no_advisor",  # nobody took the request in time / pool closed
        "unreachable",  # the central service could not be reached
        "bad_sdp",  # the offer or answer could not be used
        "dropped",  # the media connection was lost and the one reconnect failed
        "timeout",  # the request waited longer than central allows
    }
)


class ConsultState(str, Enum):
    IDLE = "idle"
    REQUESTING = "requesting"
    WAITING = "waiting"
    CONNECTING = "connecting"
    IN_CALL = "in_call"
    RECONNECTING = "reconnecting"
    ENDED = "ended"
    FAILED = "failed"


FINISHED = frozenset({ConsultState.ENDED, ConsultState.FAILED})


@dataclass(frozen=True)
class Availability:
    open: bool
    advisors_online: int
    waiting: int
    estimated_wait_s: int | None
    reason: str = ""  # '' | 'closed' | 'no_advisor' | 'unreachable'

    @classmethod
    def unreachable(cls) -> Availability:
        return cls(open=False, advisors_online=0, waiting=0, estimated_wait_s=None, reason="unreachable")


#: one plane's bytes: a copy, or a view into the decoder's frame
PlaneData = bytes | bytearray | memoryview


@dataclass(frozen=True)
class RemoteFrame:
    """One video frame, rows top-down: rgb24 in ``rgb``, or, when ``planes`` is set, yuv420p as
    the decoder left it (``rgb`` empty). The planes are Y, U, V (U and V at half the width and
    height, rounded up), each ``strides[i]`` bytes a row; they may be views into the decoder's
    frame, so a screen that draws them on the GPU takes them without a copy or a conversion."""

    width: int
    height: int
    rgb: bytes
    pts: float  # seconds (monotonic clock of the receiver when it arrived)
    planes: tuple[PlaneData, PlaneData, PlaneData] | None = None
    strides: tuple[int, int, int] = (0, 0, 0)

    @property
    def yuv(self) -> bool:
        return self.planes is not None


class ConsultListener:
    """No-op mixin: override what you need. Called on a background thread."""

    def on_consult_state(self, state: ConsultState, detail: dict) -> None:
        """detail['reason'] (when ended/failed) is one of END_REASONS; may carry
        'advisor_name' and 'duration_s'."""

    def on_consult_queue(self, position: int, estimated_wait_s: int | None) -> None:
        pass

    def takes_yuv(self, local: bool = False) -> bool:
        """Whether frames may come as yuv420p planes (the screen converts them on the GPU);
        ``local``: the kiosk's own picture, else the advisor's."""
        return False

    def on_remote_frame(self, frame: RemoteFrame) -> None:
        pass

    def on_local_frame(self, frame: RemoteFrame) -> None:
        pass

    def on_consult_stats(self, stats: dict) -> None:
        """keys: rtt_ms, loss_pct, fps_received, quality ('good'|'fair'|'poor')."""


@runtime_checkable
class ConsultCall(Protocol):
    state: ConsultState
    call_id: str
    started_at: float | None  # time.time() when the media connected

    def cancel(self) -> None: ...

    def hang_up(self) -> None: ...

    def set_muted(self, muted: bool) -> None: ...


@runtime_checkable
class ConsultCalls(Protocol):
    topics: tuple[str, ...]
    identity_required: frozenset[str]

    def availability(self, topic: str) -> Availability:
        """Blocking HTTP: call from the background executor."""
        ...

    def start(self, topic: str, person_key: str | None, listener: ConsultListener, identity: str = "none") -> ConsultCall: ...

    def warm_up(self) -> None:
        """Get the media ready for a call (load the stack, open the camera and microphone) in the
        background; returns at once. ``start`` does it too if nothing did before."""
        ...


def network_quality(rtt_ms: float | None, loss_pct: float | None, fps_received: float | None) -> str:
    """'good' | 'fair' | 'poor' from the call's stats (thresholds as video-call apps use them)."""
    rtt = rtt_ms or 0.0
    loss = loss_pct or 0.0
    if rtt > 400 or loss > 8 or (fps_received is not None and fps_received < 8):
        return "poor"
    if rtt > 150 or loss > 2 or (fps_received is not None and fps_received < 18):
        return "fair"
    return "good"
