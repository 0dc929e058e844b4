"""The app's running parts (device threads, the link to central, the speaker, the video loop,
the worker pool) and the one ``stop_all`` that ends them.

Parts are stopped last-started first, so nothing is left feeding a part that is gone: the
devices and the link stop before the worker pool their results go through. Each part is
stopped once, a part that fails to stop is logged and the rest still stop, and a part added
after ``stop_all`` (a service built late, while the app was closing) is stopped at once.
Kivy may dispatch ``on_stop`` more than once; ``stop_all`` is idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class RunningParts:
    def __init__(self) -> None:
        self._parts: list[tuple[str, Callable[[], None]]] = []
        self._lock = threading.Lock()
        self._stopped = False

    def add(self, name: str, stop: Callable[[], None]) -> None:
        """``stop`` ends the part named ``name`` (for the log)."""
        with self._lock:
            if not self._stopped:
                self._parts.append((name, stop))
                return
        self._stop_one(name, stop)

    @property
    def names(self) -> list[str]:
        with self._lock:
            return [name for name, _ in self._parts]

    def stop_all(self) -> list[str]:
        """Stop every part, last added first; returns the names stopped by this call."""
        with self._lock:
            self._stopped = True
            parts, self._parts = self._parts, []
        for name, stop in reversed(parts):
            self._stop_one(name, stop)
        return [name for name, _ in reversed(parts)]

    @staticmethod
    def _stop_one(name: str, stop: Callable[[], None]) -> None:
        try:
            stop()
        except Exception:  # one part failing to stop must not keep the others running
            log.exception("stopping %s failed", name)
        else:
            log.debug("stopped %s", name)
