"""Kiosk stores for tests, copied from one database the migrations built once per session.

Running every migration for each test cost more than most tests themselves; a copy of the
migrated file (or, in memory, SQLite's backup of it) gives each test the same fresh, empty,
current schema.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kiosk.store.engine import SCHEMA_HEAD, Store, current_revision, open_store


def migrated_template(directory: Path) -> Path:
    """A migrated, empty kiosk database in ``directory``: one file, no WAL beside it."""
    path = directory / "template.sqlite3"
    store = open_store(path)
    try:
        assert current_revision(store) == SCHEMA_HEAD
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    return path


def memory_store(template: Path) -> Store:
    """An in-memory store holding a copy of ``template`` (what ``open_store(None)`` gives)."""
    store = Store(None)
    raw = store.engine.raw_connection()  # the StaticPool's one connection
    try:
        src = sqlite3.connect(template)
        try:
            src.backup(raw.driver_connection)
        finally:
            src.close()
    finally:
        raw.close()
    return store


def file_store(template: Path, path: Path) -> Store:
    """A store in the file ``path``, a copy of ``template`` (what ``open_store(path)`` gives)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return open_store(path)


def memory_store_with(template: Path, vacancies: list[dict]) -> Store:
    """An in-memory store (``memory_store``) holding ``vacancies`` (demo rows)."""
    from sqlalchemy import insert

    from kiosk.store.models import Vacancy

    store = memory_store(template)
    with store.session() as s:
        s.execute(insert(Vacancy), vacancies)
    return store
