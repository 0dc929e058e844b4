"""What sync needs from the kiosk's database, as protocols: the feed tables it fills, the outbox it
drains, and a few settings (config ETag, calls cursor).

Sync imports no store module: ``kiosk.store.engine.Store`` satisfies ``SyncStore`` (its ``feeds``
and ``outbox`` are ``kiosk.store.feed_tables.FeedTables`` and ``kiosk.store.outbox.OutboxQueue``),
and the app hands it in.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol


class FeedTables(Protocol):
    def cursor(self, feed: str) -> str | None: ...

    def apply(self, feed: str, rows: list[dict], deleted: Iterable[tuple[str, int]],
              cursor: str) -> tuple[int, int]: ...

    def start_refetch(self, feed: str) -> None: ...

    def finish_refetch(self, feed: str) -> int: ...

    def snapshot(self, feed: str) -> dict[str, int]: ...

    def refresh_index(self) -> None: ...

    def image_path(self, feed: str) -> Path | None: ...

    def schema_rev(self) -> str: ...

    def install_image(self, feed: str, gz_path: Path, max_bytes: int) -> int: ...


class OutboxQueue(Protocol):
    def pending_count(self) -> int: ...

    def oldest_pending_age_s(self) -> float: ...

    def pending(self, cipher: PayloadCipher | None, size: int) -> tuple[list[dict], list[str]]: ...

    def record(self, results: dict[str, tuple[str, str]], unreadable: list[str]) -> tuple[int, int]: ...


class PayloadCipher(Protocol):
    """Opens a personal payload sealed for one event (``kiosk.store.outbox.OutboxCipher``)."""

    def open(self, event_id: str, blob: bytes) -> bytes: ...


class SyncStore(Protocol):
    @property
    def feeds(self) -> FeedTables: ...

    @property
    def outbox(self) -> OutboxQueue: ...

    def get_setting(self, key: str, default: str = "") -> str: ...

    def set_setting(self, key: str, value: str) -> None: ...
