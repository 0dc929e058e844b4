"""At most so many pieces of work use the database at once in one worker process.

A blocking handler holds its transaction's connection from its first query until FastAPI commits
after the reply is built, and building the reply of a blocking handler needs a thread again. With
more requests in flight than the pool has connections, every thread can end up waiting for a
connection while every connection waits for a thread, and nothing moves until the pool's 30 s
timeout (the fleet bench saw it at 500 kiosks: CPU idle, replies after tens of seconds, 500s).
So requests queue here first, on the event loop, holding neither; a long-poll holds a slot only
for each short look, never across its wait. The gate has half as many slots as the pool has
connections, so a request that opens a second session beside its own still finds one.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.types import ASGIApp, Receive, Scope, Send

from kiosk.sync import protocol as p

#: requests that wait for something else; they take a slot per look (``slot``)
LONG_POLLS = re.compile(rf"^{re.escape(p.PREFIX)}/(stations/[^/]+/calls|consult/requests/[^/]+)$")
#: uploads that may come all at once (500 kiosks opening): one at a time per worker process, so a
#: heartbeat or a feed pull never queues behind a whole burst of them. An upload is CPU work under
#: the GIL; several at once in one process only took turns, each slower, and starved the rest (the
#: fleet bench with 5 at once: heartbeat p95 443 ms and uploads p50 689 ms; with 1: 44 and 44 ms)
BULK = (p.PREFIX + "/events",)
UPLOADS_AT_ONCE = 1


class Gate:
    def __init__(self, slots: int | None) -> None:
        self.slots = slots
        self._per_loop: dict[int, tuple[asyncio.Semaphore, asyncio.Semaphore]] = {}

    def _semaphores(self) -> tuple[asyncio.Semaphore, asyncio.Semaphore] | None:
        if not self.slots:
            return None
        loop = id(asyncio.get_running_loop())
        sems = self._per_loop.get(loop)
        if sems is None:
            sems = self._per_loop[loop] = (asyncio.Semaphore(self.slots), asyncio.Semaphore(UPLOADS_AT_ONCE))
        return sems

    @asynccontextmanager
    async def slot(self, *, bulk: bool = False) -> AsyncIterator[None]:
        sems = self._semaphores()
        if sems is None:
            yield
            return
        every, uploads = sems
        if bulk:
            async with uploads, every:
                yield
        else:
            async with every:
                yield


def slots_for(max_connections: int | None) -> int | None:
    """None (no gate) where the pool has no limit (SQLite)."""
    return None if max_connections is None else max(1, max_connections // 2)


class GateMiddleware:
    """ASGI middleware: each HTTP request but the long-polls through the database's gate."""

    def __init__(self, app: ASGIApp, *, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or LONG_POLLS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        async with self.gate.slot(bulk=scope["path"] in BULK):
            await self.app(scope, receive, send)
