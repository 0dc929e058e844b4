"""Job fairs and the service catalogue: what is upcoming, in which order, and how the catalogue is searched."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import insert

from kiosk.core.catalogue import Catalogue
from kiosk.core.jobfairs import JobFairService
from kiosk.domain import demodata, receipts
from kiosk.domain.dates import when_text
from kiosk.domain.search import Station
from kiosk.store.models import CatalogueService, JobFair
from kiosk.sync import protocol as p

TODAY = date(2030, 3, 4)  # a Monday
ORIGIN = Station(lat=39.1325, lon=117.1895, district="和平区", area_type="urban")
STATION = SimpleNamespace(name="和平区南市街就业驿站", address="和平区南市街荣业大街56号", phone="022-2730 0000")


@pytest.fixture
def filled(store):
    with store.session() as s:
        s.execute(insert(JobFair), demodata.job_fairs(TODAY))
        s.execute(insert(CatalogueService), demodata.services(TODAY))
    return store


def test_demo_rows_match_the_protocol():
    for row in demodata.job_fairs(TODAY):
        p.JobFairItem.model_validate({k: v for k, v in row.items() if k != "version"})
    for row in demodata.services(TODAY):
        p.ServiceItem.model_validate({k: v for k, v in row.items() if k != "version"})


def test_when_text():
    assert when_text(datetime(2030, 3, 6, 9, 30), datetime(2030, 3, 6, 12, 30)) == "3月6日（周三）09:30-12:30"
    assert when_text(datetime(2030, 3, 2), datetime(2030, 3, 22)) == "3月2日 至 3月22日"


def test_upcoming_hides_past_and_cancelled_and_puts_the_nearest_first(filled):
    now = datetime(2030, 3, 4, 10, 0)
    fairs = JobFairService(filled, ORIGIN, lambda: now)
    views = fairs.upcoming()
    titles = [v.title for v in views]
    assert "冬季综合招聘会" not in titles
    on_site = [v for v in views if v.on_site]
    assert [v.distance_m for v in on_site] == sorted(v.distance_m for v in on_site)
    assert all(not v.on_site for v in views[len(on_site):])  # online ones after every place to go to
    online = next(v for v in views if v.kind == "线上")
    assert online.ongoing and "扫码" in online.distance_text
    with filled.session() as s:
        s.get(JobFair, on_site[0].id).status = "cancelled"
    assert on_site[0].id not in [v.id for v in fairs.upcoming()] and fairs.get(on_site[0].id) is None
    # at the very end of a fair it is gone
    last = max(views, key=lambda v: v.ends_at)
    assert JobFairService(filled, ORIGIN, lambda: last.ends_at).get(last.id) is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("sy", ["失业登记", "失业保险金申领"]),
    ("SYDJ", ["失业登记"]),
    ("shiye", ["失业登记", "失业保险金申领"]),
    ("dj", ["就业登记", "失业登记"]),
    # Chinese matches the name, the category and the summary; names beginning with it come first
    ("登记", ["就业登记", "失业登记", "一次性吸纳就业补贴", "高校毕业生就业服务"]),
    ("sy 保险", ["失业保险金申领"]),
    ("qqq", []),
])
def test_catalogue_search(filled, typed, expected):
    assert [v.name for v in Catalogue(filled).search(typed)] == expected


def test_names_starting_with_the_typed_letters_come_first(filled):
    got = [v.name for v in Catalogue(filled).search("jy")]
    assert got[0] == "就业登记" and got.index("就业见习") < got.index("灵活就业人员社保补贴")


def test_catalogue_fills_missing_pinyin(filled):
    with filled.session() as s:
        row = s.get(CatalogueService, "SVC-12")
        row.pinyin_initials = row.pinyin_full = ""
    assert [v.name for v in Catalogue(filled).search("datg")] == ["档案托管"]


def test_steps_keep_their_number_on_the_line(filled):
    v = Catalogue(filled).get("SVC-01")
    assert v.steps[0].startswith("1．") and all(". " not in s for s in v.steps)


def test_receipts_fit_the_paper_and_carry_the_qr(filled):
    fair = JobFairService(filled, ORIGIN, lambda: datetime(2030, 3, 4, 8)).upcoming()[0]
    r = receipts.job_fair(fair, "https://x/job-fairs/" + fair.id, STATION, datetime(2030, 3, 4, 8))
    assert r.kind == "job_fair" and r.ref == fair.id and fair.title in r.texts()
    assert [b.data for b in r.blocks if isinstance(b, receipts.QR)] == ["https://x/job-fairs/" + fair.id]
    assert "距本驿站" not in " ".join(r.texts())  # the key says 距离 already
    guide = Catalogue(filled).get("SVC-02")
    r = receipts.catalogue_service(guide, "https://x/services/SVC-02", STATION, datetime(2030, 3, 4, 8))
    texts = r.texts()
    assert "办理材料：" in texts and "□ 居民身份证或社会保障卡" in texts and "办理地点" in texts
    for b in r.blocks:
        if isinstance(b, receipts.KeyValue):
            assert all(receipts.text_width(line) <= 48 for line in receipts.kv_lines(b.key, b.value, 48))
