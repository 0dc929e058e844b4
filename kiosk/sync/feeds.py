"""Applying feed pages to the kiosk database.

A page is checked whole against the protocol first, then applied in one transaction together
with its cursor: a crash between pages re-pulls one page, and an older version never
overwrites a newer one, so a replayed page changes nothing. After ``410 cursor_expired`` the
kiosk marks its rows (version 0) and pulls the feed from the start; rows still marked when the
full pull ends are the ones the server no longer has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from pydantic import ValidationError
from sqlalchemy import delete, select, update

from kiosk.store.engine import Store
from kiosk.store.models import (Announcement, CatalogueService, FeedCursor, InterestStatus, JobFair,
                                ServiceRequestStatus, Station, Vacancy)
from kiosk.sync import protocol as p

TABLES = {"vacancies": Vacancy, "stations": Station, "announcements": Announcement, "job_fairs": JobFair,
          "services": CatalogueService, "service_requests": ServiceRequestStatus,
          "interests": InterestStatus}


class InvalidPage(ValueError):
    """A page whose items do not match the protocol; nothing of it is applied."""


@dataclass
class Applied:
    upserted: int
    deleted: int
    cursor: str
    more: bool


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def cursor(store: Store, feed: str) -> str | None:
    with store.read() as s:
        row = s.get(FeedCursor, feed)
        return row.cursor if row and row.cursor else None


def rows_of(page: p.FeedPage) -> list[dict]:
    """The page's items as column dicts; every item is checked against its model first.

    (Parsing the page generically and then each item is faster here than parsing straight
    into the typed models: pydantic's typed JSON path is the slower one for these rows.)
    """
    model = p.ITEM_MODELS[page.feed]
    out = []
    for entry in page.items:
        if entry.data.get("id") not in (None, entry.id):
            raise InvalidPage(f"{page.feed} item {entry.id}: id inside the data differs")
        try:
            item = model.model_validate({**entry.data, "id": entry.id})
        except ValidationError as e:
            err = e.errors()[0]
            raise InvalidPage(f"{page.feed} item {entry.id}: {'.'.join(map(str, err['loc']))}: {err['type']}") from None
        row = dict(item)
        row["version"] = entry.version
        out.append(row)
    return out


def _sql_value(v):  # noqa: ANN001, ANN202 - the text SQLAlchemy's SQLite types store
    if isinstance(v, datetime):
        return v.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    return v


def _upsert_sql(feed: str) -> tuple[str, list[str]]:
    cols = [c.name for c in TABLES[feed].__table__.columns]
    table = TABLES[feed].__tablename__
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT (id) DO UPDATE SET {sets} WHERE {table}.version < excluded.version"), cols


def apply_page(store: Store, page: p.FeedPage) -> Applied:
    rows = rows_of(page)
    table = TABLES[page.feed].__table__
    sql, cols = _upsert_sql(page.feed)
    with store.session() as s:
        if rows:
            # plain executemany: the per-row parameter processing of an ORM/Core statement costs
            # more than the insert itself at 1,000 rows a page
            s.connection().exec_driver_sql(sql, [tuple(_sql_value(r.get(c)) for c in cols) for r in rows])
        gone = 0
        for t in page.deleted:
            gone += s.execute(delete(table).where(table.c.id == t.id, table.c.version < t.version)).rowcount
        s.merge(FeedCursor(feed=page.feed, cursor=page.cursor, updated_at=_now()))
    return Applied(len(rows), gone, page.cursor, page.more)


def start_refetch(store: Store, feed: str) -> None:
    """After 410: forget the cursor and mark every row as not yet seen again (one transaction)."""
    table = TABLES[feed].__table__
    with store.session() as s:
        s.execute(update(table).values(version=0))
        s.merge(FeedCursor(feed=feed, cursor="", updated_at=_now()))


def finish_refetch(store: Store, feed: str) -> int:
    """The full pull is done: rows still unseen were deleted on the server meanwhile."""
    table = TABLES[feed].__table__
    with store.session() as s:
        return s.execute(delete(table).where(table.c.version == 0)).rowcount


def snapshot(store: Store, feed: str) -> dict[str, int]:
    """id → version of every local row (tests compare this with the server's)."""
    table = TABLES[feed].__table__
    with store.read() as s:
        return dict(s.execute(select(table.c.id, table.c.version)).all())
