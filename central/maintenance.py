"""Central's nightly maintenance (``python -m central maintain``, deploy/systemd's timer).

- **Tombstones**: a deleted feed item is kept as a tombstone so kiosks that pulled it learn it is
  gone. After ``tombstone_days`` they are forgotten; a kiosk whose cursor is older than the newest
  forgotten one is told its cursor expired and reloads that feed whole (the protocol's
  ``CursorExpired``), so a kiosk offline for longer than that still ends up right.
- **Nonces** older than the signature window can no longer be replayed and go.
- **The fleet's history**: heartbeat samples older than ``central.fleet.HISTORY_DAYS``.

Events are never deleted here: they are the workload ledger's records.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from central import fleet
from central.auth import purge_old_nonces
from central.db import Database
from central.feeds import purge_tombstones
from central.models import FeedClock, FeedItem

TOMBSTONE_DAYS = 30


def nightly(db: Database, tombstone_days: int = TOMBSTONE_DAYS, now: datetime | None = None) -> dict:
    """Run it; returns what was removed (for the log and the command's JSON)."""
    cutoff = (now or datetime.now(UTC)).replace(tzinfo=None) - timedelta(days=tombstone_days)
    removed: dict[str, int] = {}
    with db.session() as s:
        for feed in s.scalars(select(FeedClock.feed)).all():
            top = s.scalar(select(func.max(FeedItem.version)).where(
                FeedItem.feed == feed, FeedItem.deleted.is_(True), FeedItem.updated_at < cutoff))
            removed[feed] = purge_tombstones(s, feed, top + 1) if top is not None else 0
        nonces = purge_old_nonces(s)
        samples = fleet.purge_history(s, now)
    return {"tombstones": removed, "nonces": nonces, "tombstone_days": tombstone_days, "fleet_samples": samples}
