"""A new kiosk's first pull from central's vacancy image, against the real central service:
the image is installed, the changes since are pulled from its cursor, and every way the image
can be wrong ends in the plain paged pull with nothing lost."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from central import feed_images
from central import feeds as central_feeds
from central.models import FeedImage, FeedItem
from central.seed import seed
from kiosk.domain.search import Scope, Station, make_query
from kiosk.store import search as S
from kiosk.store.engine import open_store
from kiosk.store.vacancy_image import write
from kiosk.sync import feeds
from tests.store.test_vacancy_image import repacked
from tests.sync.conftest import make_worker
from tests.sync.test_pull import server_snapshot

VACANCIES = 700
STATION = Station(39.12, 117.2, "和平区", "urban")
QUERIES = ("工", "保洁", "服务员", "bj", "司机")


def _build_image(central, tmp_path: Path) -> Path:
    """What ``python -m kiosk vacancy-image build`` does: a kiosk database of its own pulls the
    feed page by page, is indexed, and is written out."""
    builder = open_store(tmp_path / "builder" / "kiosk.db")
    try:
        worker = make_worker(builder, central.url, page_size=300, take_images=False)
        assert worker.pull("vacancies") == len(server_snapshot(central.db, "vacancies"))
        S.refresh_index(builder)
    finally:
        builder.close()
    return write(tmp_path / "builder" / "kiosk.db", tmp_path / "vacancies.image.gz").path


def _publish(central, path: Path) -> None:
    with central.db.session() as s:
        feed_images.publish(s, path, by="test")


def _change_after_the_image(central) -> tuple[str, list[str]]:
    ids = sorted(server_snapshot(central.db, "vacancies"))
    with central.db.session() as s:
        row = s.get(FeedItem, ("vacancies", ids[0]))
        central_feeds.put(s, "vacancies", [dict(row.data, title="图像之后改名的岗位")])
        central_feeds.delete(s, "vacancies", ids[1:4])
    return ids[0], ids[1:4]


def _searches(store) -> list[list[str]]:
    return [S.search_ids(store, make_query(q, scope=Scope.CITY), STATION, today=date.today()) for q in QUERIES]


def _leftovers(store) -> list[str]:
    return sorted(p.name for p in store.path.parent.iterdir() if "image" in p.name)


def test_a_new_kiosk_installs_the_image_and_pulls_on_from_its_cursor(central, kiosk_store, tmp_path):
    seed(central.db, VACANCIES)
    _publish(central, _build_image(central, tmp_path))
    renamed, gone = _change_after_the_image(central)
    S.prepare(kiosk_store, STATION)  # as the app does at start, on an empty index
    worker = make_worker(kiosk_store, central.url, page_size=300)
    pages = []
    worker.on_page = lambda feed, n: pages.append((feed, n))
    assert worker.pull("vacancies") == VACANCIES + 4
    assert worker.images_installed == [("vacancies", VACANCIES)]
    assert pages[0] == ("vacancies", VACANCIES)
    local = feeds.snapshot(kiosk_store, "vacancies")
    assert local == server_snapshot(central.db, "vacancies")
    assert not set(gone) & set(local)
    from kiosk.store.models import Vacancy

    with kiosk_store.read() as s:
        assert s.get(Vacancy, renamed).title == "图像之后改名的岗位"
    found = _searches(kiosk_store)
    assert renamed in S.search_ids(kiosk_store, make_query("图像之后改名", scope=Scope.CITY), STATION,
                                   today=date.today())
    S.rebuild_index(kiosk_store)
    assert _searches(kiosk_store) == found
    assert all(found)
    assert worker.client.bad_replies == 0
    assert _leftovers(kiosk_store) == []
    assert worker.pull("vacancies") == 0  # on from the cursor: nothing new


def test_without_an_image_the_kiosk_pages_quietly(central, kiosk_store):
    seed(central.db, 300)
    worker = make_worker(kiosk_store, central.url, page_size=200)
    assert worker.pull("vacancies") == 300
    assert worker.images_installed == []
    assert worker.client.bad_replies == 0
    assert feeds.snapshot(kiosk_store, "vacancies") == server_snapshot(central.db, "vacancies")


@pytest.mark.parametrize("central_backend", ["sqlite"], indirect=False)
@pytest.mark.parametrize("fault", ["digest", "schema", "tables"])
def test_an_unusable_image_ends_in_the_paged_pull_with_nothing_lost(central, kiosk_store, tmp_path, fault):
    seed(central.db, VACANCIES)
    image = _build_image(central, tmp_path)
    if fault == "schema":
        image = repacked(image, tmp_path, "UPDATE alembic_version SET version_num = '0001'")
    elif fault == "tables":
        image = repacked(image, tmp_path, "CREATE INDEX ix_not_ours ON vacancies (employer)")
    _publish(central, image)
    if fault == "digest":
        with central.db.session() as s:  # the stored bytes no longer match the digest offered
            data = bytearray(s.get(FeedImage, "vacancies").data)
            data[len(data) // 2] ^= 0xFF
            s.execute(update(FeedImage).where(FeedImage.feed == "vacancies").values(data=bytes(data)))
    _change_after_the_image(central)
    worker = make_worker(kiosk_store, central.url, page_size=300)
    worker.pull("vacancies")
    assert worker.images_installed == []
    assert feeds.snapshot(kiosk_store, "vacancies") == server_snapshot(central.db, "vacancies")
    assert all(_searches(kiosk_store))
    assert _leftovers(kiosk_store) == []
    # a digest or a table off the protocol is a bad reply; another schema is only another version
    assert worker.client.bad_replies == (0 if fault == "schema" else 1)


@pytest.mark.parametrize("central_backend", ["sqlite"], indirect=False)
def test_an_expired_cursor_takes_the_image_in_place_of_the_old_rows(central, kiosk_store, tmp_path):
    seed(central.db, VACANCIES)
    worker = make_worker(kiosk_store, central.url, page_size=300)
    worker.pull("vacancies")
    assert worker.images_installed == []  # none on offer yet
    ids = sorted(server_snapshot(central.db, "vacancies"))
    with central.db.session() as s:
        central_feeds.delete(s, "vacancies", ids[:5])
        top = s.scalar(select(FeedItem.version).order_by(FeedItem.version.desc()).limit(1))
        central_feeds.purge_tombstones(s, "vacancies", top + 1)  # the kiosk's cursor is now too old
        central_feeds.put(s, "vacancies", [dict(s.get(FeedItem, ("vacancies", ids[5])).data, headcount=7)])
    _publish(central, _build_image(central, tmp_path))
    assert worker.pull("vacancies") == VACANCIES - 5
    assert worker.images_installed == [("vacancies", VACANCIES - 5)]
    assert feeds.snapshot(kiosk_store, "vacancies") == server_snapshot(central.db, "vacancies")
    assert all(_searches(kiosk_store))


def _vacancy_state(db: Path) -> tuple[int, int, str | None, int]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT count(*) FROM vacancies").fetchone()[0],
                conn.execute("SELECT count(*) FROM search_docs").fetchone()[0],
                (conn.execute("SELECT cursor FROM feed_cursors WHERE feed = 'vacancies'").fetchone() or (None,))[0],
                conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'vacancies'")
                .fetchone()[0])
    finally:
        conn.close()


def _kill_while_copying(proc, unpacked: Path, wal: Path, full: int) -> bool:
    """SIGKILL the process once the image is unpacked and the copy has written 1 MB into the
    database's log, i.e. in the middle of the install's transaction; False if it got past that
    first. Waits for states of the files, not for an amount of time."""
    import signal
    import time

    base = None
    while proc.poll() is None:
        try:
            size = unpacked.stat().st_size
        except FileNotFoundError:
            if base is not None:
                return False  # the install ended between two looks
            size = -1
        if base is None and size >= full:
            base = wal.stat().st_size if wal.exists() else 0
        if base is not None and wal.exists() and wal.stat().st_size > base + (1 << 20):
            proc.send_signal(signal.SIGKILL)
            return True
        time.sleep(0.001)
    return False


@pytest.mark.parametrize("central_backend", ["sqlite"], indirect=False)
@pytest.mark.timeout(900)
def test_a_kill_during_the_install_leaves_all_of_it_or_none(central, tmp_path):
    from tests.sync.test_kill import _sync_process

    seed(central.db, 3000)
    image = _build_image(central, tmp_path)
    _publish(central, image)
    full = int.from_bytes(image.read_bytes()[-4:], "little")  # gzip's ISIZE: the unpacked size
    landed = 0
    for attempt in range(5):
        data_dir = tmp_path / f"kiosk-{attempt}"
        proc = _sync_process(data_dir, central.url)
        killed = _kill_while_copying(proc, data_dir / "vacancies-image.sqlite3", data_dir / "kiosk.sqlite3-wal", full)
        proc.communicate(timeout=600)
        if not killed:
            continue
        landed += 1
        vacancies, docs, cursor, triggers = _vacancy_state(data_dir / "kiosk.sqlite3")
        assert (vacancies, docs) in ((0, 0), (3000, 3000)), (vacancies, docs)
        assert (cursor is None) == (vacancies == 0), cursor
        assert triggers == 3
        again = _sync_process(data_dir, central.url)
        _, err = again.communicate(timeout=600)
        assert again.returncode == 0, err.decode()[-2000:]
        store = open_store(data_dir / "kiosk.sqlite3")
        try:
            assert feeds.snapshot(store, "vacancies") == server_snapshot(central.db, "vacancies")
            assert all(_searches(store))
            assert _leftovers(store) == []
        finally:
            store.close()
        break
    assert landed, "no kill landed in the install's copy in five tries"


@pytest.mark.parametrize("central_backend", ["sqlite"], indirect=False)
def test_the_build_command_writes_an_image_central_offers(central, kiosk_store, tmp_path):
    import os
    import subprocess
    import sys

    from tests.sync.centralserver import KIOSK, SECRET
    from tests.sync.test_kill import ROOT

    seed(central.db, 400)
    out = tmp_path / "vacancies.image.gz"
    env = dict(os.environ, KIOSK__DATA_DIR=str(tmp_path / "builder-data"), KIOSK__CENTRAL__URL=central.url,
               KIOSK__CENTRAL__KIOSK_ID=KIOSK, KIOSK__CENTRAL__SECRET=SECRET, KIOSK__CENTRAL__ENABLED="true")
    done = subprocess.run([sys.executable, "-m", "kiosk", "vacancy-image", "build", "--out", str(out),
                           "--page-size", "150"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "400 vacancies" in done.stderr and "python -m central vacancy-image publish" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("vacancies")) == [out.name]
    _publish(central, out)
    worker = make_worker(kiosk_store, central.url)
    assert worker.pull("vacancies") == 400
    assert worker.images_installed == [("vacancies", 400)]
    assert all(_searches(kiosk_store))

    dead = dict(env, KIOSK__CENTRAL__URL="http://127.0.0.1:9")  # nothing listens on the discard port
    failed = subprocess.run([sys.executable, "-m", "kiosk", "vacancy-image", "build", "--out", str(tmp_path / "x.gz")],
                            cwd=ROOT, env=dead, capture_output=True, text=True, timeout=600)
    assert failed.returncode == 1 and "could not be pulled from http://127.0.0.1:9" in failed.stderr
    assert not (tmp_path / "x.gz").exists()
    unregistered = dict(env, KIOSK__CENTRAL__SECRET="")
    failed = subprocess.run([sys.executable, "-m", "kiosk", "vacancy-image", "build", "--out", str(tmp_path / "x.gz")],
                            cwd=ROOT, env=unregistered, capture_output=True, text=True, timeout=600)
    assert failed.returncode == 2 and "central.kiosk_id and central.secret must be set" in failed.stderr, failed.stderr
    assert "Traceback" not in failed.stderr


@pytest.mark.parametrize("central_backend", ["sqlite"], indirect=False)
def test_a_kiosk_short_of_disk_pages_instead(central, kiosk_store, tmp_path, monkeypatch, caplog):
    import shutil

    from kiosk.sync import images

    seed(central.db, 300)
    _publish(central, _build_image(central, tmp_path))
    offered = (tmp_path / "vacancies.image.gz").stat().st_size
    usage = shutil.disk_usage(kiosk_store.path.parent)
    monkeypatch.setattr(images.shutil, "disk_usage",
                        lambda _p: usage._replace(free=offered * images.DISK_FACTOR - 1))
    worker = make_worker(kiosk_store, central.url, page_size=200)
    assert worker.pull("vacancies") == 300
    assert worker.images_installed == []
    assert "needs about" in caplog.text
    assert feeds.snapshot(kiosk_store, "vacancies") == server_snapshot(central.db, "vacancies")
