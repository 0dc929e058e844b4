"""A real central service on loopback for the sync tests (uvicorn in a thread).

Its database is at the newest schema revision. Migrating takes a while, so it runs once per test
process: a new SQLite database is a copy of a file migrated once (``migrated_template``), and a
new PostgreSQL one is made with ``CREATE DATABASE … TEMPLATE`` from a database migrated once per
cluster (tests/sync/pg.py). ``Database.migrate()`` then only finds it at the newest revision.
"""

from __future__ import annotations

import atexit
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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


_template_lock = threading.Lock()
_template: Path | None = None


def migrated_template() -> Path:
    """A SQLite central database at the newest revision, migrated once per process. Copy it; never open it."""
    global _template
    with _template_lock:
        if _template is None:
            folder = Path(tempfile.mkdtemp(prefix="central-template-"))
            atexit.register(shutil.rmtree, folder, True)
            db = Database(f"sqlite:///{folder / 'central.db'}")
            db.migrate()
            db.dispose()  # the last connection checkpoints the WAL into the file
            _template = folder / "central.db"
    return _template


def sqlite_path(db_url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    if not db_url.startswith("sqlite") or "///" not in db_url:
        return None
    path = db_url.split("///", 1)[1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def central_database(db_url: str) -> Database:
    """The central database at ``db_url``, at the newest revision. A SQLite file that does not
    exist yet starts as a copy of the migrated template; any other database is migrated (for a
    PostgreSQL database made by ``PgCluster.create_database()`` that is only a version check)."""
    path = sqlite_path(db_url)
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_template(), path)
    db = Database(db_url)
    db.migrate()
    return db


@contextmanager
def running_central(db_url: str) -> Iterator[Central]:
    db = central_database(db_url)
    register(db, KIOSK, STATION, SECRET)
    register(db, "other-kiosk", "TJ-OTHER-01", "other-secret-0123456789")
    with db.session() as s:
        for st in (STATION, "TJ-OTHER-01"):
            if s.get(StationConfig, st) is None:
                s.add(StationConfig(station_id=st, version=1, config={"name": st, "services": DEFAULT_SERVICES}))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off",
                                           # an open long-poll is cut after a second, not waited for
                                           timeout_graceful_shutdown=1))
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
