"""The video consultation as ``services.consult``: there from the start, built late.

The real ``ConsultService`` needs the HTTP client, pydantic and the video loop, which a kiosk
should not load before its first frame. ``LateConsult`` is what the app puts into ``Services``
when ``[video] enabled``: it knows the topics from the config at once, and builds the service
on ``install()`` (the app calls it after the first frame) or on first use, whichever is first.
With aiortc/PyAV missing the kiosk runs on: every request is 'unreachable', so the screens
offer the alternatives (an appointment, a call-back).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.domain.consult import Availability

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.domain.consult import ConsultCall, ConsultListener
    from kiosk.store.engine import Store

log = logging.getLogger(__name__)

_OWN = frozenset({"topics", "identity_required", "_build", "_service", "_lock", "_failed", "_stopped"})


class LateConsult:
    """A ``ConsultCalls`` that builds the real service when first needed. Attributes it does not
    hold itself (``current``, ``signaling``, …) are the built service's."""

    def __init__(self, topics: tuple[str, ...], identity_required: frozenset[str],
                 build: Callable[[], Any]) -> None:
        self.topics = topics
        self.identity_required = identity_required
        self._build = build
        self._service: Any = None
        self._lock = threading.Lock()
        self._failed = False
        self._stopped = False

    def install(self) -> Any:
        """Build the service now (once); None when aiortc/PyAV are missing or the app stopped."""
        with self._lock:
            if self._service is None and not self._failed and not self._stopped:
                try:
                    self._service = self._build()
                except ImportError as e:
                    self._failed = True
                    log.error("video consultation disabled: %s (pip install the [video] extra)", e)
            return self._service

    @property
    def built(self) -> bool:
        return self._service is not None

    def availability(self, topic: str) -> Availability:
        service = self.install()
        return service.availability(topic) if service is not None else Availability.unreachable()

    def start(self, topic: str, person_key: str | None, listener: ConsultListener,
              identity: str = "none") -> ConsultCall:
        service = self.install()
        if service is None:
            raise RuntimeError("the video consultation cannot run on this kiosk")
        return service.start(topic, person_key, listener, identity=identity)

    def warm_up(self) -> None:
        service = self.install()
        if service is not None:
            service.warm_up()

    def end_all(self) -> None:
        """The visit ended: any call ends (nothing to end, and nothing built, before the first)."""
        if self._service is not None:
            self._service.end_all()

    def stop(self) -> None:
        """Idempotent; a service never built is never built after this."""
        with self._lock:
            self._stopped = True
            service = self._service
        if service is not None:
            service.stop()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        service = self.install()
        if service is None:
            raise AttributeError(name)
        return getattr(service, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self.install(), name, value)


def late_consult(cfg: KioskConfig, store: Store, central_enabled: bool) -> LateConsult | None:
    """``services.consult``: None when ``[video] enabled = false``. With central not configured the
    service still answers, always 'unreachable', so the screens offer the alternatives."""
    if not cfg.video.enabled:
        return None

    def build() -> Any:
        from kiosk.sync.client import CentralClient
        from kiosk.video.service import ConsultService

        client = None
        if central_enabled:
            c = cfg.central
            client = CentralClient(c.url, c.kiosk_id, c.secret, connect_timeout_s=c.connect_timeout_s,
                                   read_timeout_s=c.read_timeout_s)
        return ConsultService(cfg.video, client, store, cfg.station.id)

    return LateConsult(tuple(cfg.video.topics), frozenset(cfg.video.identity_required_topics), build)
