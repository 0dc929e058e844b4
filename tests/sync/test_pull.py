"""A kiosk with an empty database pulls the feeds from a real central service, then changes."""

from __future__ import annotations

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
