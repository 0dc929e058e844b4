"""Real-time status: DLE EOT replies parsed into a state; no answer is UNKNOWN, never OK."""

from __future__ import annotations

import pytest

from kiosk.devices.printer.status import CAN_PRINT, FAULTS, PrinterState, interpret, query, valid_reply
from kiosk.devices.printer.transports.network import NetworkTransport
from kiosk.devices.printer.transports.serial import SerialTransport
from kiosk.devices.sim.escpos_printer import VirtualPrinter

S = PrinterState


@pytest.mark.parametrize("replies, state", [
    ({1: 0x12, 2: 0x12, 4: 0x12}, S.OK),
    ({1: 0x16, 2: 0x12, 4: 0x12}, S.OK),  # drawer pin high is not a fault
    ({1: 0x12, 2: 0x12, 4: 0x1E}, S.PAPER_NEAR_END),
    ({1: 0x1A, 2: 0x32, 4: 0x7E}, S.PAPER_OUT),
    ({1: 0x12, 2: 0x12, 4: 0x72}, S.PAPER_OUT),  # roll sensor alone
    ({1: 0x1A, 2: 0x16, 4: 0x12}, S.COVER_OPEN),
    ({1: 0x1A, 2: 0x36, 4: 0x72}, S.COVER_OPEN),  # cover open wins: closing it is the first thing to do
    ({1: 0x1A, 2: 0x12, 4: 0x12}, S.OFFLINE),
    ({1: 0x12, 2: 0x52, 4: 0x12}, S.OFFLINE),  # error bit
    ({}, S.UNKNOWN),
    ({1: 0x12}, S.UNKNOWN),
    ({1: 0x12, 2: 0x12}, S.UNKNOWN),
])
def test_interpret(replies, state):
    assert interpret(replies) is state


def test_only_well_formed_bytes_count_as_replies():
    assert valid_reply(0x12) and valid_reply(0x7E) and valid_reply(0x1A)
    assert not valid_reply(0x00) and not valid_reply(0xFF) and not valid_reply(0x13) and not valid_reply(0x92)


def test_unknown_is_neither_printable_nor_a_reported_fault():
    assert S.UNKNOWN not in CAN_PRINT and S.UNKNOWN not in FAULTS
    assert CAN_PRINT == {S.OK, S.PAPER_NEAR_END}


@pytest.fixture(params=["pty", "tcp"])
def link(request):
    sim = VirtualPrinter(pty=request.param == "pty", tcp=request.param == "tcp")
    t = SerialTransport(sim.port) if request.param == "pty" else NetworkTransport("127.0.0.1", sim.tcp_port)
    t.open()
    yield sim, t
    t.close()
    sim.close()


@pytest.mark.parametrize("faults, state", [
    (set(), S.OK),
    ({"paper_near_end"}, S.PAPER_NEAR_END),
    ({"paper_out"}, S.PAPER_OUT),
    ({"cover_open"}, S.COVER_OPEN),
    ({"offline"}, S.UNKNOWN),  # a printer that does not answer is never OK
])
def test_query_against_the_virtual_printer(link, faults, state):
    sim, t = link
    sim.faults = set(faults)
    report = query(t, timeout_s=0.3)
    assert report.state is state
    assert report.answered == ("offline" not in faults)


def test_stray_status_bytes_before_the_reply_are_skipped(link):
    sim, t = link
    sim.reply_noise = b"\x00\xff\x14"  # arrives after the input was flushed, before each reply
    sim.faults = {"cover_open"}
    assert query(t, timeout_s=0.3).state is S.COVER_OPEN
