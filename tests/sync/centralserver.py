"""A real central service on loopback for the sync tests (uvicorn in a thread)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from central.app import create_app
from central.db import Database
from central.kiosks import register
from central.models import StationConfig
from central.seed import DEFAULT_SERVICES

STATION = "TJ-HP-NSJ-01"
KIOSK = "test-kiosk-01"
SECRET = "test-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Central:
    db: Database
    url: str
    port: int


@contextmanager
def running_central(db_url: str) -> Iterator[Central]:
    db = Database(db_url)
    db.create_all()
    register(db, KIOSK, STATION, SECRET)
    register(db, "other-kiosk", "TJ-OTHER-01", "other-secret-0123456789")
    with db.session() as s:
        for st in (STATION, "TJ-OTHER-01"):
            if s.get(StationConfig, st) is None:
                s.add(StationConfig(station_id=st, version=1, config={"name": st, "services": DEFAULT_SERVICES}))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, name="central", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the central service did not start")
        time.sleep(0.02)
    try:
        yield Central(db, f"http://127.0.0.1:{port}", port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        db.dispose()
