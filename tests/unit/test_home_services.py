"""上门服务 / 代理服务 rules: who may ask for a home visit, the windows, the address, one open request."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from kiosk.core.home_services import (
    Address,
    AlreadyOpen,
    Draft,
    HomeServiceDesk,
    RequestRefused,
    Window,
    check_eligibility,
    eligible_by_age,
    streets,
    windows,
    working_days,
)
from kiosk.domain.identity import Resident, check_char
from kiosk.store.models import OutboxEvent, ServiceRequest, ServiceRequestStatus
from kiosk.store.outbox import OutboxCipher, read_payload

OLD = "12010119560315002"
OLD += check_char(OLD)
YOUNG = "12010119900101001"
YOUNG += check_char(YOUNG)
NOW = datetime(2030, 1, 9, 10, 0)  # a Wednesday


def test_home_visits_are_for_residents_aged_60_or_who_declare_a_group():
    today = date(2030, 1, 9)
    assert eligible_by_age(date(1970, 1, 9), today)  # 60 today
    assert not eligible_by_age(date(1970, 1, 10), today)  # 60 tomorrow
    check_eligibility(date(1950, 5, 1), [], today)
    check_eligibility(date(1990, 1, 1), ["行动不便"], today)
    with pytest.raises(RequestRefused, match="60岁"):
        check_eligibility(date(1990, 1, 1), [], today)
    with pytest.raises(RequestRefused, match="没有这个选项"):
        check_eligibility(date(1990, 1, 1), ["退役军人"], today)


def test_windows_are_the_next_working_days_morning_and_afternoon():
    friday = date(2030, 1, 11)
    assert working_days(friday, 3) == [date(2030, 1, 14), date(2030, 1, 15), date(2030, 1, 16)]
    ws = windows(friday)
    assert len(ws) == 10 and ws[0] == Window(date(2030, 1, 14), "am") and ws[1].half == "pm"
    assert friday not in {w.day for w in ws} and all(w.day.weekday() < 5 for w in ws)
    assert ws[0].label == "1月14日（周一）上午"


def test_streets_are_the_station_district_with_its_own_street_first():
    names = streets("和平区", "南市街道")
    assert names[0] == "南市街道" and "五大道街道" in names and len(names) == len(set(names)) == 6
    assert streets("不存在区", "某街道") == ["某街道"]


def test_address_takes_digits_only_and_needs_building_and_room():
    allowed = ["南市街道"]
    a = Address("南市街道", "3", "", "501")
    a.check(allowed)
    assert a.text == "南市街道3号楼501室"
    for bad, why in ((Address("五大道街道", "3", "", "501"), "街道"), (Address("南市街道", "3", "", ""), "室号"),
                     (Address("南市街道", "3a", "", "501"), "数字"), (Address("南市街道", "0", "", "1"), "数字")):
        with pytest.raises(RequestRefused, match=why):
            bad.check(allowed)


@pytest.fixture
def desk(store, tmp_path):
    cipher = OutboxCipher.from_data_dir(tmp_path)
    return HomeServiceDesk(store, lambda: cipher, "TJ-HP-NSJ-01", "和平区", "南市街道", lambda: NOW), cipher


def _draft(kind: str = "home_visit", reason: str = "就业登记") -> Draft:
    return Draft(kind=kind, address=Address("南市街道", "3", "2", "501"), window=Window(date(2030, 1, 10), "pm"),
                 reason=reason, phone="13912345678")


def test_submit_commits_the_row_and_an_encrypted_event_and_only_one_open_request_per_kind(desk, store):
    d, cipher = desk
    old = Resident(OLD, date(1956, 3, 15))
    sub = d.submit(old, "pk-old", _draft())
    assert sub.reference.startswith("H") and len(sub.reference) == 8
    with store.read() as s:
        row = s.scalar(select(ServiceRequest))
        ev = s.scalar(select(OutboxEvent).where(OutboxEvent.type == "home_visit.requested"))
    assert row.reference == sub.reference and row.person_key == "pk-old" and row.status == "submitted"
    assert ev.encrypted and OLD.encode() not in ev.payload and b"13912345678" not in ev.payload
    pl = read_payload(ev, cipher)
    assert pl["id_number"] == OLD and pl["address_detail"] == "3号楼2单元501室" and pl["aged_60_plus"] is True
    assert pl["reference"] == sub.reference and pl["window_half"] == "pm"
    # a second home visit is refused and names the open one; a proxy request is still possible
    with pytest.raises(AlreadyOpen) as e:
        d.submit(old, "pk-old", _draft(reason="政策咨询"))
    assert e.value.existing.reference == sub.reference and sub.reference in str(e.value)
    proxy = d.submit(old, "pk-old", _draft("proxy", "代办档案转递"))
    assert proxy.reference.startswith("P") and "调档函" in "".join(proxy.documents)
    # once staff finished it (the feed says so), a new home visit may be asked for
    with store.session() as s:
        s.add(ServiceRequestStatus(id=sub.reference, version=3, kind="home_visit", station_id="TJ-HP-NSJ-01",
                                   status="done", updated_at=NOW))
    assert d.open_request("pk-old", "home_visit") is None
    assert sorted(v.status for v in d.mine("pk-old")) == ["done", "submitted"]
    d.submit(old, "pk-old", _draft(reason="政策咨询"))


def test_a_young_resident_needs_a_declared_group_and_cancel_needs_the_same_person(desk, store):
    d, _ = desk
    young = Resident(YOUNG, date(1990, 1, 1))
    with pytest.raises(RequestRefused, match="60岁"):
        d.submit(young, "pk-young", _draft())
    draft = _draft()
    draft.declared = ["残疾人"]
    sub = d.submit(young, "pk-young", draft)
    with pytest.raises(RequestRefused, match="没有找到"):
        d.cancel("pk-someone-else", sub.reference)
    view = d.cancel("pk-young", sub.reference)
    assert view.status == "cancelled" and not view.is_open
    with pytest.raises(RequestRefused, match="不能再取消"):
        d.cancel("pk-young", sub.reference)
    with store.read() as s:
        ev = s.scalar(select(OutboxEvent).where(OutboxEvent.type == "home_visit.cancelled"))
    assert not ev.encrypted and json.loads(ev.payload)["reference"] == sub.reference


def test_bad_drafts_are_refused_and_nothing_is_written(desk, store):
    d, _ = desk
    old = Resident(OLD, date(1956, 3, 15))
    for change, why in ((lambda x: setattr(x, "window", Window(date(2030, 1, 9), "am")), "时间"),
                        (lambda x: setattr(x, "reason", "代办档案转递"), "事项"),
                        (lambda x: setattr(x, "phone", "1391234"), "手机")):
        draft = _draft()
        change(draft)
        with pytest.raises(RequestRefused, match=why):
            d.submit(old, "pk", draft)
    with store.read() as s:
        assert s.scalar(select(ServiceRequest)) is None and s.scalar(select(OutboxEvent)) is None
