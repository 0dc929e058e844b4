"""The tables the feeds from central fill, as the sync worker (``kiosk.sync.feeds``) uses them.

Sync checks each page against the protocol and hands over plain rows; here they are applied in
one transaction together with the feed's cursor. An older version never overwrites a newer one,
so a replayed page changes nothing. After ``410 cursor_expired`` every row is marked (version 0)
and the feed pulled from the start; rows still marked when the full pull ends are the ones the
server no longer has.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from kiosk.store.models import (
    Announcement,
    CatalogueService,
    FeedCursor,
    InterestStatus,
    JobFair,
    ServiceRequestStatus,
    Station,
    Vacancy,
)

if TYPE_CHECKING:
    from sqlalchemy import Table

    from kiosk.store.engine import Store

#: Index each vacancy page in the transaction that applies it, so a new kiosk can search as soon
#: as its initial pull ends instead of after a whole build. False only for the sync benchmark's
#: baseline (the index built after the pull).
INDEX_WITH_PAGES = True

TABLES = {"vacancies": Vacancy, "stations": Station, "announcements": Announcement, "job_fairs": JobFair,
          "services": CatalogueService, "service_requests": ServiceRequestStatus,
          "interests": InterestStatus}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def sql_value(v: Any) -> Any:
    """The text SQLAlchemy's SQLite types store."""
    if isinstance(v, datetime):
        return v.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    return v


def insert_sql(table: Table) -> tuple[str, list[str]]:
    """A plain driver-level INSERT of every column of ``table`` (rows as tuples of :func:`sql_value`
    in the returned column order)."""
    cols = [c.name for c in table.columns]
    return f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", cols


def _upsert_sql(feed: str) -> tuple[str, list[str]]:
    table = TABLES[feed].__table__
    sql, cols = insert_sql(table)
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    return f"{sql} ON CONFLICT (id) DO UPDATE SET {sets} WHERE {table.name}.version < excluded.version", cols


class FeedTables:
    def __init__(self, store: Store) -> None:
        self.store = store

    def cursor(self, feed: str) -> str | None:
        with self.store.read() as s:
            row = s.get(FeedCursor, feed)
            return row.cursor if row and row.cursor else None

    def apply(self, feed: str, rows: list[dict], deleted: Iterable[tuple[str, int]], cursor: str) -> tuple[int, int]:
        """Upsert ``rows`` (column dicts with ``version``), delete ``(id, version)`` pairs and store
        the cursor, in one transaction; returns (rows upserted, rows deleted)."""
        table = TABLES[feed].__table__
        sql, cols = _upsert_sql(feed)
        with self.store.session() as s:
            if rows:
                # plain executemany: the per-row parameter processing of an ORM/Core statement costs
                # more than the insert itself at 1,000 rows a page
                s.connection().exec_driver_sql(sql, [tuple(sql_value(r.get(c)) for c in cols) for r in rows])
            gone = 0
            for row_id, version in deleted:
                gone += s.execute(delete(table).where(table.c.id == row_id, table.c.version < version)).rowcount
            s.merge(FeedCursor(feed=feed, cursor=cursor, updated_at=_now()))
            if feed == "vacancies" and INDEX_WITH_PAGES:
                from kiosk.store.search import refresh_index

                refresh_index(s.connection())
        return len(rows), gone

    def start_refetch(self, feed: str) -> None:
        """After 410: forget the cursor and mark every row as not yet seen again (one transaction)."""
        table = TABLES[feed].__table__
        with self.store.session() as s:
            s.execute(update(table).values(version=0))
            s.merge(FeedCursor(feed=feed, cursor="", updated_at=_now()))

    def finish_refetch(self, feed: str) -> int:
        """The full pull is done: rows still unseen were deleted on the server meanwhile."""
        table = TABLES[feed].__table__
        with self.store.session() as s:
            return s.execute(delete(table).where(table.c.version == 0)).rowcount

    def snapshot(self, feed: str) -> dict[str, int]:
        """id → version of every local row."""
        table = TABLES[feed].__table__
        with self.store.read() as s:
            return dict(s.execute(select(table.c.id, table.c.version)).all())

    def image_path(self, feed: str) -> Path | None:
        """Where an image of ``feed`` is unpacked (next to the database); None when the feed has
        no image or the database is in memory."""
        from kiosk.store.vacancy_image import FEED

        if feed != FEED or self.store.path is None:
            return None
        return self.store.path.with_name(f"{feed}-image.sqlite3")

    def schema_rev(self) -> str:
        """The database's schema revision (an image must have been built at the same one)."""
        from kiosk.store.engine import current_revision

        return current_revision(self.store) or ""

    def install_image(self, feed: str, gz_path: Path, max_bytes: int) -> int:
        """Replace the feed's rows and the search index with the image at ``gz_path`` (gzip, at
        most ``max_bytes`` unpacked) and take its cursor, in one transaction; returns the rows.
        A ValueError says why an image was refused (nothing changed then)."""
        from kiosk.store import vacancy_image

        unpacked = self.image_path(feed)
        if unpacked is None:
            raise vacancy_image.ImageError(f"the {feed} feed has no image here")
        try:
            vacancy_image.unpack(gz_path, unpacked, max_bytes=max_bytes)
            rows, _cursor = vacancy_image.install(self.store.path, unpacked)
        finally:
            unpacked.unlink(missing_ok=True)
        return rows

    def refresh_index(self) -> None:
        """Bring the search index up to date after the vacancies changed."""
        from kiosk.store.search import refresh_index

        refresh_index(self.store)
