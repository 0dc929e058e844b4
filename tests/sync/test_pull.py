"""A kiosk with an empty database pulls the feeds from a real central service, then changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from central import feeds as central_feeds
from central.models import FeedItem
from central.seed import seed
from kiosk.sync import feeds
from tests.sync.conftest import make_worker


def server_snapshot(db, feed: str) -> dict[str, int]:
    with db.session() as s:
        return dict(s.execute(select(FeedItem.id, FeedItem.version).where(FeedItem.feed == feed,
                                                                          FeedItem.deleted.is_(False))).all())


def test_empty_kiosk_pulls_everything_then_changes_and_deletions(central, kiosk_store):
    seed(central.db, 2500)
    worker = make_worker(kiosk_store, central.url, page_size=400)
    worker.run_once()
    for feed in ("vacancies", "stations", "announcements"):
        assert feeds.snapshot(kiosk_store, feed) == server_snapshot(central.db, feed), feed
    assert len(feeds.snapshot(kiosk_store, "vacancies")) == 2500

    ids = sorted(server_snapshot(central.db, "vacancies"))
    with central.db.session() as s:
        row = s.get(FeedItem, ("vacancies", ids[0]))
        changed = dict(row.data, title="新的岗位名称")
        central_feeds.put(s, "vacancies", [changed])
        central_feeds.delete(s, "vacancies", ids[1:4])
    changed_rows = worker.pull("vacancies")
    assert changed_rows == 4
    local = feeds.snapshot(kiosk_store, "vacancies")
    assert local == server_snapshot(central.db, "vacancies")
    assert not set(ids[1:4]) & set(local)
    from kiosk.store.models import Vacancy

    with kiosk_store.read() as s:
        assert s.get(Vacancy, ids[0]).title == "新的岗位名称"
    assert worker.pull("vacancies") == 0  # nothing new: an empty page


@pytest.mark.parametrize("central_backend", ["sqlite"], indirect=False)
def test_each_page_is_searchable_as_it_is_applied(central, kiosk_store):
    """An initial pull indexes every page in the transaction that applies it: nothing is left
    for a build afterwards, and the index answers as one built from scratch."""
    from datetime import date

    from kiosk.domain.search import Scope, Station, make_query
    from kiosk.store import search as S

    seed(central.db, 600)
    station = Station(39.12, 117.2, "和平区", "urban")
    S.prepare(kiosk_store, station)  # as the app does at start, on an empty index
    worker = make_worker(kiosk_store, central.url, page_size=200)
    pending = []
    worker.on_page = lambda _feed, _n: pending.append(S.pending(kiosk_store))
    assert worker.pull("vacancies") == 600
    assert pending == [0, 0, 0]
    queries = [make_query(t, scope=Scope.CITY) for t in ("工", "保洁", "服务员", "bj")]
    paged = [S.search_ids(kiosk_store, q, station, today=date.today()) for q in queries]
    S.rebuild_index(kiosk_store)
    assert paged == [S.search_ids(kiosk_store, q, station, today=date.today()) for q in queries]
    assert all(paged)


def test_expired_cursor_refetches_and_drops_rows_the_server_lost(central, kiosk_store):
    seed(central.db, 300)
    worker = make_worker(kiosk_store, central.url, page_size=100)
    worker.run_once()
    ids = sorted(server_snapshot(central.db, "vacancies"))
    with central.db.session() as s:
        central_feeds.delete(s, "vacancies", ids[:10])
        top = s.scalar(select(FeedItem.version).order_by(FeedItem.version.desc()).limit(1))
        central_feeds.purge_tombstones(s, "vacancies", top + 1)  # the tombstones are gone too
    worker.pull("vacancies")
    assert feeds.snapshot(kiosk_store, "vacancies") == server_snapshot(central.db, "vacancies")
    assert len(feeds.snapshot(kiosk_store, "vacancies")) == 290


def test_residents_words_and_groups_come_with_the_feed_and_an_imported_vacancy_is_found_by_them(central, kiosk_store,
                                                                                              tmp_path):
    """The producer fills search_terms and job_group (central's import here); the kiosk searches them as sent."""
    from datetime import date, timedelta

    from central.importer import import_file
    from kiosk.domain.search import Scope, Station, make_query
    from kiosk.store import search as S
    from kiosk.store.models import Vacancy

    today = date.today()
    csv = tmp_path / "v.csv"
    csv.write_text(
        "id,title,category,employer,district,street,address,lat,lon,salary_min,salary_max,job_type,posted_on,expires_on\n"
        f"IMP1,育婴员,家政服务,天津某家政公司,和平区,南市街道,荣业大街1号,39.13,117.19,5000,8000,全职,{today},"
        f"{today + timedelta(days=30)}\n", encoding="utf-8")
    assert import_file(central.db, csv).imported == 1
    worker = make_worker(kiosk_store, central.url, page_size=100)
    worker.run_once()
    with kiosk_store.read() as s:
        v = s.get(Vacancy, "IMP1")
        assert v.job_group == "家政服务" and {"月嫂", "yuesao", "ys", "保姆"} <= set(v.search_terms.split())
    station = Station(39.13, 117.19, "和平区", "urban")
    for typed in ("月嫂", "yuesao", "保姆"):
        res = S.search(kiosk_store, make_query(typed, scope=Scope.CITY), station, today=today)
        assert [h.id for h in res.hits] == ["IMP1"] and "育婴员" in res.also, typed
    assert S.group_counts(kiosk_store, make_query(scope=Scope.CITY), station, today=today)["家政服务"] == 1
