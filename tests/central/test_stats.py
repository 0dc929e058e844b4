"""The per-station, per-service, per-day table and its CSV, computed from known times."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from central import staff_stats, tickets
from tests.central.conftest import STATION, issue, minutes
from tests.central.test_tickets import T0, _act


def _day_of_work(db):
    a1 = issue(db, "A001", issued_at=T0)
    issue(db, "A002", issued_at=minutes(T0, 2))
    issue(db, "A003", issued_at=minutes(T0, 4))
    issue(db, "B001", service="unemployment_registration", issued_at=minutes(T0, 1))
    issue(db, "C001", service="career_guidance", issued_at=T0 + timedelta(days=1))
    issue(db, "A001", issued_at=T0, station="TJ-OTHER-01")
    _act(db, tickets.set_counter_services, STATION, "1", ["job_registration"])
    _act(db, tickets.set_counter_services, STATION, "2", ["unemployment_registration"])
    _act(db, tickets.call_next, STATION, "2", now=minutes(T0, 3))          # B001: waited 2
    assert _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 10)).ticket.id == a1  # waited 10
    _act(db, tickets.start, STATION, "1", now=minutes(T0, 12))
    _act(db, tickets.finish, STATION, "1", now=minutes(T0, 20))            # served 8
    _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 22))          # A002: waited 20
    _act(db, tickets.no_show, STATION, "1", now=minutes(T0, 25))
    _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 26))          # A003: waited 22
    _act(db, tickets.start, STATION, "1", now=minutes(T0, 26))
    _act(db, tickets.finish, STATION, "1", now=minutes(T0, 30))            # served 4
    _act(db, tickets.transfer, STATION, "2", "job_registration", now=minutes(T0, 31))
    moved = _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 32)).ticket
    assert moved.number == "B001" and moved.service == "job_registration"
    _act(db, tickets.finish, STATION, "1", now=minutes(T0, 40))            # served 8, from the call


def test_table_counts_and_times(db):
    _day_of_work(db)
    with db.session() as s:
        rows = staff_stats.table(s, T0.date(), T0.date() + timedelta(days=1), STATION)
    got = {(r.day.isoformat(), r.service): r for r in rows}
    assert list(got) == [("2026-11-25", "job_registration"), ("2026-11-25", "unemployment_registration"),
                         ("2026-11-26", "career_guidance")]
    job = got["2026-11-25", "job_registration"]
    assert (job.issued, job.served, job.no_show, job.transferred) == (3, 3, 1, 0)
    assert (job.wait_avg, job.wait_median) == (17.3, 20.0)
    assert (job.service_avg, job.service_median) == (6.7, 8.0)
    assert (job.service_name, job.station_name) == ("求职登记", "南市街就业驿站")
    une = got["2026-11-25", "unemployment_registration"]
    assert (une.issued, une.served, une.no_show, une.transferred) == (1, 0, 0, 1)
    assert (une.wait_avg, une.service_avg) == (2.0, None)
    g = got["2026-11-26", "career_guidance"]
    assert (g.issued, g.served, g.wait_avg) == (1, 0, None)
    t = staff_stats.totals(rows)
    assert (t["issued"], t["served"], t["no_show"], t["transferred"]) == (5, 3, 1, 1)
    with db.session() as s:
        everywhere = staff_stats.table(s, T0.date(), T0.date())
    assert {r.station_id for r in everywhere} == {STATION, "TJ-OTHER-01"}


def test_csv_opens_in_excel(db):
    _day_of_work(db)
    with db.session() as s:
        data = staff_stats.to_csv(staff_stats.table(s, T0.date(), T0.date(), STATION))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert rows[0] == list(staff_stats.COLUMNS)
    assert rows[1] == ["2026-11-25", STATION, "南市街就业驿站", "job_registration", "求职登记", "3", "3", "1", "0",
                       "17.3", "20.0", "6.7", "8.0"]
    assert rows[2][3:] == ["unemployment_registration", "失业登记", "1", "0", "0", "1", "2.0", "2.0", "", ""]
    assert len(rows) == 3


def test_csv_cells_never_start_a_formula():
    r = staff_stats.Row(T0.date(), "S", "=HYPERLINK(1)", "@x", "-1", issued=1)
    text = staff_stats.to_csv([r]).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "'@x" in text and ",'-1," in text
