"""The real reader adapter, through pyserial, against the simulator on a pseudo-terminal."""

from __future__ import annotations

import time

import pytest

from kiosk.devices.idcard import BadChecksum, FrameError
from kiosk.devices.idcard.reader import IdCardReader, ReaderTimeout
from kiosk.devices.idcard.text_block import resident_block
from kiosk.devices.sim.sam_reader import COMMANDS_KEPT, SamReaderSimulator
from kiosk.domain.identity import check_char

NUMBER = "12010419800101123"
NUMBER += check_char(NUMBER)
CARD = resident_block("张三", "1", 1, "19800101", "天津市和平区南市街1号", NUMBER, "天津市公安局和平分局",
                      "20200101", "20400101")


@pytest.fixture
def sim():
    s = SamReaderSimulator(photo=b"\x07" * 1024)
    yield s
    s.close()


@pytest.fixture
def reader(sim):
    # a reply in pieces on a loaded machine can take seconds: the time-out is for a dead reader
    r = IdCardReader(sim.port, timeout_s=10)
    yield r
    r.close()


def test_no_card_then_one_read_then_no_double_read(sim, reader):
    assert reader.poll() is None
    sim.lay_card(CARD)
    who, photo = reader.poll()
    assert who.name == "张三" and who.id_number == NUMBER and photo == b"\x07" * 1024
    assert list(sim.commands)[-3:] == [(0x20, 0x01), (0x20, 0x02), (0x30, 0x01)]
    assert reader.poll() is None  # left on the reader: not read twice
    sim.remove_card()
    sim.lay_card(CARD)
    assert reader.poll()[0].name == "张三"


@pytest.mark.parametrize("fault", ["garbage", "split"])
def test_noise_and_split_replies_are_handled(sim, reader, fault):
    sim.faults.add(fault)
    sim.lay_card(CARD)
    assert reader.poll()[0].id_number == NUMBER


def test_bad_checksum_is_a_typed_error(sim, reader):
    sim.faults.add("bad_checksum")
    with pytest.raises(BadChecksum):
        reader.poll()
    assert issubclass(BadChecksum, FrameError)


def test_silent_and_slow_readers_time_out(sim, reader):
    reader.timeout_s = 0.8  # the slow reader answers later than this, however fast the machine
    sim.faults.add("silent")
    with pytest.raises(ReaderTimeout, match=sim.port):
        reader.poll()
    sim.faults = {"slow"}
    sim.slow_s = 1.2
    with pytest.raises(ReaderTimeout):
        reader.poll()


def test_service_reconnects_after_unplug_and_replug():
    import threading
    import time

    from kiosk.devices.idcard.service import CardReaderService

    first = SamReaderSimulator()
    where = {"port": first.port}  # like a /dev/serial/by-id link that follows the adapter
    seen: list[str] = []
    got = threading.Event()

    def on_card(who, _photo):
        seen.append(who.id_number)
        got.set()

    svc = CardReaderService(lambda: IdCardReader(where["port"], timeout_s=5), on_card, reconnect_s=0.3)
    svc.start()
    try:
        first.lay_card(CARD)
        assert got.wait(30) and svc.state == "ok"
        got.clear()
        first.close()  # unplugged
        deadline = time.monotonic() + 30
        while svc.state != "offline" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert svc.state == "offline" and svc.last_error
        second = SamReaderSimulator()  # plugged back in
        where["port"] = second.port
        second.lay_card(CARD)
        assert got.wait(30), f"not read after replug: {svc.state} {svc.last_error}"
        assert svc.state == "ok" and seen == [NUMBER, NUMBER]
        second.close()
    finally:
        svc.stop()


def test_staff_test_read_captures_the_card_without_logging_anyone_in(sim):
    from kiosk.devices.idcard.service import CardReaderService

    logged_in: list[str] = []
    svc = CardReaderService(lambda: IdCardReader(sim.port, timeout_s=5), lambda who, _p: logged_in.append(who.id_number),
                            reconnect_s=0.3)
    svc.start()
    try:
        got = svc.capture_next(timeout_s=30, then=lambda: sim.lay_card(CARD))
        assert got is not None and got.id_number == NUMBER
        assert got.card_type_name == "居民身份证"
        assert logged_in == []  # the test read is not a login
        assert svc.capture_next(timeout_s=0.8) is None  # the same card left on the reader is not read twice
        sim.remove_card()
        sim.lay_card(CARD)
        deadline = time.monotonic() + 30
        while not logged_in and time.monotonic() < deadline:
            time.sleep(0.05)
        assert logged_in == [NUMBER]  # after the test, cards log in again
    finally:
        svc.stop()


def test_the_simulator_keeps_only_the_latest_commands(sim, reader):
    for _ in range(COMMANDS_KEPT + 10):
        assert reader.poll() is None
    assert len(sim.commands) == COMMANDS_KEPT and sim.commands[-1] == (0x20, 0x01)
