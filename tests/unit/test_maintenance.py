"""The nightly maintenance on a real kiosk database file: what goes, what must stay, the space
given back, the temp folders of dead parts, the printer's answer, and once per night only."""

from __future__ import annotations

import os
import time
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from kiosk.core.maintenance import LAST_DAY, RETENTION, MaintenanceDesk, in_window
from kiosk.store.models import OutboxEvent, PrintJob, Ticket

NOW = datetime(2026, 12, 4, 18, 30)  # naive UTC: 02:30 in Tianjin


def event(state: str, age_days: float, payload: bytes = b"{}") -> OutboxEvent:
    at = NOW - timedelta(days=age_days)
    return OutboxEvent(id=str(uuid.uuid4()), type="ticket.issued", occurred_at=at, payload=payload, state=state,
                       sent_at=at if state == "sent" else None)


def ticket(n: int, age_days: float) -> Ticket:
    at = NOW - timedelta(days=age_days)
    return Ticket(id=str(uuid.uuid4()), service_code="career_guidance", prefix="C", number=n, day=at.date(),
                  issued_at=at)


def fill(store, tickets: bool = True) -> None:
    with store.session() as s:
        s.add_all([event("sent", 40), event("sent", 5), event("pending", 400), event("failed", 200),
                   event("rejected", 100), event("rejected", 10)])
        if tickets:
            s.add_all([ticket(i, 45 if i < 300 else 1) for i in range(1, 320)])
        # bulk that the deletion frees: old sent events with large payloads
        s.add_all([event("sent", 31, os.urandom(4000)) for _ in range(400)])


def counts(store) -> dict[str, int]:
    with store.read() as s:
        return {state: s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == state))
                for state in ("sent", "pending", "failed", "rejected")} | {
            "tickets": s.scalar(select(func.count()).select_from(Ticket))}


def test_old_rows_go_and_what_central_has_not_got_stays(kiosk_store, tmp_path):
    fill(kiosk_store)
    desk = MaintenanceDesk(kiosk_store, printer_state=lambda: "ok", temp_dir=tmp_path, now=lambda: NOW)
    report = desk.run()
    # pending: the one never sent, and the night's own report
    assert counts(kiosk_store) == {"sent": 1, "pending": 2, "failed": 1, "rejected": 1, "tickets": 20}
    assert report.deleted["outbox_events"] == 402 and report.deleted["tickets"] == 299
    assert report.vacuum == "vacuum (converted to incremental)" and report.freed_mb > 1.0
    assert report.printer == "ok"
    with kiosk_store.read() as s:  # the night is reported to central
        last = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq.desc())).first()
    assert last.type == "kiosk.maintained" and last.state == "pending"
    fill(kiosk_store, tickets=False)
    again = desk.run()  # the database is incremental now: no second full VACUUM
    assert again.vacuum == "incremental_vacuum" and again.freed_mb > 1.0


def test_every_rule_names_a_real_table_and_column(kiosk_store):
    from sqlalchemy import inspect

    insp = inspect(kiosk_store.engine)
    for rule in RETENTION:
        assert rule.column in {c["name"] for c in insp.get_columns(rule.table)}, rule


def test_temp_folders_of_gone_parts_are_removed_and_others_kept(kiosk_store, tmp_path):
    tmp_path = tmp_path / "tmp"
    tmp_path.mkdir()
    old = time.time() - 3 * 24 * 3600
    for name in ("kiosk-speaker-abc", "scanner-sim-1", "kiosk-speaker-live", "someone-elses"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f.wav").write_bytes(b"x")
    for name in ("kiosk-speaker-abc", "scanner-sim-1", "someone-elses"):
        os.utime(tmp_path / name, (old, old))
    desk = MaintenanceDesk(kiosk_store, temp_dir=tmp_path, now=lambda: NOW)
    assert desk.remove_stale_temp() == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kiosk-speaker-live", "someone-elses"]


def test_a_printer_that_cannot_answer_is_reported_not_raised(kiosk_store, tmp_path):
    def broken() -> str:
        raise OSError("USB link gone")

    report = MaintenanceDesk(kiosk_store, printer_state=broken, temp_dir=tmp_path, now=lambda: NOW).run()
    assert report.printer == "no answer: USB link gone"


def test_once_a_night_in_the_window_only(kiosk_store, tmp_path):
    desk = MaintenanceDesk(kiosk_store, temp_dir=tmp_path, now=lambda: NOW)
    night = datetime(2026, 12, 5, 2, 30)
    assert desk.run_if_due(night.replace(hour=14), "02:00-04:00") is None  # the afternoon
    assert desk.run_if_due(night, "02:00-04:00") is not None
    assert kiosk_store.get_setting(LAST_DAY) == date(2026, 12, 5).isoformat()
    assert desk.run_if_due(night + timedelta(minutes=20), "02:00-04:00") is None  # after a restart too
    assert desk.run_if_due(night + timedelta(days=1), "02:00-04:00") is not None
    assert desk.run_if_due(night, "") is None  # off


def test_the_window_may_cross_midnight():
    assert in_window(datetime(2026, 1, 1, 23, 30), "23:00-01:00")
    assert in_window(datetime(2026, 1, 1, 0, 30), "23:00-01:00")
    assert not in_window(datetime(2026, 1, 1, 1, 0), "23:00-01:00")
    assert not in_window(datetime(2026, 1, 1, 12, 0), "02:00-04:00")


def test_print_jobs_follow_their_rule(kiosk_store, tmp_path):
    with kiosk_store.session() as s:
        for age in (40, 2):
            s.add(PrintJob(id=str(uuid.uuid4()), kind="ticket", ref="x", outcome="printed",
                           created_at=NOW - timedelta(days=age)))
    MaintenanceDesk(kiosk_store, temp_dir=tmp_path, now=lambda: NOW).apply_retention()
    with kiosk_store.read() as s:
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 1


def test_the_command_runs_it_with_progress_and_prints_the_figures(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK")} | {"KIOSK__DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "kiosk", "maintain"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "maintenance: retention …" in proc.stderr and "maintenance: database …" in proc.stderr
    figures = json.loads(proc.stdout)
    assert figures["vacuum"].startswith("vacuum") and figures["db_mb"] > 0


def test_the_night_sweeps_what_expired_from_the_vacancy_search(kiosk_store, tmp_path):
    from sqlalchemy import insert, select, update

    from kiosk.core.vacancies import VacancyService
    from kiosk.domain import demodata
    from kiosk.domain.search import Scope, Station, make_query
    from kiosk.store.models import Vacancy
    from kiosk.store.search import segments, swept_day

    today = NOW.date()
    with kiosk_store.session() as s:
        s.execute(insert(Vacancy), list(demodata.vacancies(50, seed=3, today=today)))
    vacancies = VacancyService(kiosk_store, Station(39.1325, 117.1895, "和平区", "urban"), today=lambda: today)
    vacancies.prepare()
    with kiosk_store.session() as s:  # the day's changes: documents taken out and put in again
        s.execute(update(Vacancy).where(Vacancy.id.in_(select(Vacancy.id).limit(20))).values(title="保洁员"))
    vacancies.prepare()
    assert segments(kiosk_store) > 1 and segments(kiosk_store, "search_trigram") > 1
    found = vacancies.find(make_query("保洁", scope=Scope.CITY))
    desk = MaintenanceDesk(kiosk_store, temp_dir=tmp_path, now=lambda: NOW, search_index=vacancies.tidy_for_the_day)
    steps: list[str] = []
    desk.run(progress=steps.append)
    assert "search index" in steps
    with kiosk_store.engine.connect() as c:
        assert swept_day(c) == today.isoformat()
    assert segments(kiosk_store) == segments(kiosk_store, "search_trigram") == 1
    assert vacancies.find(make_query("保洁", scope=Scope.CITY)) == found
