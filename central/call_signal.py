"""Waking the calls long-polls when a call is made, instead of each one looking every 0.2 s.

On PostgreSQL ``central.calls.add`` sends ``NOTIFY calls, '<station>'`` in the call's own
transaction, so it arrives at commit, in every worker process; each process keeps one connection
that LISTENs (started by the first long-poll) and wakes its own long-polls of that station. On
SQLite (one process) the commit wakes them directly. A long-poll still looks again every
``SAFETY_S``, so a notification lost while the listening connection reconnects costs seconds, not
the call.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading

from sqlalchemy import event, text
from sqlalchemy.orm import Session

log = logging.getLogger("central.calls")

CHANNEL = "calls"
#: set (e.g. 0.2): no signal at all, the long-polls look this often, as central did before
#: (``python -m central bench fleet --recheck`` compares the two)
RECHECK_S = float(os.environ.get("CENTRAL_CALLS_RECHECK_S") or 0)
#: a long-poll looks at the database at least this often, signal or not
SAFETY_S = RECHECK_S or 5.0
#: a long-poll waits at most this long for its process's listening connection before its first
#: look, so that a call committed after that look is always notified to it
READY_S = 10.0


class CallSignal:
    """The waiting long-polls of one process, by station."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[asyncio.Future]] = {}
        #: one listening task per event loop and database (one of each in a served process; tests
        #: may run several central services in one process, one after another)
        self._listening: dict[tuple[int, str], asyncio.Task] = {}
        #: set while that connection is LISTENing
        self._ready: dict[tuple[int, str], asyncio.Event] = {}
        #: how many wake-ups arrived (tests and the bench read it)
        self.woken = 0

    def waiter(self, station_id: str) -> asyncio.Future:
        """A future the next call of ``station_id`` completes; take it before looking at the
        database, so a call committed in between is not missed."""
        fut = asyncio.get_running_loop().create_future()
        with self._lock:
            self._waiters.setdefault(station_id, set()).add(fut)
        return fut

    def discard(self, station_id: str, fut: asyncio.Future) -> None:
        with self._lock:
            waiting = self._waiters.get(station_id)
            if waiting is not None:
                waiting.discard(fut)
                if not waiting:
                    del self._waiters[station_id]

    def wake(self, station_id: str) -> None:
        """From any thread: complete every waiter of the station."""
        with self._lock:
            futs = list(self._waiters.get(station_id, ()))
        self.woken += 1
        for fut in futs:
            fut.get_loop().call_soon_threadsafe(_complete, fut)

    async def listening(self, url: str, timeout: float) -> None:
        """On PostgreSQL, start this process's listening connection (once, in the running loop)
        and wait up to ``timeout`` until it LISTENs: a NOTIFY sent before that reaches no one, so
        a long-poll that looked earlier would sleep through its call until its next safety look."""
        if not url.startswith("postgresql") or RECHECK_S:
            return
        loop = asyncio.get_running_loop()
        key = (id(loop), url)
        task = self._listening.get(key)
        if task is None or task.done():
            self._listening = {k: t for k, t in self._listening.items() if not t.done() and k[0] == id(loop)}
            self._ready = {k: e for k, e in self._ready.items() if k in self._listening}
            ready = self._ready[key] = asyncio.Event()
            self._listening[key] = loop.create_task(self._listen(url, ready))
        ready = self._ready[key]
        if not ready.is_set() and timeout > 0:
            try:
                await asyncio.wait_for(ready.wait(), timeout=timeout)
            except TimeoutError:
                log.warning("the calls listener is not listening after %.0f s; long-polls look every %.0f s",
                            timeout, SAFETY_S)

    def is_listening(self) -> bool:
        """Whether any of this process's listening connections LISTENs now."""
        return any(e.is_set() for e in self._ready.values())

    async def _listen(self, url: str, ready: asyncio.Event) -> None:
        import psycopg

        conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    ready.set()
                    log.info("listening for calls (PostgreSQL NOTIFY)")
                    async for note in conn.notifies():
                        self.wake(note.payload)
            except Exception as e:  # noqa: BLE001 - reconnect; the long-polls' own looks cover the gap
                log.warning("the calls listener lost its connection (%s); reconnecting", e)
            finally:
                ready.clear()  # also when cancelled with its event loop
            await asyncio.sleep(2)


def _complete(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_result(True)


#: this process's long-polls
SIGNAL = CallSignal()


def announce(s: Session, station_id: str) -> None:
    """Tell the long-polls of ``station_id`` when the caller's transaction commits."""
    if RECHECK_S:
        return
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_notify(:channel, :station)"), {"channel": CHANNEL, "station": station_id})
    else:
        event.listen(s, "after_commit", lambda _s: SIGNAL.wake(station_id), once=True)


async def wait(station_id: str, fut: asyncio.Future, timeout: float) -> None:
    """Until the call comes or ``timeout`` (never longer than ``SAFETY_S``)."""
    if RECHECK_S:
        await asyncio.sleep(max(0.0, min(timeout, RECHECK_S)))
        return
    try:
        await asyncio.wait_for(asyncio.shield(fut), timeout=max(0.0, min(timeout, SAFETY_S)))
    except TimeoutError:
        pass
