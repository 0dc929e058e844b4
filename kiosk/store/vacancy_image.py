"""Vacancy images: the vacancy feed and its search index as a ready kiosk database
(docs/PROTOCOL.md, "Vacancy image").

Indexing 100,000 vacancies one page at a time costs a new kiosk most of a minute; copying the
tables of a database where that was done once costs seconds, because SQLite copies the rows of
two tables with one definition record by record (its transfer optimisation) and the FTS5
indexes are ordinary tables underneath. So :func:`write` makes an image from a database that
pulled the feed (on the machine that builds images, never a kiosk with residents' data in it),
and :func:`install` copies one into a kiosk's database in one transaction, refusing any image
whose schema is not exactly the kiosk's own.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from kiosk.domain import geo

FEED = "vacancies"
_BLOCK = 1 << 20


class ImageError(ValueError):
    """An image this kiosk cannot use; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class ImageFacts:
    """What :func:`write` made: the fields of the protocol's ``FeedImage``."""

    path: Path
    schema_rev: str
    rows: int
    cursor: str
    sha256: str
    size: int
    built_at: datetime


def _tables(conn: sqlite3.Connection, schema: str = "main") -> dict[str, str]:
    """name → definition of what an image holds: the vacancies, the search tables (FTS5's
    shadow tables included: they are ordinary tables) and their indexes."""
    rows = conn.execute(
        f"SELECT type, name, sql FROM {schema}.sqlite_master WHERE type IN ('table', 'index') "
        "AND (tbl_name = 'vacancies' OR tbl_name LIKE 'search\\_%' ESCAPE '\\')"
    ).fetchall()
    return {name: sql or "" for _kind, name, sql in rows}


def _copied(tables: dict[str, str]) -> list[str]:
    """The tables whose rows are copied: not indexes, not FTS5's virtual tables themselves."""
    return sorted(n for n, sql in tables.items()
                  if sql.startswith("CREATE TABLE") and not n.startswith("sqlite_"))


def _revision(conn: sqlite3.Connection, schema: str = "main") -> str:
    try:
        row = conn.execute(f"SELECT version_num FROM {schema}.alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return ""
    return row[0] if row else ""


def write(db_path: Path, out: Path, *, level: int = 6) -> ImageFacts:
    """Make ``out`` (gzip) from the database at ``db_path``, whose vacancies are pulled and indexed.

    Only the image's tables, the schema revision and the vacancy cursor go in: every other
    table is emptied in the copy, so an image never carries anything but the public feed.
    """
    from kiosk.store import search

    tmp = out.with_name(out.name + ".sqlite3.part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(db_path)
    try:
        if src.execute("SELECT EXISTS (SELECT 1 FROM search_dirty)").fetchone()[0]:
            raise ImageError(f"{db_path} has vacancies not indexed yet; refresh the index before making an image")
        src.execute("VACUUM INTO ?", (str(tmp),))
    finally:
        src.close()
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            keep = set(_copied(_tables(conn))) | {"alembic_version", "feed_cursors"}
            others = [n for (n,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "AND sql LIKE 'CREATE TABLE%'") if n not in keep]
            conn.execute("BEGIN")
            for name in others:
                conn.execute(f'DELETE FROM "{name}"')
            conn.execute("DELETE FROM feed_cursors WHERE feed != ?", (FEED,))
            conn.execute("COMMIT")
            cursor_row = conn.execute("SELECT cursor, updated_at FROM feed_cursors WHERE feed = ?", (FEED,)).fetchone()
            if not cursor_row or not cursor_row[0]:
                raise ImageError(f"{db_path} has no vacancy cursor: pull the vacancy feed before making an image")
            rows = conn.execute("SELECT count(*) FROM vacancies").fetchone()[0]
            revision = _revision(conn)
            # a pull indexes page by page, which leaves many segments: a new kiosk gets one each
            for sql in search.MERGE_SQL:
                conn.execute(sql)
            conn.execute("VACUUM")
        finally:
            conn.close()
        digest = hashlib.sha256()
        part = out.with_name(out.name + ".part")
        with tmp.open("rb") as f, part.open("wb") as raw:
            with gzip.GzipFile(fileobj=_Hashing(raw, digest), mode="wb", compresslevel=level, mtime=0) as gz:
                shutil.copyfileobj(f, gz, _BLOCK)
        part.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return ImageFacts(path=out, schema_rev=revision, rows=rows, cursor=cursor_row[0], sha256=digest.hexdigest(),
                      size=out.stat().st_size, built_at=datetime.now(UTC))


class _Hashing:
    """A file object that hashes what is written through it."""

    def __init__(self, f, digest) -> None:  # noqa: ANN001
        self._f, self._digest = f, digest

    def write(self, b: bytes) -> int:
        self._digest.update(b)
        return self._f.write(b)

    def flush(self) -> None:
        self._f.flush()


def unpack(gz_path: Path, out: Path, *, max_bytes: int, progress: Callable[[int], None] | None = None) -> int:
    """Unpack a downloaded image to ``out`` (at most ``max_bytes``); returns the bytes written."""
    written = 0
    try:
        with gzip.open(gz_path, "rb") as src, out.open("wb") as dst:
            while block := src.read(_BLOCK):
                written += len(block)
                if written > max_bytes:
                    raise ImageError(f"the image unpacks to more than {max_bytes} bytes")
                dst.write(block)
                if progress is not None:
                    progress(written)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise ImageError(f"the image is not a whole gzip file: {e}") from None
    return written


def install(db_path: Path, image: Path, *, busy_timeout_s: float = 30.0) -> tuple[int, str]:
    """Replace the vacancies and the search index in the database at ``db_path`` with the
    image's, and store its vacancy cursor, in one transaction; returns (vacancies, cursor).

    Raises ImageError, changing nothing, when the image is not a kiosk database at this
    database's schema revision with exactly its table definitions and a vacancy cursor.
    Distances are measured from the kiosk's station (``search.origin``) here when it has one,
    else on the first search.
    """
    from kiosk.store import search

    conn = sqlite3.connect(f"file:{quote(str(db_path))}", uri=True, timeout=busy_timeout_s, isolation_level=None)
    try:
        try:
            conn.execute("ATTACH DATABASE ? AS img", (f"file:{quote(str(image))}?mode=ro",))
        except sqlite3.DatabaseError as e:
            raise ImageError(f"the image cannot be opened as SQLite: {e}") from None
        try:
            cursor, tables = _check(conn)
            with search.index_lock:
                _copy(conn, tables, cursor)
            search.index_replaced()
            rows = conn.execute("SELECT count(*) FROM vacancies").fetchone()[0]
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.execute("DETACH DATABASE img")
    finally:
        conn.close()
    return rows, cursor


def _check(conn: sqlite3.Connection) -> tuple[str, list[str]]:
    try:
        ours, theirs = _revision(conn), _revision(conn, "img")
        if not theirs:
            raise ImageError("the image is not a kiosk database (it has no schema revision)")
        if theirs != ours:
            raise ImageError(f"the image was built at schema {theirs}, this kiosk is at {ours}")
        mine, its = _tables(conn), _tables(conn, "img")
        differ = sorted(n for n in set(mine) | set(its) if mine.get(n) != its.get(n))
        if differ:
            raise ImageError(f"the image's tables differ from this kiosk's: {', '.join(differ[:5])}")
        row = conn.execute("SELECT cursor FROM img.feed_cursors WHERE feed = ?", (FEED,)).fetchone()
    except sqlite3.DatabaseError as e:
        raise ImageError(f"the image cannot be read: {e}") from None
    if not row or not row[0]:
        raise ImageError("the image has no vacancy cursor")
    return row[0], _copied(mine)


def _copy(conn: sqlite3.Connection, tables: list[str], cursor: str) -> None:
    # Triggers on the target turn the transfer optimisation off (and would queue every row for
    # indexing); the definitions are put back, unchanged, in the same transaction.
    conn.execute("BEGIN IMMEDIATE")
    triggers = conn.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' "
                            "AND tbl_name IN (SELECT value FROM json_each(?))", (_json(tables),)).fetchall()
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER main."{name}"')
    try:
        for name in tables:
            conn.execute(f'DELETE FROM main."{name}"')
        for name in tables:
            conn.execute(f'INSERT INTO main."{name}" SELECT {_columns(conn, name)} FROM img."{name}"')
    except sqlite3.DatabaseError as e:
        raise ImageError(f"the image's rows cannot be copied: {e}") from None
    for _name, sql in triggers:
        conn.execute(sql)
    now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn.execute("INSERT OR REPLACE INTO main.feed_cursors (feed, cursor, updated_at) VALUES (?, ?, ?)",
                 (FEED, cursor, now))
    conn.execute("COMMIT")


def _columns(conn: sqlite3.Connection, table: str) -> str:
    """What to copy of ``table``: every column as it is (SQLite then copies whole records), but
    the documents' distance measured from this kiosk's station as they go in (one pass instead
    of an update of every row after), or none when the station is not known yet (the first
    search measures them)."""
    if table != "search_docs":
        return "*"
    from kiosk.store.search import ORIGIN_KEY

    raw = conn.execute("SELECT value FROM main.settings WHERE key = ?", (ORIGIN_KEY,)).fetchone()
    if raw:
        lat0, lon0 = (float(x) for x in raw[0].split(","))
        conn.create_function("kiosk_distance_m", 2, lambda lat, lon: geo.distance_m(lat0, lon0, lat, lon),
                             deterministic=True)
    names = [r[1] for r in conn.execute(f'PRAGMA main.table_info("{table}")')]
    return ", ".join(("kiosk_distance_m(lat, lon)" if raw else "NULL") if n == "dist" else f'"{n}"'
                     for n in names)


def _json(items: list[str]) -> str:
    import json

    return json.dumps(items)
