from __future__ import annotations

import pytest

from tests.sync.centralserver import KIOSK, SECRET, STATION, running_central


@pytest.fixture
def central(tmp_path):
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as c:
        yield c


@pytest.fixture
def kiosk_store(tmp_path):
    from kiosk.store.engine import open_store

    s = open_store(tmp_path / "kiosk" / "kiosk.db")
    yield s
    s.close()


def make_client(url: str, secret: str = SECRET, kiosk_id: str = KIOSK):
    from kiosk.sync.client import CentralClient

    return CentralClient(url, kiosk_id, secret, connect_timeout_s=2, read_timeout_s=5)


def make_worker(store, url: str, **kw):
    from kiosk.store.outbox import OutboxCipher
    from kiosk.sync.worker import SyncWorker

    cipher = OutboxCipher.from_data_dir(store.path.parent)
    return SyncWorker(store, make_client(url), cipher, station_id=STATION, **kw)
