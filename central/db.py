"""The central database: one engine factory for SQLite (default) and PostgreSQL (a real fleet).

The schema is made and changed by Alembic migrations only (``Database.migrate()``, central/schema.py)."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from central.db_gate import Gate, slots_for

DEFAULT_URL = "sqlite:///var/central.db"


class Database:
    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @functools.cached_property
    def gate(self) -> Gate:
        """How many requests of one process may use the database at once (central.db_gate)."""
        return Gate(slots_for(self.max_connections))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def max_connections(self) -> int | None:
        """How many connections the pool opens at most (None: no pool limit, SQLite)."""
        pool = self.engine.pool
        size, overflow = getattr(pool, "size", None), getattr(pool, "_max_overflow", None)
        return size() + overflow if callable(size) and isinstance(overflow, int) and overflow >= 0 else None

    def migrate(self) -> bool:
        """Bring the schema to the newest migration (central/migrations), adopting a database made
        before migrations existed. True if anything ran. Raises ``central.schema.SchemaError``."""
        from central.schema import migrate

        return migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        with self._sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def owner_only(path: str) -> None:
    """The SQLite file and its WAL and shared-memory files readable by their owner only: they
    hold personal data (PIPL). A file already tighter is left alone."""
    for name in (path, path + "-wal", path + "-shm"):
        try:
            mode = os.stat(name).st_mode & 0o777
            if mode & 0o077:
                os.chmod(name, 0o600)
                logging.getLogger(__name__).warning("%s was %04o; made 0600 (it holds personal data)", name, mode)
        except FileNotFoundError:
            pass


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # created owner-only, never 0644
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _rec):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            if path and path != ":memory:":
                owner_only(path)

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            # IMMEDIATE: take the write lock at BEGIN, so two workers never deadlock upgrading a read lock.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # each worker process has its own pool: workers × 2 × CENTRAL_DB_POOL_SIZE connections at most
    size = int(os.environ.get("CENTRAL_DB_POOL_SIZE") or 10)
    return create_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=size)
