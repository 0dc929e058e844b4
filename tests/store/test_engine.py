import sqlite3
import threading

import pytest
from sqlalchemy import text

from kiosk.store import engine as store_engine
from kiosk.store.engine import SCHEMA_HEAD, StoreError, current_revision, integrity_check, open_store


def test_schema_head_matches_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(store_engine.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_migrations_create_every_model_table(store):
    from kiosk.store.models import Base

    with store.engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert set(Base.metadata.tables) <= tables
    assert current_revision(store) == SCHEMA_HEAD


def test_file_database_uses_wal_and_full_sync(tmp_path):
    s = open_store(tmp_path / "k.db")
    with s.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    assert integrity_check(s) == "ok"
    s.close()


def test_reopen_does_not_migrate_again(tmp_path):
    open_store(tmp_path / "k.db").close()
    s = open_store(tmp_path / "k.db")
    assert store_engine.migrate(s) is False
    s.close()


def test_settings_roundtrip(store):
    assert store.get_setting("x", "d") == "d"
    store.set_setting("x", "1")
    store.set_setting("x", "2")
    assert store.get_setting("x") == "2"


def test_corrupt_file_is_refused_and_left_untouched(tmp_path):
    p = tmp_path / "k.db"
    garbage = b"this is not a database, it is a resident's data that got mangled" * 100
    p.write_bytes(garbage)
    with pytest.raises(StoreError) as e:
        open_store(p)
    assert "damaged" in str(e.value) and str(p) in str(e.value)
    assert p.read_bytes() == garbage


def test_damaged_pages_behind_a_valid_header_are_refused(tmp_path):
    p = tmp_path / "k.db"
    s = open_store(p)
    s.set_setting("a", "b")
    s.close()
    raw = bytearray(p.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # wipe the schema page, keep the magic header
    p.write_bytes(bytes(raw))
    before = p.read_bytes()
    with pytest.raises(StoreError, match="damaged"):
        open_store(p)
    assert p.read_bytes() == before


def test_locked_database_says_so(tmp_path):
    p = tmp_path / "k.db"
    open_store(p).close()
    holder = sqlite3.connect(p)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as e:
            open_store(p, busy_timeout_s=0.2)
        assert "locked by another process" in str(e.value) and str(p) in str(e.value)
    finally:
        holder.rollback()
        holder.close()
    open_store(p, busy_timeout_s=0.2).close()  # fine once the other process lets go


def test_directory_path_is_refused(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path)


def test_sessions_work_from_threads(tmp_path):
    s = open_store(tmp_path / "k.db")
    errors = []

    def worker(i):
        try:
            s.set_setting(f"k{i}", str(i))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [s.get_setting(f"k{i}") for i in range(8)] == [str(i) for i in range(8)]
    s.close()
