"""Job fairs and the service catalogue come down from a real central service; tombstones remove them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from central import feeds as central_feeds
from central.models import FeedItem
from central.seed import seed
from kiosk.core.catalogue import Catalogue
from kiosk.core.jobfairs import JobFairService
from kiosk.domain.search import Station
from kiosk.store.models import CatalogueService, JobFair
from kiosk.sync import feeds
from kiosk.sync import protocol as p
from tests.sync.conftest import make_worker
from tests.sync.test_pull import server_snapshot

TODAY = date(2030, 3, 4)  # a Monday
ORIGIN = Station(lat=39.1325, lon=117.1895, district="和平区", area_type="urban")


def test_fairs_and_catalogue_arrive_change_and_go(central, kiosk_store):
    seed(central.db, 50, today=TODAY)
    worker = make_worker(kiosk_store, central.url, page_size=7)  # several pages per feed
    worker.run_once()
    for feed in ("job_fairs", "services"):
        assert feeds.snapshot(kiosk_store, feed) == server_snapshot(central.db, feed), feed
    fairs = JobFairService(kiosk_store, ORIGIN, lambda: datetime(2030, 3, 4, 8, 0))
    upcoming = fairs.upcoming()
    assert upcoming and all(v.ends_at > datetime(2030, 3, 4, 8, 0) for v in upcoming)
    assert "冬季综合招聘会" not in [v.title for v in upcoming]
    catalogue = Catalogue(kiosk_store)
    assert [v.name for v in catalogue.search("sy")] == ["失业登记", "失业保险金申领"]

    fair_ids = sorted(server_snapshot(central.db, "job_fairs"))
    with central.db.session() as s:
        row = s.get(FeedItem, ("services", "SVC-02"))
        central_feeds.put(s, "services", [dict(row.data, summary="失业后请先登记")])
        central_feeds.delete(s, "services", ["SVC-12"])
        central_feeds.delete(s, "job_fairs", fair_ids[:2])
    assert worker.pull("services") == 2 and worker.pull("job_fairs") == 2
    with kiosk_store.read() as s:
        assert s.get(CatalogueService, "SVC-02").summary == "失业后请先登记"
        assert s.get(CatalogueService, "SVC-12") is None
        assert s.scalars(select(JobFair.id).where(JobFair.id.in_(fair_ids[:2]))).all() == []
    assert "档案托管" not in [v.name for v in catalogue.search()]
    assert not {v.id for v in fairs.upcoming()} & set(fair_ids[:2])
    assert fairs.get(fair_ids[0]) is None
    for feed in ("job_fairs", "services"):
        assert feeds.snapshot(kiosk_store, feed) == server_snapshot(central.db, feed), feed


def test_a_page_with_a_bad_fair_is_refused_whole(kiosk_store):
    good = {"id": "JF1", "title": "招聘会", "starts_at": "2030-03-05T09:30:00", "ends_at": "2030-03-05T12:00:00",
            "updated_at": "2030-03-01T00:00:00"}
    bad = dict(good, id="JF2", kind="露天")  # not a fair format
    page = p.FeedPage(feed="job_fairs", items=[p.FeedEntry(id="JF1", version=1, data=good),
                                               p.FeedEntry(id="JF2", version=2, data=bad)],
                      deleted=[], cursor="1.2", more=False)
    with pytest.raises(feeds.InvalidPage, match="JF2: kind"):
        feeds.apply_page(kiosk_store, page)
    assert feeds.snapshot(kiosk_store, "job_fairs") == {}


def test_a_fair_time_with_an_offset_is_stored_as_tianjin_time(kiosk_store):
    item = {"id": "JF1", "title": "招聘会", "starts_at": "2030-03-05T01:30:00Z", "ends_at": "2030-03-05T04:00:00Z",
            "updated_at": "2030-03-01T00:00:00"}
    feeds.apply_page(kiosk_store, p.FeedPage(feed="job_fairs", items=[p.FeedEntry(id="JF1", version=1, data=item)],
                                             deleted=[], cursor="1.1", more=False))
    with kiosk_store.read() as s:
        row = s.get(JobFair, "JF1")
        assert (row.starts_at, row.ends_at) == (datetime(2030, 3, 5, 9, 30), datetime(2030, 3, 5, 12, 0))
        assert row.lat is None and row.kind == "线下"
