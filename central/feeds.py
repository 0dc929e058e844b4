"""Feeds on the central side: writing items with commit-ordered versions, and serving pages.

The cursor the kiosk gets is opaque: ``{epoch}.{version}``, with ``.s`` added while a pull
from scratch is still paging (such a pull needs no tombstones, so purging them cannot expire
it). A page holds the items and tombstones with ``version > cursor`` in version order, so
replaying a page is harmless and a row committed late can never be skipped (see FeedClock).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.models import FeedClock, FeedItem


class CursorExpired(Exception):
    """The kiosk's cursor is from another epoch or older than the kept tombstones."""


class BadCursor(ValueError):
    pass


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _clock(s: Session, feed: str) -> FeedClock:
    clock = s.get(FeedClock, feed)
    if clock is None:
        s.add(FeedClock(feed=feed, value=0, purged_below=0, epoch="1"))
        s.flush()
        clock = s.get(FeedClock, feed)
    return clock


def next_versions(s: Session, feed: str, n: int) -> range:
    """Reserve ``n`` versions; the row lock taken here is held until the caller commits."""
    _clock(s, feed)
    new = s.execute(update(FeedClock).where(FeedClock.feed == feed).values(value=FeedClock.value + n)
                    .returning(FeedClock.value)).scalar_one()
    return range(new - n + 1, new + 1)


def put(s: Session, feed: str, items: list[dict]) -> int:
    """Insert or replace items (dicts with an ``id``) in the caller's transaction."""
    items = list({it["id"]: it for it in items}.values())  # the last of repeated ids wins
    if not items:
        return 0
    from sqlalchemy import bindparam, insert
    from sqlalchemy import update as sql_update

    versions = next_versions(s, feed, len(items))
    now = _now()
    ids = [it["id"] for it in items]
    existing: set[str] = set()
    for start in range(0, len(ids), 500):
        existing.update(s.scalars(select(FeedItem.id).where(FeedItem.feed == feed,
                                                            FeedItem.id.in_(ids[start:start + 500]))))
    new, changed = [], []
    for item, version in zip(items, versions, strict=True):
        row = {"feed": feed, "id": item["id"], "version": version, "deleted": False, "updated_at": now,
               "data": {k: _jsonable(v) for k, v in item.items() if k != "version"}}
        (changed if item["id"] in existing else new).append(row)
    if new:
        s.connection().execute(insert(FeedItem.__table__), new)
    if changed:
        t = FeedItem.__table__
        s.connection().execute(
            sql_update(t).where(t.c.feed == bindparam("b_feed"), t.c.id == bindparam("b_id"))
            .values(version=bindparam("version"), deleted=False, data=bindparam("data"),
                    updated_at=bindparam("updated_at")),
                  [{"b_feed": r["feed"], "b_id": r["id"], "version": r["version"], "data": r["data"],
                    "updated_at": r["updated_at"]} for r in changed])
    return len(items)


def put_batch(db, feed: str, batch: list[dict]) -> int:  # noqa: ANN001 - a central.db.Database
    """``put`` a batch in its own transaction, then empty the list (for loaders that stream rows)."""
    with db.session() as s:
        n = put(s, feed, batch)
    batch.clear()
    return n


def delete(s: Session, feed: str, ids: Iterable[str]) -> int:
    """Turn items into tombstones (kept so that kiosks learn of the deletion)."""
    rows = list(s.scalars(select(FeedItem).where(FeedItem.feed == feed, FeedItem.id.in_(list(ids)),
                                                 FeedItem.deleted.is_(False))))
    if not rows:
        return 0
    now = _now()
    for row, version in zip(rows, next_versions(s, feed, len(rows)), strict=True):
        row.version, row.deleted, row.data, row.updated_at = version, True, {}, now
    return len(rows)


def purge_tombstones(s: Session, feed: str, below_version: int) -> int:
    """Forget tombstones older than ``below_version``; cursors older than that expire."""
    from sqlalchemy import delete as sql_delete

    clock = _clock(s, feed)
    cond = (FeedItem.feed == feed, FeedItem.deleted.is_(True), FeedItem.version < below_version)
    top = s.scalar(select(FeedItem.version).where(*cond).order_by(FeedItem.version.desc()).limit(1))
    n = s.execute(sql_delete(FeedItem).where(*cond)).rowcount
    if top is not None:
        clock.purged_below = max(clock.purged_below, top)
    return n


def reset_epoch(s: Session, feed: str, epoch: str) -> None:
    _clock(s, feed).epoch = epoch


def encode_cursor(epoch: str, version: int, scratch: bool = False) -> str:
    return f"{epoch}.{version}" + (".s" if scratch else "")


def parse_cursor(cursor: str) -> tuple[str, int, bool]:
    scratch = cursor.endswith(".s")
    epoch, _, version = cursor.removesuffix(".s").rpartition(".")
    if not epoch or not version.isdigit() or len(cursor) > 200 or len(version) > 18:
        raise BadCursor(f"malformed cursor {cursor[:40]!r}")
    return epoch, int(version), scratch


#: Feeds whose items belong to one station: a kiosk is sent its own station's only.
STATION_SCOPED = ("service_requests", "interests")


def page_json(s: Session, feed: str, cursor: str | None, limit: int, station_id: str | None = None) -> bytes:
    """The page as protocol JSON, spliced from the stored JSON text (no decode and re-encode:
    this is most of the server's work in an initial pull). For a feed in ``STATION_SCOPED``,
    ``station_id`` keeps the other stations' items out (their tombstones carry only an id)."""
    import json

    from sqlalchemy import String, cast, or_

    clock = _clock(s, feed)
    after, scratch = _after(clock, feed, cursor)
    query = (select(FeedItem.id, FeedItem.version, FeedItem.deleted, cast(FeedItem.data, String))
             .where(FeedItem.feed == feed, FeedItem.version > after))
    if feed in STATION_SCOPED:
        query = query.where(or_(FeedItem.deleted, FeedItem.data["station_id"].as_string() == (station_id or "")))
    rows = s.execute(query.order_by(FeedItem.version).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1][1] if rows else max(after, 0)
    items = ",".join(f'{{"id":{json.dumps(r[0])},"version":{r[1]},"data":{r[3]}}}' for r in rows if not r[2])
    deleted = ",".join(f'{{"id":{json.dumps(r[0])},"version":{r[1]}}}' for r in rows if r[2])
    cur = json.dumps(encode_cursor(clock.epoch, last, scratch and more))
    return (f'{{"feed":"{feed}","items":[{items}],"deleted":[{deleted}],"cursor":{cur},'
            f'"more":{"true" if more else "false"}}}').encode()


def _after(clock: FeedClock, feed: str, cursor: str | None) -> tuple[int, bool]:
    after, scratch = 0, True
    if cursor:
        epoch, after, scratch = parse_cursor(cursor)
        # purged_below: the newest tombstone forgotten; a cursor before it may have missed a deletion
        if epoch != clock.epoch or (after < clock.purged_below and not scratch):
            raise CursorExpired(feed)
    return after, scratch


def _jsonable(v):  # noqa: ANN001, ANN202
    if isinstance(v, datetime):
        return v.replace(tzinfo=None).isoformat()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v
