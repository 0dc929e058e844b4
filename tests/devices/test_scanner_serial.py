"""The serial scanner adapter and its service, through pyserial, against the simulator on a pty."""

from __future__ import annotations

import queue
import threading
import time

import pytest

from kiosk.devices.scanner.serial import SerialScanner
from kiosk.devices.scanner.service import ScannerService
from kiosk.devices.sim.scanner import ScannerSimulator, demo_essc_code

TICKET = "http://127.0.0.1:8700/tickets/6f1c2b0e-4a7d-4d8e-9a55-0b1f3e2d4c5a"


@pytest.fixture
def sim():
    s = ScannerSimulator()
    yield s
    s.close()


class Running:
    """A started service whose scans and refusals land in queues."""

    def __init__(self, sim: ScannerSimulator, **kw) -> None:
        self.scans: queue.Queue[str] = queue.Queue()
        self.refused: queue.Queue[str] = queue.Queue()
        kw.setdefault("reconnect_s", 0.2)
        self.svc = ScannerService(lambda: SerialScanner(sim.port, 9600), self.scans.put, self.refused.put, **kw)

    def __enter__(self):
        self.svc.start()
        wait_for(lambda: self.svc.state == "ok", "the scanner to open")
        return self

    def __exit__(self, *_exc):
        self.svc.stop()

    def scan(self, timeout: float = 5.0) -> str:
        return self.scans.get(timeout=timeout)

    def refusal(self, timeout: float = 5.0) -> str:
        return self.refused.get(timeout=timeout)


def wait_for(predicate, what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_adapter_reads_what_the_scanner_sends(sim):
    sc = SerialScanner(sim.port)
    try:
        sim.scan("ABC", suffix="CRLF")
        got = b""
        deadline = time.monotonic() + 3
        while not got.endswith(b"\r\n") and time.monotonic() < deadline:
            got += sc.read_chunk()
        assert got == b"ABC\r\n"  # raw terminal: no CR → LF translation, no echo
    finally:
        sc.close()


@pytest.mark.parametrize("suffix", ["CR", "LF", "CRLF"])
def test_each_suffix_gives_one_scan(sim, suffix):
    with Running(sim) as r:
        sim.scan(TICKET, suffix=suffix)
        sim.scan("SECOND", suffix=suffix)
        assert [r.scan(), r.scan()] == [TICKET, "SECOND"]
        assert r.svc.scans == 2 and r.svc.bad_scans == 0


@pytest.mark.parametrize("fault", ["split", "noise"])
def test_split_and_noisy_scans_are_reassembled(sim, fault):
    sim.faults.add(fault)
    with Running(sim) as r:
        code = demo_essc_code()
        sim.scan(code)
        assert r.scan() == code


def test_garbage_is_refused_with_a_message_and_scanning_goes_on(sim):
    with Running(sim) as r:
        sim.send_garbage()
        assert "无法识别" in r.refusal()
        assert r.svc.bad_scans == 1 and r.svc.last_error.startswith("NotText")
        sim.scan("AFTER")
        assert r.scan() == "AFTER" and r.svc.state == "ok"


def test_over_long_line_is_refused_once(sim):
    with Running(sim) as r:
        sim.send_overlong(5000)
        assert "过长" in r.refusal()
        sim.scan("AFTER")
        assert r.scan() == "AFTER"
        assert r.refused.empty() and r.svc.bad_scans == 1


def test_scan_without_suffix_times_out_and_is_dropped(sim):
    sim.faults.add("no_suffix")
    with Running(sim) as r:
        sim.scan("ESSC1:DEMO-120104")
        assert "不完整" in r.refusal()
        assert r.scans.empty() and "suffix" in r.svc.last_error
        sim.faults.clear()
        sim.scan("WHOLE")
        assert r.scan() == "WHOLE"


def test_the_same_code_twice_is_one_scan(sim):
    sim.faults.add("double")
    with Running(sim, debounce_s=60) as r:
        sim.scan(TICKET)
        assert r.scan() == TICKET
        sim.faults.clear()
        sim.scan("OTHER")  # arrives after the duplicate: the duplicate has been dealt with by then
        assert r.scan() == "OTHER"
        assert r.scans.empty() and r.svc.scans == 2 and r.svc.duplicates == 1


def test_service_reconnects_after_unplug_and_replug(sim):
    with Running(sim) as r:
        sim.scan("BEFORE")
        assert r.scan() == "BEFORE"
        sim.unplug()
        wait_for(lambda: r.svc.state == "offline", "the service to notice the unplug")
        assert r.svc.last_error
        sim.replug()  # the same by-id link, a new terminal behind it
        wait_for(lambda: r.svc.state == "ok", "the service to reopen the scanner")
        sim.scan("AFTER")
        assert r.scan() == "AFTER"
        assert r.svc.reconnects == 1


def test_service_waits_for_a_scanner_that_is_not_plugged_in_yet(sim):
    sim.unplug()
    r = Running(sim)
    r.svc.start()
    try:
        wait_for(lambda: r.svc.state == "offline" and bool(r.svc.last_error), "the failed open")
        assert "SerialException" in r.svc.last_error and sim.port in r.svc.last_error
        sim.replug()
        wait_for(lambda: r.svc.state == "ok", "the scanner to be found")
        sim.scan("HELLO")
        assert r.scan() == "HELLO"
    finally:
        r.svc.stop()


def test_a_failing_consumer_does_not_stop_the_scanner(sim):
    got: list[str] = []

    def consumer(code: str) -> None:
        got.append(code)
        if code == "BOOM":
            raise RuntimeError("consumer bug")

    svc = ScannerService(lambda: SerialScanner(sim.port), consumer, reconnect_s=0.2)
    svc.start()
    try:
        wait_for(lambda: svc.state == "ok", "open")
        sim.scan("BOOM")
        sim.scan("NEXT")
        wait_for(lambda: got == ["BOOM", "NEXT"], "both scans")
        assert svc.state == "ok" and svc.reconnects == 0
    finally:
        svc.stop()


def test_capture_next_takes_the_scan_for_the_staff_test(sim):
    with Running(sim) as r:
        result: list[str | None] = []
        t = threading.Thread(target=lambda: result.append(r.svc.capture_next(5)))
        t.start()
        wait_for(lambda: r.svc._capture is not None, "the capture to be armed")
        sim.scan("KIOSK-SCANNER-TEST")
        t.join(6)
        assert result == ["KIOSK-SCANNER-TEST"]
        assert r.scans.empty()  # not handed on as a login or a ticket
        sim.scan("NORMAL")
        assert r.scan() == "NORMAL"


def test_capture_next_without_a_scan_returns_none(sim):
    with Running(sim) as r:
        assert r.svc.capture_next(0.3) is None
        sim.scan("LATER")
        assert r.scan() == "LATER"
