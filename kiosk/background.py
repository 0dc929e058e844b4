"""Runs slow work (database queries, device and network calls) off the Kivy main thread.

Results come back on the main thread through ``Clock.schedule_once``. A result that arrives
after the visit it belongs to has ended is dropped: each job carries the visit id it was
started for, and the callback only runs if that visit is still current.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from kivy.clock import Clock

log = logging.getLogger(__name__)


class Background:
    def __init__(self, workers: int = 2, current_visit: Callable[[], str] | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-bg")
        self._current_visit = current_visit or (lambda: "")
        self.pending = 0

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future:
        visit = self._current_visit()
        self.pending += 1

        def finished(fut: Future) -> None:
            def deliver(_dt: float) -> None:
                self.pending -= 1
                if self._current_visit() != visit:
                    return
                exc = fut.exception()
                if exc is not None:
                    log.error("background job %s failed: %s", getattr(fn, "__qualname__", fn), exc)
                    if on_error:
                        on_error(exc)
                elif on_done:
                    on_done(fut.result())

            Clock.schedule_once(deliver, 0)

        fut = self._pool.submit(fn, *args)
        fut.add_done_callback(finished)
        return fut

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
