"""Central's nightly maintenance on a real database: old tombstones are forgotten, recent ones and
live items stay, and a kiosk whose cursor predates what was forgotten is told to reload."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from central import feeds
from central.maintenance import nightly
from central.models import FeedClock, FeedItem

NOW = datetime(2026, 12, 4, 3, 0)


def test_old_tombstones_go_recent_ones_stay_and_old_cursors_expire(db):
    with db.session() as s:
        feeds.put(s, "vacancies", [{"id": f"V{i}", "title": "保洁员"} for i in range(6)])
    with db.session() as s:
        cursor = feeds.encode_cursor(s.get(FeedClock, "vacancies").epoch, 6)
        feeds.delete(s, "vacancies", ["V0", "V1"])
    with db.session() as s:  # those two were deleted 40 days ago
        s.execute(update(FeedItem).where(FeedItem.id.in_(["V0", "V1"])).values(updated_at=NOW - timedelta(days=40)))
        feeds.delete(s, "vacancies", ["V2"])  # and this one today
    assert nightly(db, tombstone_days=30, now=NOW)["tombstones"]["vacancies"] == 2
    with db.session() as s:
        left = {(r.id, r.deleted) for r in s.scalars(select(FeedItem).where(FeedItem.feed == "vacancies"))}
        assert left == {("V2", True), ("V3", False), ("V4", False), ("V5", False)}
        with pytest.raises(feeds.CursorExpired):
            feeds.page_json(s, "vacancies", cursor, 100)  # it may have missed V0 and V1 going
        page = json.loads(feeds.page_json(s, "vacancies", None, 100))  # reloading whole works
        assert {i["id"] for i in page["items"]} == {"V3", "V4", "V5"}
    assert nightly(db, tombstone_days=30, now=NOW)["tombstones"]["vacancies"] == 0  # nothing twice


def test_the_command_prints_what_it_removed(tmp_path, db):
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "central", "--db", str(db.url), "maintain"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["tombstone_days"] == 30
