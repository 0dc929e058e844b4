"""Sync with the central employment system (protocol v1, see docs/PROTOCOL.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.sync.ports import PayloadCipher, SyncStore
    from kiosk.sync.worker import SyncWorker


def make_worker(cfg: KioskConfig, store: SyncStore, cipher: PayloadCipher | None, **kw: Any) -> SyncWorker:
    """The sync worker for this kiosk's config (central URL, kiosk id and secret, timeouts)."""
    from kiosk.sync.client import CentralClient
    from kiosk.sync.worker import SyncWorker

    client = CentralClient(cfg.central.url, cfg.central.kiosk_id, cfg.central.secret,
                           connect_timeout_s=cfg.central.connect_timeout_s, read_timeout_s=cfg.central.read_timeout_s)
    return SyncWorker(store, client, cipher, station_id=cfg.station.id, **kw)
