"""The vacancy image on central: ``python -m central vacancy-image publish`` checks a file and
offers it, and signed kiosks read it from ``/feeds/vacancies/image`` and ``…/image/data`` while
its cursor is current (docs/PROTOCOL.md, "Vacancy image"). The routes are tested on the real
service over HTTP with the kiosk's own client, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import hashlib
import os
import secrets
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from central import feed_images, feeds
from central.__main__ import main as central_main
from central.models import AuditEntry, FeedImage
from kiosk.sync import protocol as p
from kiosk.sync.client import Refused
from tests.sync.centralserver import KIOSK, SECRET
from tests.sync.conftest import make_client

IMAGE = f"{p.PREFIX}/feeds/vacancies/image"
DATA = f"{IMAGE}/data"


@pytest.fixture(params=["sqlite", "postgresql"])
def central_backend(request) -> str:
    return request.param


def seed(db, n: int = 5) -> str:  # noqa: ANN001
    """Put ``n`` vacancies in central's feed; returns the cursor that reaches the last of them."""
    with db.session() as s:
        feeds.put(s, "vacancies", [{"id": f"v{i}", "title": f"岗位{i}"} for i in range(n)])
    with db.session() as s:
        page = feeds.page_json(s, "vacancies", None, 1000)
    return p.FeedPage.model_validate_json(page).cursor


def kiosk_db(path: Path, *, cursor: str | None, rows: int = 3, schema_rev: str | None = "0011",
             updated_at: str = "2026-12-04 03:00:00.000000", tables: tuple[str, ...] = ("alembic_version",
             "feed_cursors", "vacancies", "vacancy_search")) -> Path:
    """A small kiosk database as the image build leaves it (only what central reads)."""
    con = sqlite3.connect(path)
    if "alembic_version" in tables:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        if schema_rev is not None:
            con.execute("INSERT INTO alembic_version VALUES (?)", (schema_rev,))
    if "feed_cursors" in tables:
        con.execute("CREATE TABLE feed_cursors (feed VARCHAR(40) PRIMARY KEY, cursor VARCHAR(200) NOT NULL, "
                    "updated_at DATETIME NOT NULL)")
        con.execute("INSERT INTO feed_cursors VALUES ('stations', '1.3', ?)", (updated_at,))
        if cursor is not None:
            con.execute("INSERT INTO feed_cursors VALUES ('vacancies', ?, ?)", (cursor, updated_at))
    if "vacancies" in tables:
        con.execute("CREATE TABLE vacancies (id VARCHAR(64) PRIMARY KEY, title TEXT)")
        con.executemany("INSERT INTO vacancies VALUES (?, ?)", [(f"v{i}", f"岗位{i}") for i in range(rows)])
    if "vacancy_search" in tables:
        con.execute("CREATE VIRTUAL TABLE vacancy_search USING fts5(title)")
    con.commit()
    con.close()
    return path


def image(tmp: Path, name: str = "image.sqlite.gz", **kw) -> Path:
    """The kiosk database of ``kiosk_db(**kw)``, gzip-compressed."""
    raw = kiosk_db(tmp / f"{name}.raw", **kw)
    out = tmp / name
    out.write_bytes(gzip.compress(raw.read_bytes()))
    raw.unlink()
    return out


def publish(db, path: Path) -> FeedImage:  # noqa: ANN001
    with db.session() as s:
        row = feed_images.publish(s, path, by="test")
        s.expunge(row)
    return row


def signed_get(url: str, path: str) -> requests.Response:
    ts, nonce = f"{time.time():.3f}", secrets.token_hex(16)
    return requests.get(url + path, timeout=10, headers={
        p.H_KIOSK: KIOSK, p.H_TIMESTAMP: ts, p.H_NONCE: nonce,
        p.H_SIGNATURE: p.sign(SECRET, "GET", path, ts, nonce, b"")})


def refused(client, path: str) -> Refused:  # noqa: ANN001
    with pytest.raises(Refused) as e:
        client.call("GET", path, p.FeedImage)
    return e.value


# --- the routes, on the real service -------------------------------------------------------------

def test_a_published_image_is_offered_and_its_bytes_are_what_the_offer_says(central, tmp_path):
    cursor = seed(central.db)
    path = image(tmp_path, cursor=cursor, rows=4)
    stored = publish(central.db, path)
    client = make_client(central.url)

    offer, _ = client.call("GET", IMAGE, p.FeedImage)
    assert (offer.feed, offer.schema_rev, offer.rows, offer.cursor) == ("vacancies", "0011", 4, cursor)
    assert offer.size == path.stat().st_size
    assert offer.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == stored.sha256
    assert offer.built_at == datetime(2026, 12, 4, 3, 0, tzinfo=UTC)

    dest = tmp_path / "download.gz"
    assert client.download(DATA, dest, max_bytes=p.MAX_IMAGE_GZIP) == offer.size
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == offer.sha256
    (tmp_path / "unpacked.sqlite").write_bytes(gzip.decompress(dest.read_bytes()))
    con = sqlite3.connect(tmp_path / "unpacked.sqlite")
    assert con.execute("SELECT count(*) FROM vacancies").fetchone()[0] == 4
    con.close()

    resp = signed_get(central.url, DATA)
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/gzip"
    assert resp.headers["etag"] == f'"{offer.sha256}"'
    with central.db.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "vacancy_image_published")).all()
        assert [(a.record_id, a.user_name) for a in audit] == [("vacancies", "test")]
        assert cursor in audit[0].detail


def test_the_bytes_stream_in_parts_and_stop_short_if_the_image_is_replaced(central, tmp_path, monkeypatch):
    from central import feed_images

    monkeypatch.setattr(feed_images, "PART", 300)  # the service runs in this process
    cursor = seed(central.db)
    path = image(tmp_path, cursor=cursor, rows=40)
    assert path.stat().st_size > 3 * feed_images.PART
    publish(central.db, path)
    client = make_client(central.url)
    dest = tmp_path / "download.gz"
    assert client.download(DATA, dest, max_bytes=p.MAX_IMAGE_GZIP) == path.stat().st_size
    assert dest.read_bytes() == path.read_bytes()

    offer, _ = client.call("GET", IMAGE, p.FeedImage)
    stream = feed_images.parts(central.db, "vacancies", offer.sha256, offer.size)
    got = [next(stream), next(stream)]
    with central.db.session() as s:
        s.get(FeedImage, "vacancies").sha256 = "0" * 64  # replaced meanwhile: the rest is not sent
    assert list(stream) == []
    assert b"".join(got) == path.read_bytes()[:600]
    assert list(feed_images.parts(central.db, "vacancies", offer.sha256, offer.size)) == []


def test_no_image_another_feed_or_a_stale_one_is_a_404_saying_so(central, tmp_path):
    client = make_client(central.url)
    for path in (IMAGE, DATA):
        e = refused(client, path)
        assert (e.status, e.code) == (404, "not_found")
        assert "no vacancy image on central" in str(e)
    e = refused(client, f"{p.PREFIX}/feeds/stations/image")
    assert (e.status, e.code) == (404, "not_found") and "no image for feed stations" in str(e)
    e = refused(client, f"{p.PREFIX}/feeds/stations/image/data")
    assert e.status == 404 and "no image for feed stations" in str(e)
    e = refused(client, f"{p.PREFIX}/feeds/nosuch/image")
    assert e.status == 404 and "no feed 'nosuch'" in str(e)

    publish(central.db, image(tmp_path, cursor=seed(central.db)))
    assert client.call("GET", IMAGE, p.FeedImage)[0].rows == 3
    with central.db.session() as s:
        feeds.reset_epoch(s, "vacancies", "2")
    for path in (IMAGE, DATA):
        e = refused(client, path)
        assert e.status == 404 and "no vacancy image on central" in str(e)


def test_an_unsigned_request_is_refused(central, tmp_path):
    publish(central.db, image(tmp_path, cursor=seed(central.db)))
    for path in (IMAGE, DATA):
        resp = requests.get(central.url + path, timeout=10)
        assert resp.status_code == 401, path
        assert p.ErrorReply.model_validate_json(resp.content).error == "missing_auth"
        assert signed_get(central.url, path).status_code == 200


# --- publishing ---------------------------------------------------------------------------------

def test_a_second_image_replaces_the_first(db, tmp_path):
    first = publish(db, image(tmp_path, "first.gz", cursor=seed(db), rows=2))
    second_path = image(tmp_path, "second.gz", cursor=seed(db, 8), rows=8)
    second = publish(db, second_path)
    assert first.sha256 != second.sha256
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(FeedImage)) == 1
        on_offer = feed_images.current(s, "vacancies")
        assert (on_offer.rows, on_offer.cursor, on_offer.sha256) == (8, second.cursor, second.sha256)
        assert on_offer.data == second_path.read_bytes()
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "vacancy_image_published")) == 2


def test_built_at_is_the_file_time_when_the_cursor_row_does_not_say(db, tmp_path):
    path = image(tmp_path, cursor=seed(db), updated_at="yesterday")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    assert publish(db, path).built_at == datetime(2023, 11, 14, 22, 13, 20)
    path = image(tmp_path, "aware.gz", cursor=seed(db, 6), updated_at="2026-12-04T11:00:00+08:00")
    assert publish(db, path).built_at == datetime(2026, 12, 4, 3, 0)


def _cursor(db, how: str) -> str:  # noqa: ANN001
    cursor = seed(db)
    epoch, version, _ = feeds.parse_cursor(cursor)
    return {"malformed": "no-cursor", "scratch": cursor + ".s", "epoch": f"9{epoch}.{version}",
            "future": f"{epoch}.{version + 100}"}[how]


BAD = {
    "not gzip": (lambda db, t: kiosk_db(t / "plain.gz", cursor=seed(db)), "is not gzip-compressed"),
    "cut short": (lambda db, t: _cut(image(t, cursor=seed(db))), "is not a whole gzip file"),
    "not sqlite": (lambda db, t: _gz(t, b"id,title\nv1,x\n" * 100), "not an SQLite database"),
    "broken sqlite": (lambda db, t: _gz(t, b"SQLite format 3\x00" + b"\x07" * 8192), "cannot be read"),
    "no alembic_version": (lambda db, t: image(t, cursor=seed(db), tables=("feed_cursors", "vacancies")),
                           "no table alembic_version"),
    "no revision": (lambda db, t: image(t, cursor=seed(db), schema_rev=None), "does not hold one schema revision"),
    "no feed_cursors": (lambda db, t: image(t, cursor=seed(db), tables=("alembic_version", "vacancies")),
                        "no table feed_cursors"),
    "no vacancies": (lambda db, t: image(t, cursor=seed(db), tables=("alembic_version", "feed_cursors")),
                     "no table vacancies"),
    "no vacancy cursor": (lambda db, t: image(t, cursor=None), "no vacancies cursor"),
    "malformed cursor": (lambda db, t: image(t, cursor=_cursor(db, "malformed")), "malformed cursor"),
    "scratch cursor": (lambda db, t: image(t, cursor=_cursor(db, "scratch")), "ends in .s"),
    "other epoch": (lambda db, t: image(t, cursor=_cursor(db, "epoch")), "is of epoch 91"),
    "newer than the feed": (lambda db, t: image(t, cursor=_cursor(db, "future")), "beyond the feed's newest"),
}


def _cut(path: Path) -> Path:
    path.write_bytes(path.read_bytes()[:-40])
    return path


def _gz(tmp: Path, data: bytes) -> Path:
    path = tmp / "image.sqlite.gz"
    path.write_bytes(gzip.compress(data))
    return path


@pytest.mark.parametrize("case", list(BAD))
def test_a_file_that_is_no_current_vacancy_image_is_refused_with_the_reason(db, tmp_path, case):
    make, reason = BAD[case]
    path = make(db, tmp_path)
    with db.session() as s, pytest.raises(feed_images.ImageRefused) as e:
        feed_images.publish(s, path)
    assert reason in str(e.value)
    assert path.name in str(e.value)
    with db.session() as s:
        assert s.get(FeedImage, "vacancies") is None
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_an_image_older_than_the_forgotten_deletions_is_refused_and_stops_being_offered(db, tmp_path):
    old = seed(db)
    publish(db, image(tmp_path, "old.gz", cursor=old))
    with db.session() as s:
        feeds.delete(s, "vacancies", ["v1"])
    with db.session() as s:
        feeds.purge_tombstones(s, "vacancies", 10**6)
    with db.session() as s:
        assert s.get(FeedImage, "vacancies") is not None
        assert feed_images.current(s, "vacancies") is None
        with pytest.raises(feed_images.ImageRefused, match="older than the deletions"):
            feed_images.publish(s, image(tmp_path, "again.gz", cursor=old))


def test_too_big_a_file_or_too_big_a_database_is_refused(db, tmp_path, monkeypatch):
    path = image(tmp_path, cursor=seed(db))
    monkeypatch.setattr(p, "MAX_IMAGE_GZIP", path.stat().st_size - 1)
    with db.session() as s, pytest.raises(feed_images.ImageRefused, match=f"more than the {path.stat().st_size - 1}"):
        feed_images.publish(s, path)
    monkeypatch.setattr(p, "MAX_IMAGE_GZIP", path.stat().st_size)
    monkeypatch.setattr(p, "MAX_IMAGE_SQLITE", len(gzip.decompress(path.read_bytes())) - 1)
    with db.session() as s, pytest.raises(feed_images.ImageRefused, match="unpacks to more than"):
        feed_images.publish(s, path)
    monkeypatch.setattr(p, "MAX_IMAGE_SQLITE", len(gzip.decompress(path.read_bytes())))
    assert publish(db, path).rows == 3


# --- the command line ---------------------------------------------------------------------------

def test_the_command_publishes_shows_and_refuses(db, tmp_path, capsys):
    url = db.url
    assert central_main(["--db", url, "vacancy-image", "show"]) == 0
    assert "vacancy image: none" in capsys.readouterr().out

    bad = kiosk_db(tmp_path / "plain.gz", cursor=seed(db))
    assert central_main(["--db", url, "vacancy-image", "publish", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "refused:" in err and "plain.gz is not gzip-compressed" in err

    path = image(tmp_path, cursor=seed(db, 7), rows=7)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert central_main(["--db", url, "vacancy-image", "publish", str(path)]) == 0
    out = capsys.readouterr().out
    with db.session() as s:
        cursor = s.get(FeedImage, "vacancies").cursor
    for part in ("7 vacancies", f"{path.stat().st_size} bytes", f"cursor {cursor}", sha[:16], "schema 0011"):
        assert part in out, part

    assert central_main(["--db", url, "vacancy-image", "show"]) == 0
    out = capsys.readouterr().out
    assert "7 vacancies" in out and f"cursor {cursor}" in out and "not offered" not in out
    with db.session() as s:
        feeds.reset_epoch(s, "vacancies", "2")
    assert central_main(["--db", url, "vacancy-image", "show"]) == 0
    out = capsys.readouterr().out
    assert "not offered" in out and "the feed is at epoch 2" in out
