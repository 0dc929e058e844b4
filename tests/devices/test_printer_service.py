"""The printer service against the virtual printer: every fault, every job recorded (through the
journal listening to it), never a failed job reported as printed."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from kiosk.core.printer_records import PrintJournal, printer_section
from kiosk.devices.printer.profile import make_profile
from kiosk.devices.printer.render import render
from kiosk.devices.printer.service import Outcome, PaperRoll, PrinterListener, PrinterService, settings_roll
from kiosk.devices.printer.status import PrinterState
from kiosk.devices.printer.transports.file import FileTransport
from kiosk.devices.printer.transports.network import NetworkTransport
from kiosk.devices.printer.transports.serial import SerialTransport
from kiosk.devices.sim.escpos_printer import VirtualPrinter
from kiosk.domain.receipt_samples import STATION, sample
from kiosk.store.models import PrintJob

FAST = {"print_speed_mm_s": 1e9}  # no wait for the paper to come out: the virtual printer is instant


def jobs(store) -> list[tuple[str, str, int]]:
    with store.read() as s:
        return [(j.kind, j.outcome, j.bytes_sent) for j in s.scalars(select(PrintJob).order_by(PrintJob.created_at))]


def journaled(svc: PrinterService, store) -> PrinterService:
    svc.listeners.append(PrintJournal(store))
    return svc


@pytest.fixture(params=["pty", "tcp"])
def rig(request, store):
    sim = VirtualPrinter(pty=request.param == "pty", tcp=request.param == "tcp")
    where = {"sim": sim}

    def link():
        s = where["sim"]
        return SerialTransport(s.port) if s.port else NetworkTransport("127.0.0.1", s.tcp_port, timeout_s=2)

    svc = journaled(PrinterService(link, make_profile(FAST), store, status_timeout_s=0.3), store)
    yield sim, svc, where
    svc.stop()
    where["sim"].close()


def test_a_ticket_is_printed_recorded_and_the_paper_says_what_the_document_says(rig, store):
    sim, svc, _ = rig
    r = svc.print_receipt(sample("ticket"))
    assert r.printed and not r.fallback and r.outcome is Outcome.PRINTED and r.message.startswith("打印完成")
    assert sim.wait_for_receipts(1)
    text = sim.receipts[0].text()
    assert "A023" in text and "求职登记" in text and "120104********1234" in text
    assert jobs(store) == [("ticket", "printed", len(render(sample("ticket"), svc.profile).data))]
    assert svc.state is PrinterState.OK and svc.printed == 1


@pytest.mark.parametrize("fault, outcome", [
    ("paper_out", Outcome.PAPER_OUT),
    ("cover_open", Outcome.COVER_OPEN),
    ("offline", Outcome.OFFLINE),
])
def test_a_printer_that_cannot_print_gets_nothing_and_the_screen_is_told(rig, store, fault, outcome):
    sim, svc, _ = rig
    sim.faults.add(fault)
    r = svc.print_receipt(sample("ticket"))
    assert r.outcome is outcome and not r.printed and r.fallback and r.bytes_sent == 0
    assert "屏幕" in r.message
    assert jobs(store) == [("ticket", str(outcome), 0)]
    assert sim.pages() == []
    # offline does not answer: its state is unknown, never ok
    assert svc.state is {"paper_out": PrinterState.PAPER_OUT, "cover_open": PrinterState.COVER_OPEN,
                         "offline": PrinterState.UNKNOWN}[fault]
    sim.faults.clear()
    assert svc.print_receipt(sample("ticket")).printed  # and it prints again once the fault is cleared


def test_paper_running_out_in_the_middle_of_a_job_is_a_failure(rig, store):
    sim, svc, _ = rig
    sim.paper_left_mm = 60  # the shortlist needs about 330 mm
    r = svc.print_receipt(sample("shortlist"))
    assert r.outcome is Outcome.PAPER_OUT and not r.printed and r.bytes_sent > 0
    assert jobs(store)[-1][:2] == ("shortlist", "failed:paper_out")
    assert svc.state is PrinterState.PAPER_OUT


def test_a_printer_that_vanishes_mid_job_is_never_reported_as_printed(rig, store):
    sim, svc, where = rig
    assert svc.print_receipt(sample("ticket")).printed
    sim.vanish_after = 700  # part of the shortlist, then the plug is pulled
    r = svc.print_receipt(sample("shortlist"))
    assert r.outcome is Outcome.UNPLUGGED and not r.printed and r.fallback
    assert sim.gone and len(sim.receipts) == 1  # only the ticket was cut
    assert jobs(store)[-1][:2] == ("shortlist", "failed:unplugged")
    assert svc.state is PrinterState.UNKNOWN and not svc.connected and svc.last_error
    # still gone: the next job fails at once, and is recorded too
    assert svc.print_receipt(sample("ticket")).outcome is Outcome.UNPLUGGED
    # plugged back in (a new device behind the same configured link): printing resumes
    where["sim"] = VirtualPrinter(pty=bool(sim.port), tcp=not sim.port)
    assert svc.print_receipt(sample("ticket")).printed
    assert where["sim"].wait_for_receipts(1)
    assert [o for _k, o, _b in jobs(store)] == ["printed", "failed:unplugged", "failed:unplugged", "printed"]


def test_paper_near_end_still_prints_and_is_shown_to_staff(rig):
    sim, svc, _ = rig
    sim.faults.add("paper_near_end")
    r = svc.print_receipt(sample("ticket"))
    assert r.printed and r.detail == "paper near end" and svc.state is PrinterState.PAPER_NEAR_END
    rows = {row.label: row for row in printer_section(svc, STATION).rows()}
    assert rows["状态"].value == "纸将用完" and rows["状态"].ok is True


def test_a_printer_that_never_answers_status_is_unknown_and_the_roll_counter_stands_in(tmp_path, store):
    out = tmp_path / "lp0"
    profile = make_profile({"profile": "no-status", "roll_length_mm": 300, "near_end_mm": 100, **FAST})
    svc = journaled(PrinterService(lambda: FileTransport(str(out)), profile, store), store)
    first = svc.print_receipt(sample("ticket"))  # about 128 mm
    assert first.outcome is Outcome.UNKNOWN and not first.printed and first.fallback
    assert out.read_bytes() == render(sample("ticket"), profile).data
    assert svc.state is PrinterState.UNKNOWN
    assert svc.roll.estimate is PrinterState.OK
    assert svc.print_receipt(sample("ticket")).outcome is Outcome.UNKNOWN
    assert svc.roll.estimate is PrinterState.PAPER_NEAR_END
    third = svc.print_receipt(sample("ticket"))  # 44 mm left by the counter
    assert third.outcome is Outcome.PAPER_OUT and "roll counter" in third.detail
    assert len(out.read_bytes()) == 2 * len(render(sample("ticket"), profile).data)  # nothing more was sent
    assert svc.reset_roll().startswith("纸卷计数已重置")
    assert svc.print_receipt(sample("ticket")).outcome is Outcome.UNKNOWN
    assert [o for _k, o, _b in jobs(store)] == ["unknown", "unknown", "failed:paper_out", "unknown"]


def test_the_roll_counter_survives_a_restart_and_resets_when_paper_comes_back(rig, store):
    sim, svc, _ = rig
    svc.roll = settings_roll(store, svc.profile)
    svc.print_receipt(sample("ticket"))
    used = svc.roll.used_mm
    assert used > 100 and settings_roll(store, svc.profile).used_mm == pytest.approx(used, abs=0.1)
    sim.faults.add("paper_out")
    assert svc.check_status() is PrinterState.PAPER_OUT
    sim.faults.clear()  # staff put a new roll in
    assert svc.check_status() is PrinterState.OK
    assert svc.roll.used_mm == 0 and settings_roll(store, svc.profile).used_mm == 0


def test_a_missing_printer_is_unplugged_not_ok(store):
    svc = journaled(PrinterService(lambda: SerialTransport("/dev/nonexistent-printer"), make_profile(FAST), store),
                    store)
    assert svc.check_status() is PrinterState.UNKNOWN and not svc.connected
    r = svc.print_receipt(sample("ticket"))
    assert r.outcome is Outcome.UNPLUGGED and not r.printed
    rows = {row.label: row for row in printer_section(svc, STATION).rows()}
    assert rows["状态"].value == "无法连接" and rows["状态"].ok is False
    assert jobs(store) == [("ticket", "failed:unplugged", 0)]


def test_listeners_hear_state_changes_and_finished_jobs(rig):
    sim, svc, _ = rig
    heard: list = []

    class Screen(PrinterListener):
        def on_print_finished(self, result):
            heard.append(result.outcome)

    class Staff(PrinterListener):
        def on_printer_state(self, state, detail):
            heard.append(state)

    svc.listeners += [Screen(), Staff()]
    svc.print_receipt(sample("notice"))
    sim.faults.add("cover_open")
    svc.print_receipt(sample("notice"))
    assert heard == [PrinterState.OK, Outcome.PRINTED, PrinterState.COVER_OPEN, Outcome.COVER_OPEN]


def test_the_service_writes_no_rows_and_tells_listeners_when_a_job_starts_and_ends(rig, store):
    sim, svc, _ = rig
    svc.listeners.clear()
    heard: list = []

    class Log(PrinterListener):
        def on_print_started(self, job_id, kind, ref):
            heard.append(("started", job_id, kind, len(sim.receipts) == 0))

        def on_print_finished(self, result):
            heard.append(("finished", result.job_id, result.kind, result.printed))

    svc.listeners.append(Log())
    r = svc.print_receipt(sample("ticket"))
    assert sim.wait_for_receipts(1)
    assert heard == [("started", r.job_id, "ticket", True), ("finished", r.job_id, "ticket", True)]
    assert jobs(store) == []


def test_a_journal_that_cannot_write_does_not_stop_the_print(rig, store):
    sim, svc, _ = rig
    with store.session() as s:
        s.execute(text(f"DROP TABLE {PrintJob.__tablename__}"))  # every journal write now fails
    assert svc.print_receipt(sample("ticket")).printed and sim.wait_for_receipts(1)


def test_jobs_from_two_threads_are_printed_one_after_the_other(rig):
    sim, svc, _ = rig
    results = []
    threads = [threading.Thread(target=lambda k=k: results.append(svc.print_receipt(sample(k))))
               for k in ("ticket", "shortlist", "vacancy")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert all(r.printed for r in results) and sim.wait_for_receipts(3)
    assert sorted(len(r.qr_codes()) for r in sim.receipts) == [1, 1, 6]  # no receipt mixed into another (5 jobs + the list)


def test_the_staff_section_test_print_and_roll_reset(rig):
    sim, svc, _ = rig
    section = printer_section(svc, STATION)
    assert section.title == "打印机" and set(section.actions) == {"测试打印", "换纸后重置纸卷计数"}
    assert section.actions["测试打印"]() == "测试页已打印"
    assert sim.wait_for_receipts(1) and "打印测试" in sim.receipts[0].text()
    assert svc.roll.used_mm > 0
    section.actions["换纸后重置纸卷计数"]()
    assert svc.roll.used_mm == 0
    sim.faults.add("paper_out")
    assert "failed:paper_out" in section.actions["测试打印"]()


def test_the_status_watch_notices_a_fault_between_jobs(rig):
    sim, svc, _ = rig
    changed = threading.Event()

    class Watch(PrinterListener):
        def on_printer_state(self, state, detail):
            if state is PrinterState.COVER_OPEN:
                changed.set()

    svc.listeners.append(Watch())
    svc.poll_s = 0.05
    svc.start()
    sim.faults.add("cover_open")
    assert changed.wait(5)


def test_paper_roll_estimates():
    roll = PaperRoll(1000, 200)
    assert roll.estimate is PrinterState.OK
    roll.add(850)
    assert roll.estimate is PrinterState.PAPER_NEAR_END and roll.remaining_mm == 150
    roll.add(500)
    assert roll.estimate is PrinterState.PAPER_OUT and roll.remaining_mm == 0
    assert PaperRoll(1000, 200, load=lambda: "garbage").used_mm == 0  # type: ignore[arg-type]
