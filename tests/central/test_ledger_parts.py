"""The ledger's parts on their own: record_service's checks, the identity proof kiosks send,
month arithmetic in Beijing time, the charts' escaping and empty months."""

from __future__ import annotations

import xml.dom.minidom
from collections import Counter
from datetime import date, datetime

import pytest

from central import ledger
from central import ledger_charts as charts
from central import ledger_report as report
from kiosk.domain.identity import Resident, resident_from_keyed


def test_record_service_refuses_an_unknown_channel_or_identity(db):
    with db.session() as s:
        with pytest.raises(ValueError, match="channel"):
            ledger.record_service(s, record_id="x", station_id="S", service="a", at=datetime(2026, 1, 1),
                                  channel="fax")
        with pytest.raises(ValueError, match="identity"):
            ledger.record_service(s, record_id="y", station_id="S", service="a", at=datetime(2026, 1, 1),
                                  channel="kiosk", identity="face")


def test_identity_from_payload_and_from_the_login():
    assert ledger.identity_from({"identity": "essc"}) == "essc"
    assert ledger.identity_from({"identity": "retina"}) == "none"
    assert ledger.identity_from({"identity": ["idcard"]}) == "none"
    assert ledger.identity_from(None) == "none"
    keyed = resident_from_keyed("11010519491231002X", today=date(2026, 1, 1))
    assert keyed.proof == "typed" and keyed.person(b"k").identity == "typed"
    assert Resident(keyed.id_number, keyed.birth_date, source="card").proof == "idcard"
    assert Resident(keyed.id_number, keyed.birth_date, source="qr").person(b"k").identity == "essc"
    assert ledger.record_id_for("callback", "a") == ledger.record_id_for("callback", "a") != \
        ledger.record_id_for("proxy", "a")


def test_months_in_beijing_time():
    assert report.parse_month("2026-11") == date(2026, 11, 1)
    for bad in ("2026-13", "2026-0", "26-11", "2026/11", "", "1999-12", "abcd-ef"):
        assert report.parse_month(bad) is None, bad
    assert report.utc_bounds(date(2026, 1, 1)) == (datetime(2025, 12, 31, 16), datetime(2026, 1, 31, 16))
    assert report.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert report.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert report.change_pct(120, 100) == 20.0 and report.change_pct(5, 0) is None


def test_charts_are_well_formed_svg_with_escaped_labels():
    month = date(2026, 2, 1)
    daily = charts.daily_volume(Counter({date(2026, 2, 3): 7, date(2026, 2, 28): 2}), month)
    mix = charts.services_mix(Counter({"<i>": 3, "job_registration": 5}), {"job_registration": "求职登记"})
    sat = charts.satisfaction(Counter({5: 2, 1: 1}))
    for svg in (daily, mix, sat, charts.services_mix(Counter(), {}), charts.satisfaction(Counter())):
        xml.dom.minidom.parseString(svg)
        assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert daily.count("<rect") == 28 and "2月3日：7 人次" in daily
    assert "&lt;i&gt;" in mix and "求职登记" in mix and "5（62%）" in mix
    assert "平均 3.67 分" in sat
    assert "本月没有服务记录" in charts.services_mix(Counter(), {})
    many = Counter({f"s{i}": 10 - i for i in range(10)})
    assert "其他" in charts.services_mix(many, {})
