"""The one place that opens the kiosk database.

SQLite in WAL mode with ``synchronous=FULL``: a power cut never loses a committed service
record. Migrations run at start; when the schema is already current the check costs one query
and Alembic is not even imported (start-up time matters on a kiosk that reboots every night).

A database file that is not SQLite, is damaged or is locked by another process stops the
kiosk with a message that says so. The kiosk never starts empty over a resident's data.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from kiosk.store.feed_tables import FeedTables
    from kiosk.store.outbox import OutboxQueue

log = logging.getLogger(__name__)

#: Newest migration in kiosk/store/migrations/versions; a test keeps the two equal.
SCHEMA_HEAD = "0015"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class Store:
    """The kiosk database: an engine plus a session factory.

    SQLAlchemy is imported and the engine built on first use, not at start: the start-up
    checks use the sqlite3 module directly, so the attract screen does not wait for an ORM
    it does not need (the first query runs on a worker thread).
    """

    def __init__(self, path: Path | None, busy_timeout_s: float = 5.0) -> None:
        self.path = path
        self.busy_timeout_s = busy_timeout_s
        self._engine: Engine | None = None
        self._sessions = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    from sqlalchemy.orm import sessionmaker

                    engine = _create_engine(self.path, self.busy_timeout_s)
                    self._sessions = sessionmaker(engine, expire_on_commit=False)
                    self._engine = engine
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        self.engine
        with self._sessions() as s, s.begin():
            yield s

    def read(self) -> Session:
        """A session for reads (no transaction management needed by the caller)."""
        self.engine
        return self._sessions()

    @property
    def feeds(self) -> FeedTables:
        """The tables the feeds from central fill (for the sync worker)."""
        from kiosk.store.feed_tables import FeedTables

        return FeedTables(self)

    @property
    def outbox(self) -> OutboxQueue:
        """The outbox as the sync worker drains it."""
        from kiosk.store.outbox import OutboxQueue

        return OutboxQueue(self)

    def get_setting(self, key: str, default: str = "") -> str:
        if self._engine is None and self.path is not None:
            # read at start, before the ORM is loaded
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s)
            try:
                row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            finally:
                conn.close()
            return row[0] if row else default
        from kiosk.store.models import Setting

        with self.read() as s:
            row = s.get(Setting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        from kiosk.store.models import Setting

        with self.session() as s:
            s.merge(Setting(key=key, value=value))

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _create_engine(path: Path | None, busy_timeout_s: float) -> Engine:
    from sqlalchemy import create_engine, event

    if path is not None:
        engine = create_engine(f"sqlite+pysqlite:///{path}",
                               connect_args={"timeout": busy_timeout_s, "check_same_thread": False})
    else:
        from sqlalchemy.pool import StaticPool

        engine = create_engine("sqlite+pysqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    event.listen(engine, "connect", _on_connect)
    return engine


def open_store(path: str | Path | None, *, busy_timeout_s: float = 5.0, migrate_schema: bool = True) -> Store:
    """Open (creating if needed) the database at ``path``; ``None`` means in memory (tests).

    Refuses a damaged, foreign or locked file with a StoreError that says what to do.
    """
    db_path = Path(path) if path is not None else None
    store = Store(db_path, busy_timeout_s)
    if db_path is None:
        migrate(store)
        return store
    _check_file(db_path)
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not db_path.exists():
        os.close(os.open(db_path, os.O_CREAT | os.O_WRONLY, 0o600))  # SQLite gives its WAL the same mode
    try:
        rev = _probe(db_path, busy_timeout_s)
        if migrate_schema and rev != SCHEMA_HEAD:
            migrate(store)
    except sqlite3.DatabaseError as e:
        store.close()
        raise _explain(e, db_path) from None
    except Exception as e:
        from sqlalchemy.exc import DBAPIError

        store.close()
        if isinstance(e, DBAPIError):
            raise _explain(e, db_path) from None
        raise
    return store


def _probe(path: Path, busy_timeout_s: float) -> str | None:
    """Read the schema and take the write lock once, with plain sqlite3.

    Taking the lock now means a database another process holds fails at start, with a clear
    message, rather than at a resident's first action. Returns the schema revision.
    """
    conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()
        if not has:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _check_file(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"数据库路径是一个目录 / the database path is a directory: {path}")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except PermissionError:
        raise StoreError(f"无权读取数据库 / no permission to read the database: {path}") from None
    if head and head != SQLITE_MAGIC[: len(head)] or (0 < len(head) < len(SQLITE_MAGIC)):
        raise StoreError(
            f"数据库文件已损坏或不是 SQLite 文件 / the database file is damaged or not SQLite: {path}. "
            "The file was left untouched. Restore it from a backup, or move it aside to start with "
            "an empty database (the central system re-sends the feeds; unsent events in it would be lost)."
        )


def _explain(e: Exception, path: Path | None) -> StoreError:
    msg = str(getattr(e, "orig", e))
    where = path or ":memory:"
    if "locked" in msg or "busy" in msg:
        return StoreError(
            f"数据库被另一个进程锁定 / the database is locked by another process: {where} ({msg}). "
            "Is another kiosk process, or an sqlite3 shell, holding it open? Stop it and start again."
        )
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreError(
            f"数据库文件已损坏 / the database file is damaged: {where} ({msg}). "
            "The file was left untouched. Restore it from a backup, or move it aside to start with "
            "an empty database (unsent events in it would be lost)."
        )
    if "readonly" in msg or "unable to open" in msg:
        return StoreError(f"无法写入数据库 / cannot write the database: {where} ({msg}). Check the path and permissions.")
    return StoreError(f"数据库错误 / database error at {where}: {msg}")


def current_revision(store: Store) -> str | None:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        has = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if not has:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(store: Store) -> bool:
    """Bring the schema to the newest revision. Returns True if anything was applied."""
    rev = current_revision(store)
    if rev == SCHEMA_HEAD:
        return False
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    log.info("migrating the kiosk database from %s to %s", rev or "empty", SCHEMA_HEAD)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def integrity_check(store: Store) -> str:
    """Full ``PRAGMA quick_check``; returns "ok" or SQLite's description of the damage."""
    from sqlalchemy import text

    with store.engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])
