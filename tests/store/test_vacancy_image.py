"""Vacancy images: written from a pulled and indexed database, installed into a kiosk's own in
one transaction, refused (with nothing changed) when they are not exactly the kiosk's schema."""

from __future__ import annotations

import gzip
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert, text, update

from kiosk.domain import demodata, geo
from kiosk.domain.search import Scope, Station, make_query
from kiosk.store import search as S
from kiosk.store import vacancy_image as vi
from kiosk.store.engine import SCHEMA_HEAD
from kiosk.store.models import Vacancy
from tests.stores import file_store

TODAY = date(2026, 11, 24)
STATION = Station(39.1325, 117.1895, "和平区", "urban")
ROWS = list(demodata.vacancies(600, seed=11, today=TODAY))
QUERIES = ["保洁", "服务员", "bj", "司机", "会计", "厨"]


def _put(store, rows: list[dict], cursor: str) -> None:
    with store.session() as s:
        s.execute(insert(Vacancy), rows)
        s.execute(text("INSERT OR REPLACE INTO feed_cursors (feed, cursor, updated_at) VALUES "
                       "('vacancies', :c, '2026-11-24 03:00:00.000000')"), {"c": cursor})
    S.refresh_index(store)


@pytest.fixture
def built(store_template, tmp_path) -> Path:
    """A database that pulled the feed (and, as a careless builder might, holds other data too)."""
    store = file_store(store_template, tmp_path / "builder" / "kiosk.db")
    _put(store, ROWS, "1.600")
    with store.session() as s:
        s.execute(text("INSERT INTO settings (key, value) VALUES ('resident.note', '张三 13812345678')"))
        s.execute(text("INSERT OR REPLACE INTO feed_cursors (feed, cursor, updated_at) VALUES "
                       "('stations', '1.9', '2026-11-24 03:00:00.000000')"))
    path = store.path
    store.close()
    return path


@pytest.fixture
def image(built, tmp_path) -> vi.ImageFacts:
    return vi.write(built, tmp_path / "vacancies.image.gz")


def _unpacked(image: vi.ImageFacts, tmp_path: Path) -> Path:
    out = tmp_path / "unpacked.sqlite3"
    vi.unpack(image.path, out, max_bytes=1 << 30)
    return out


def _hits(store, station: Station = STATION, plan: S.Plan = S.Plan.AUTO) -> dict[str, list[str]]:
    out = {}
    for q in QUERIES:
        page = S.search(store, make_query(q, scope=Scope.CITY), station, today=TODAY, limit=100, plan=plan)
        out[q] = [page.total, *[h.id for h in page.hits]]
    return out


def test_write_says_what_the_image_holds(image):
    assert image.rows == len(ROWS)
    assert image.cursor == "1.600"
    assert image.schema_rev == SCHEMA_HEAD
    import hashlib

    assert hashlib.sha256(image.path.read_bytes()).hexdigest() == image.sha256
    assert image.size == image.path.stat().st_size


def test_an_image_holds_the_feed_and_nothing_else(image, tmp_path):
    conn = sqlite3.connect(_unpacked(image, tmp_path))
    try:
        assert conn.execute("SELECT count(*) FROM vacancies").fetchone()[0] == len(ROWS)
        assert conn.execute("SELECT count(*) FROM search_docs").fetchone()[0] == len(ROWS)
        assert conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
        assert conn.execute("SELECT feed FROM feed_cursors").fetchall() == [("vacancies",)]
    finally:
        conn.close()


def test_installed_image_searches_as_the_database_it_came_from(image, built, store_template, tmp_path):
    from kiosk.store.engine import open_store

    source = open_store(built)
    try:
        expected = _hits(source)
    finally:
        source.close()
    kiosk = file_store(store_template, tmp_path / "kiosk" / "kiosk.db")
    try:
        S.prepare(kiosk, STATION)  # the app does this at start: the station becomes the origin
        assert kiosk.feeds.install_image("vacancies", image.path, 1 << 30) == len(ROWS)
        assert kiosk.feeds.cursor("vacancies") == "1.600"
        assert not (tmp_path / "kiosk" / "vacancies-image.sqlite3").exists()
        with kiosk.engine.connect() as conn:
            dists = conn.execute(text("SELECT d.dist, d.lat, d.lon FROM search_docs d")).all()
            assert S.pending(conn) == 0
        assert len(dists) == len(ROWS)
        assert all(d == pytest.approx(geo.distance_m(STATION.lat, STATION.lon, lat, lon)) for d, lat, lon in dists)
        assert _hits(kiosk) == expected
        assert _hits(kiosk) == _hits(kiosk, plan=S.Plan.SCAN)
        assert any(v[0] for v in expected.values())
        # the triggers came back: a change after the install is indexed
        vid = ROWS[0]["id"]
        with kiosk.session() as s:
            s.execute(update(Vacancy).where(Vacancy.id == vid).values(title="量子计算驯养员", version=10_000))
        page = S.search(kiosk, make_query("量子计算驯养员", scope=Scope.CITY), STATION, today=TODAY)
        assert [h.id for h in page.hits] == [vid]
    finally:
        kiosk.close()


def test_an_image_replaces_what_the_kiosk_had(image, store_template, tmp_path):
    kiosk = file_store(store_template, tmp_path / "kiosk" / "kiosk.db")
    try:
        old = list(demodata.vacancies(50, seed=99, today=TODAY))
        for r in old:
            r["id"] = "OLD" + r["id"][3:]
        _put(kiosk, old, "1.50")
        kiosk.feeds.install_image("vacancies", image.path, 1 << 30)
        assert set(kiosk.feeds.snapshot("vacancies")) == {r["id"] for r in ROWS}
        with kiosk.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM search_docs WHERE vacancy_id LIKE 'OLD%'")).scalar() == 0
    finally:
        kiosk.close()


def _filtered(kiosk, plan: S.Plan) -> list[list]:
    out = []
    for district in sorted({r["district"] for r in ROWS}) + ["旧区3", "新区"]:
        for text_, types in (("员", ()), ("bj", ("全职",)), ("服务员", ("兼职", "全职"))):
            q = make_query(text_, scope=Scope.DISTRICT, district=district, job_types=types)
            if plan is S.Plan.AUTO:
                with kiosk.engine.connect() as conn:
                    assert S._marked_match(conn, q, STATION, TODAY) is not None
            page = S.search(kiosk, q, STATION, today=TODAY, limit=100, plan=plan)
            out.append([district, text_, page.total, *[h.id for h in page.hits]])
    return out


def test_an_image_brings_the_codes_its_marks_were_made_with(image, store_template, tmp_path, monkeypatch):
    """The kiosk numbered other districts first, so its codes differ from the image's: the
    image's codes come with its index, and a change after the install is marked with them."""
    monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", 10**9)
    kiosk = file_store(store_template, tmp_path / "kiosk" / "kiosk.db")
    try:
        old = list(demodata.vacancies(50, seed=99, today=TODAY))
        for i, r in enumerate(old):
            r.update(id="OLD" + r["id"][3:], district=f"旧区{i}")
        _put(kiosk, old, "1.50")
        S.prepare(kiosk, STATION)
        kiosk.feeds.install_image("vacancies", image.path, 1 << 30)
        with kiosk.engine.connect() as conn:
            assert not conn.execute(text("SELECT count(*) FROM search_mark_codes WHERE value LIKE '旧区%'")).scalar()
        assert _filtered(kiosk, S.Plan.AUTO) == _filtered(kiosk, S.Plan.SCAN)
        with kiosk.session() as s:
            for i, district in enumerate(("旧区3", "新区")):
                ids = [r["id"] for r in ROWS[i * 40:(i + 1) * 40]]
                s.execute(update(Vacancy).where(Vacancy.id.in_(ids)).values(district=district, version=10_000))
        found = _filtered(kiosk, S.Plan.AUTO)
        assert found == _filtered(kiosk, S.Plan.SCAN)
        assert all(row[2] for row in found if row[0] == "新区" and row[1] == "员")
    finally:
        kiosk.close()


def _refused(kiosk, path: Path, words: str) -> None:
    before = (kiosk.feeds.snapshot("vacancies"), kiosk.feeds.cursor("vacancies"))
    with pytest.raises(vi.ImageError, match=words):
        kiosk.feeds.install_image("vacancies", path, 1 << 30)
    assert (kiosk.feeds.snapshot("vacancies"), kiosk.feeds.cursor("vacancies")) == before
    assert before[0]
    with kiosk.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    assert {"vacancies_search_ai", "vacancies_search_au", "vacancies_search_ad"} <= names
    page = S.search(kiosk, make_query("保洁", scope=Scope.CITY), STATION, today=TODAY)
    assert page.total == S.search(kiosk, make_query("保洁", scope=Scope.CITY), STATION, today=TODAY,
                                  plan=S.Plan.SCAN).total


def repacked(gz: Path, tmp_path: Path, change: str) -> Path:
    """The image at ``gz`` with the SQL ``change`` applied inside, packed again."""
    raw = tmp_path / "raw.sqlite3"
    raw.write_bytes(gzip.decompress(gz.read_bytes()))
    conn = sqlite3.connect(raw)
    conn.executescript(change)
    conn.close()
    out = tmp_path / "changed.gz"
    out.write_bytes(gzip.compress(raw.read_bytes()))
    return out


@pytest.mark.parametrize(("change", "words"), [
    ("UPDATE alembic_version SET version_num = '0009'", "built at schema 0009"),
    ("DROP TABLE alembic_version", "not a kiosk database"),
    ("CREATE INDEX ix_extra ON vacancies (title)", "tables differ.*ix_extra"),
    ("DROP TABLE search_details; CREATE TABLE search_details (docid INTEGER PRIMARY KEY, details BLOB)",
     "tables differ.*search_details"),
    ("DELETE FROM feed_cursors", "no vacancy cursor"),
])
def test_an_image_of_another_schema_is_refused_and_nothing_changes(image, store_template, tmp_path, change, words):
    kiosk = file_store(store_template, tmp_path / "kiosk" / "kiosk.db")
    try:
        _put(kiosk, list(demodata.vacancies(40, seed=5, today=TODAY)), "1.40")
        _refused(kiosk, repacked(image.path, tmp_path, change), words)
    finally:
        kiosk.close()


def test_broken_files_are_refused_and_nothing_changes(image, store_template, tmp_path):
    kiosk = file_store(store_template, tmp_path / "kiosk" / "kiosk.db")
    try:
        _put(kiosk, list(demodata.vacancies(40, seed=5, today=TODAY)), "1.40")
        cut = tmp_path / "cut.gz"
        cut.write_bytes(image.path.read_bytes()[: image.size // 2])
        _refused(kiosk, cut, "not a whole gzip file")
        plain = tmp_path / "plain.gz"
        plain.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        _refused(kiosk, plain, "not a whole gzip file")
        junk = tmp_path / "junk.gz"
        junk.write_bytes(gzip.compress(b"not a database at all " * 500))
        _refused(kiosk, junk, "cannot be (opened|read)")
        with pytest.raises(vi.ImageError, match="more than 1000 bytes"):
            kiosk.feeds.install_image("vacancies", image.path, 1000)
    finally:
        kiosk.close()


def test_no_image_of_an_unindexed_database(built, tmp_path):
    conn = sqlite3.connect(built)
    conn.execute("INSERT INTO search_dirty (vacancy_id) VALUES (?)", (ROWS[0]["id"],))
    conn.commit()
    conn.close()
    with pytest.raises(vi.ImageError, match="not indexed yet"):
        vi.write(built, tmp_path / "v.gz")
    assert not (tmp_path / "v.gz").exists()


def test_an_in_memory_kiosk_takes_no_image(image, store):
    assert store.feeds.image_path("vacancies") is None
    with pytest.raises(vi.ImageError, match="no image here"):
        store.feeds.install_image("vacancies", image.path, 1 << 30)


def test_an_image_carries_each_index_in_one_segment(store_template, tmp_path):
    store = file_store(store_template, tmp_path / "builder" / "kiosk.db")
    _put(store, ROWS[:300], "1.300")
    _put(store, ROWS[300:], "1.600")  # a pull indexes page by page
    with store.session() as s:
        s.execute(update(Vacancy).where(Vacancy.id.in_([r["id"] for r in ROWS[:40]])).values(title="保洁员"))
    S.refresh_index(store)
    assert S.segments(store) > 1 and S.segments(store, "search_trigram") > 1
    before = _hits(store)
    path = store.path
    store.close()
    image = vi.write(path, tmp_path / "vacancies.image.gz")
    kiosk = file_store(store_template, tmp_path / "kiosk" / "kiosk.db")
    try:
        vi.install(kiosk.path, _unpacked(image, tmp_path))
        assert S.segments(kiosk) == S.segments(kiosk, "search_trigram") == 1
        assert _hits(kiosk) == before
    finally:
        kiosk.close()
