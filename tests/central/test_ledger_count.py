"""The workload ledger checked against an independent count.

A seeded month of events at three stations goes to a real central over HTTP as signed kiosk
batches (some sent twice); this month, staff serve tickets at a counter and finish a home visit
and a proxy case through the console's HTTP pages, and an advisor marks a call-back 已回电. Every
figure of the CSV and XLSX exports (per station, per district, city-wide, last month and this
month) must equal what ``ledger_world.expected`` counted from the generator's own facts.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections import Counter
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from central import consult, ledger
from central.kiosks import register
from central.models import Interest, QueueTicket, ServiceRecord, StationConfig
from central.seed import DEFAULT_SERVICES
from central.staff_auth import add_staff
from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient
from tests.central.ledger_world import (
    ADMIN,
    ADVISOR,
    CHANNEL_NAMES,
    IDENTITY_NAMES,
    SECRET,
    STAFF,
    STATIONS,
    StaffBrowser,
    World,
    expected,
)
from tests.sync.centralserver import running_central

SEEDS = (20261, 7)
SERVICE_NAMES = {"job_registration": "求职登记", "career_guidance": "职业指导", "registration": "就业登记",
                 "video_consult": "视频咨询", "callback": "回电", "home_visit": "上门服务", "proxy": "代理服务",
                 "referral": "岗位推荐"}


def _setup(central) -> None:
    for sid, (district, name, kiosk) in STATIONS.items():
        register(central.db, kiosk, sid, SECRET)
        add_staff(central.db, sid, *STAFF)
    add_staff(central.db, "TJ-L-01", *ADMIN, role="admin")
    with central.db.session() as s:
        for sid, (district, name, _k) in STATIONS.items():
            s.add(StationConfig(station_id=sid, version=1, config={"name": name, "district": district,
                                                                     "services": DEFAULT_SERVICES}))
        consult.add_advisor(s, ADVISOR[0], ADVISOR[1], display_name=ADVISOR[2])


def push(central, events: dict[str, list[dict]], *, twice: bool = False) -> None:
    for kiosk, evs in events.items():
        # a month of events in batches of 100, as the kiosk sends them; a shared machine may be slow to answer
        client = CentralClient(central.url, kiosk, SECRET, connect_timeout_s=2, read_timeout_s=60)
        for i in range(0, len(evs), 100):
            batch = p.EventBatch(events=[p.EventIn(**e) for e in evs[i:i + 100]])
            for attempt in range(2 if twice and i == 0 else 1):
                reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=batch)
                want = "duplicate" if attempt else "accepted"
                bad = [r for r in reply.results if r.status != want]
                assert not bad, bad[:3]


def _interests(central, world: World) -> None:
    with central.db.session() as s:
        for station, status, at in world.interests:
            row = Interest(id=str(uuid.uuid4()), reference=uuid.uuid4().hex[:8].upper(), station_id=station,
                           vacancy_id="V1", channel="kiosk", person_key="pk", status=status, created_at=at,
                           updated_at=at)
            s.add(row)
            # what moving it there wrote: 岗位推荐 on the way, 推荐成功 at the end (not a service)
            if status in ("referred", "interview", "hired"):
                ledger.record_service(s, record_id=str(uuid.uuid4()), station_id=station, service="referral", at=at,
                                      channel="kiosk", ref_id=row.id)
            if status == "hired":
                ledger.record_service(s, record_id=str(uuid.uuid4()), station_id=station, service="referral_hired",
                                      at=at, channel="kiosk", ref_id=row.id, outcome="hired")


def _this_month_by_people(central, world: World) -> None:
    tickets = world.today_tickets("TJ-L-01")
    requests_ = world.today_requests("TJ-L-02")
    world.today_callback("TJ-L-03")
    push(central, world.take_events())
    staff = StaffBrowser(central.url, "TJ-L-01", *STAFF)
    for _ in tickets:
        assert staff.act("call-next")["ok"]
        assert staff.act("finish")["ok"]
    other = StaffBrowser(central.url, "TJ-L-02", *STAFF)
    for rid in requests_:
        other.request_action(rid, "accept")
        other.request_action(rid, "done")
    adv = requests.Session()
    assert adv.post(central.url + "/advisor/login", data={"login": ADVISOR[0], "password": ADVISOR[1]},
                    allow_redirects=False).status_code == 303
    token = re.search(r'<meta name="csrf" content="([^"]+)"', adv.get(central.url + "/advisor/").text).group(1)
    with central.db.session() as s:
        from central.models import CallbackRow

        row_id = s.scalars(select(CallbackRow.id)).one()
    r = adv.post(f"{central.url}/advisor/callbacks/{row_id}", data={"csrf": token, "action": "done", "note": ""},
                 allow_redirects=False)
    assert r.status_code == 303
    # marking it again changes nothing: the record is written once
    adv.post(f"{central.url}/advisor/callbacks/{row_id}", data={"csrf": token, "action": "done", "note": ""},
             allow_redirects=False)


def _csv(admin: StaffBrowser, month, scope: str) -> list[dict]:
    r = admin.get("/staff/ledger.csv", month=f"{month:%Y-%m}", scope=scope)
    assert r.status_code == 200, r.text[:300]
    assert r.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def _xlsx(admin: StaffBrowser, month, scope: str):
    from openpyxl import load_workbook

    r = admin.get("/staff/ledger.xlsx", month=f"{month:%Y-%m}", scope=scope)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(r.content))


def _num(text: str):  # noqa: ANN202
    return None if text == "" else float(text)


def _check_line(line: dict, e, before) -> None:  # noqa: ANN001
    assert int(line["服务人次"]) == e.services
    assert int(line["上月服务人次"]) == before.services
    assert int(line["登记人数"]) == e.registrations
    assert (int(line["推荐"]), int(line["录用"])) == (e.referred, e.hired)
    assert int(line["叫号数"]) == len(e.waits)
    if e.waits:
        assert _num(line["平均等候(分钟)"]) == pytest.approx(round(sum(e.waits) / len(e.waits), 1), abs=0.051)
    rated = sum(e.ratings.values())
    assert int(line["评价数"]) == rated
    if rated:
        assert _num(line["满意度(平均分)"]) == pytest.approx(
            round(sum(k * v for k, v in e.ratings.items()) / rated, 2), abs=0.0051)
        assert _num(line["满意率(%)"]) == pytest.approx(round(100 * (e.ratings[4] + e.ratings[5]) / rated, 1), abs=0.051)
    for code, name in CHANNEL_NAMES.items():
        assert int(line[f"渠道:{name}"]) == e.by_channel.get(code, 0), name
    for code, name in IDENTITY_NAMES.items():
        assert int(line[f"身份核验:{name}"]) == e.by_identity.get(code, 0), name


@pytest.mark.parametrize("seed", SEEDS)
def test_every_report_figure_equals_the_independent_count(central_db_url, seed):
    """On SQLite and PostgreSQL: the local day is computed in SQL, differently on each."""
    world = World(seed)
    with running_central(central_db_url) as central:
        _setup(central)
        push(central, world.take_events(), twice=True)
        _interests(central, world)
        _this_month_by_people(central, world)
        admin = StaffBrowser(central.url, "TJ-L-01", *ADMIN)
        with central.db.session() as s:
            today_waits = [(t.called_at - t.issued_at).total_seconds() / 60 for t in s.scalars(
                select(QueueTicket).where(QueueTicket.day >= world.current, QueueTicket.called_at.is_not(None)))]
            assert s.scalar(select(ServiceRecord).where(ServiceRecord.service == "callback")).channel == "phone"
        world.waits[("TJ-L-01", world.today)] = today_waits

        all_ids = set(STATIONS)
        scopes = {f"s:{sid}": {sid} for sid in STATIONS}
        scopes |= {"d:和平区": {"TJ-L-01", "TJ-L-02"}, "d:河西区": {"TJ-L-03"}, "city": all_ids}
        checked = 0
        for month in (world.last, world.current):
            before_month = (month - timedelta(days=1)).replace(day=1)
            for scope, ids in scopes.items():
                lines = _csv(admin, month, scope)
                total = lines[-1]
                assert total["类别"] == "合计"
                _check_line(total, expected(world, ids, month), expected(world, ids, before_month))
                for line in lines:
                    if line["类别"] == "驿站":
                        sid = line["驿站编号"]
                        _check_line(line, expected(world, {sid}, month), expected(world, {sid}, before_month))
                        checked += 1
                    elif line["类别"] == "区小计":
                        dist = {s for s, v in STATIONS.items() if v[0] == line["区"]}
                        _check_line(line, expected(world, dist, month), expected(world, dist, before_month))
                        checked += 1
                wb = _xlsx(admin, month, scope)
                e = expected(world, ids, month)
                by_service, by_day = Counter(), Counter()
                for sheet, into in ((wb["按业务"], by_service), (wb["按日"], by_day)):
                    rows = list(sheet.iter_rows(values_only=True))
                    for row in rows[1:]:
                        for head, n in zip(rows[0][3:], row[3:]):
                            into[head] += n
                assert +by_service == Counter({f"{SERVICE_NAMES.get(c, c)}（{c}）": n for c, n in e.by_service.items()})
                assert +by_day == Counter({d.isoformat(): n for d, n in e.by_day.items()})
                summary = list(wb["月报"].iter_rows(min_row=2, values_only=True))
                assert summary[-1][5] == e.services
        assert checked >= 12
        assert expected(world, all_ids, world.last).services > 100  # the month is not trivially small


def test_scope_and_bad_input(tmp_path):
    world = World(3)
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        _setup(central)
        staff = StaffBrowser(central.url, "TJ-L-01", *STAFF)
        assert staff.get("/staff/ledger").status_code == 200
        # another station, a district, the city: not for a station's staff
        for scope in ("s:TJ-L-02", "d:和平区", "city"):
            for path in ("/staff/ledger", "/staff/ledger.csv", "/staff/ledger.xlsx"):
                r = staff.get(path, scope=scope)
                assert r.status_code == 403, (path, scope)
                assert "不能查看" in r.text
        for bad in ("2026-13", "yesterday", "1999-01", "2026-1x"):
            r = staff.get("/staff/ledger.csv", month=bad)
            assert r.status_code == 400 and "月份不对" in r.text
        assert requests.get(central.url + "/staff/ledger.csv", allow_redirects=False).status_code == 303
        admin = StaffBrowser(central.url, "TJ-L-01", *ADMIN)
        assert admin.get("/staff/ledger", scope="s:NO-SUCH").status_code == 403
        assert admin.get("/staff/ledger", scope="d:没有的区").status_code == 403
        # a month with no data: an empty report (every station with zeros), not an error
        empty = _csv(admin, world.last.replace(year=world.last.year - 3), "city")
        kinds = [line["类别"] for line in empty]
        assert kinds[-1] == "合计" and kinds.count("区小计") == 3  # 和平区, 河西区 and the stations without one
        assert {line["驿站编号"] for line in empty if line["类别"] == "驿站"} >= set(STATIONS)
        assert all(line["服务人次"] == "0" and line["平均等候(分钟)"] == "" for line in empty)
        wb = _xlsx(admin, world.last.replace(year=world.last.year - 3), "d:河西区")
        assert [r[5] for r in wb["月报"].iter_rows(min_row=2, values_only=True)] == [0, 0]
        page = admin.get("/staff/ledger", month=f"{world.last.year - 3}-{world.last.month:02d}", scope="city")
        assert page.status_code == 200 and 'id="empty"' in page.text
