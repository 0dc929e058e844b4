"""One asyncio loop on one background thread for everything aiortc does."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class VideoLoop:
    def __init__(self, name: str = "video") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        # aiortc encodes in the default executor; blocking HTTP (long-polls) gets its own, so a
        # held request never delays a frame
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix=f"{name}-codec")
        self.http_executor = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix=f"{name}-http")
        #: one thread converts received frames to RGB for the screen, in order, off the loop
        self.convert_executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-rgb")
        self.loop.set_default_executor(self._executor)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self.loop.is_closed()

    def submit(self, coro: Coroutine[Any, Any, Any]) -> concurrent.futures.Future:
        """Run ``coro`` on the loop (from any thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float | None = None) -> Any:
        """Run ``coro`` on the loop and wait for its result (never from the loop's own thread)."""
        return self.submit(coro).result(timeout)

    async def _cancel_all(self) -> None:
        me = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not me]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self, timeout: float = 5.0) -> None:
        if not self._thread.is_alive():
            return
        try:
            self.call(self._cancel_all(), timeout)
        except Exception:  # noqa: BLE001
            log.exception("video loop tasks did not stop")
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.http_executor.shutdown(wait=False, cancel_futures=True)
        self.convert_executor.shutdown(wait=False, cancel_futures=True)
        if not self._thread.is_alive():
            self.loop.close()
