"""Applying feed pages to the kiosk database.

A page is checked whole against the protocol first, then applied in one transaction together
with its cursor (``store.feeds``, see ``kiosk.store.feed_tables``): a crash between pages
re-pulls one page, and an older version never overwrites a newer one, so a replayed page
changes nothing. After ``410 cursor_expired`` the kiosk marks its rows (version 0) and pulls
the feed from the start; rows still marked when the full pull ends are the ones the server no
longer has.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from kiosk.sync import protocol as p
from kiosk.sync.ports import SyncStore


class InvalidPage(ValueError):
    """A page whose items do not match the protocol; nothing of it is applied."""


@dataclass
class Applied:
    upserted: int
    deleted: int
    cursor: str
    more: bool


def cursor(store: SyncStore, feed: str) -> str | None:
    return store.feeds.cursor(feed)


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


def apply_page(store: SyncStore, page: p.FeedPage) -> Applied:
    rows = rows_of(page)
    deleted = [(t.id, t.version) for t in page.deleted]
    upserted, gone = store.feeds.apply(page.feed, rows, deleted, page.cursor)
    return Applied(upserted, gone, page.cursor, page.more)


def start_refetch(store: SyncStore, feed: str) -> None:
    """After 410: forget the cursor and mark every row as not yet seen again (one transaction)."""
    store.feeds.start_refetch(feed)


def finish_refetch(store: SyncStore, feed: str) -> int:
    """The full pull is done: rows still unseen were deleted on the server meanwhile."""
    return store.feeds.finish_refetch(feed)


def snapshot(store: SyncStore, feed: str) -> dict[str, int]:
    """id → version of every local row (tests compare this with the server's)."""
    return store.feeds.snapshot(feed)
