from __future__ import annotations

import pytest

from tests.sync.centralserver import KIOSK, SECRET, STATION


@pytest.fixture(params=["sqlite", "postgresql"])
def central_backend(request) -> str:
    """Every sync test runs against central on both of its database engines."""
    return request.param


def make_client(url: str, secret: str = SECRET, kiosk_id: str = KIOSK):
    from kiosk.sync.client import CentralClient

    return CentralClient(url, kiosk_id, secret, connect_timeout_s=2, read_timeout_s=5)


def make_worker(store, url: str, **kw):
    from kiosk.store.outbox import OutboxCipher
    from kiosk.sync.worker import SyncWorker

    cipher = OutboxCipher.from_data_dir(store.path.parent)
    return SyncWorker(store, make_client(url), cipher, station_id=STATION, **kw)
