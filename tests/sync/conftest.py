from __future__ import annotations

import pytest

from tests.sync.centralserver import KIOSK, SECRET, STATION, running_central


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster for the whole session, or a skip saying why there is none."""
    from tests.sync.pg import PgCluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                    "scripts/ensure-system-deps installs the postgresql package")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -r requirements.lock)")
    cluster = PgCluster(bin_dir)
    try:
        cluster.start()
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def central_db_url(request, tmp_path):
    """The database URL of a fresh, empty central database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_database()
    yield cluster.url(name)
    cluster.drop_database(name)


@pytest.fixture
def central(central_db_url):
    with running_central(central_db_url) as c:
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
