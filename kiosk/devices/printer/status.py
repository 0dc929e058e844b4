"""Real-time printer status (``DLE EOT n``), implemented by the kiosk.

python-escpos 3.1 reports "paper adequate" when the printer does not answer at all; here a
printer that does not answer is UNKNOWN, never OK. Each query is ``10 04 n`` and the reply one
byte of the form ``0xx1xx10`` (bits 1 and 4 set, bits 0 and 7 clear); anything else is noise
(for instance automatic status bytes from a printer whose ASB was left on) and is ignored.

    n=1 printer:  bit 3 offline
    n=2 offline cause: bit 2 cover open, bit 5 stopped by paper end, bit 6 error
    n=4 roll sensor: bits 2,3 paper near end, bits 5,6 paper end
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol


class PrinterState(enum.StrEnum):
    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return LABELS[self]


#: a job may be sent in these states
CAN_PRINT = frozenset({PrinterState.OK, PrinterState.PAPER_NEAR_END})
#: the printer said it cannot print
FAULTS = frozenset({PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.OFFLINE})

LABELS = {
    PrinterState.OK: "正常",
    PrinterState.PAPER_NEAR_END: "纸将用完",
    PrinterState.PAPER_OUT: "缺纸",
    PrinterState.COVER_OPEN: "仓盖打开",
    PrinterState.OFFLINE: "脱机",
    PrinterState.UNKNOWN: "无应答（状态未知）",
}

QUERIES = (1, 2, 4)
MAX_NOISE = 16
#: GS a 0: automatic status back off, so its bytes do not mix with the replies
ASB_OFF = b"\x1da\x00"


def query_bytes(n: int) -> bytes:
    return bytes((0x10, 0x04, n))


def valid_reply(b: int) -> bool:
    return b & 0b1001_0011 == 0b0001_0010


@dataclass(frozen=True)
class StatusReport:
    state: PrinterState
    #: n → the reply byte (absent when the printer did not answer that query)
    replies: dict[int, int] = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return bool(self.replies)


def interpret(replies: dict[int, int]) -> PrinterState:
    """The state from the replies to n=1, 2, 4; a missing reply to any of them → UNKNOWN."""
    if any(n not in replies for n in QUERIES):
        return PrinterState.UNKNOWN
    printer, cause, roll = replies[1], replies[2], replies[4]
    if cause & 0x04:
        return PrinterState.COVER_OPEN
    if cause & 0x20 or roll & 0x60:
        return PrinterState.PAPER_OUT
    if printer & 0x08 or cause & 0x40:
        return PrinterState.OFFLINE
    if roll & 0x0C:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.OK


class StatusLink(Protocol):
    def flush_input(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, size: int, timeout_s: float) -> bytes: ...


def query(link: StatusLink, timeout_s: float = 0.5) -> StatusReport:
    """Ask n=1, 2, 4 in turn. Transport errors (unplugged) propagate to the caller."""
    replies: dict[int, int] = {}
    for n in QUERIES:
        link.flush_input()
        link.write(query_bytes(n))
        got = link.read(1, timeout_s)
        # skip stray bytes (ASB, noise) until a valid reply, the timeout, or too much noise
        for _ in range(MAX_NOISE):
            if not got or valid_reply(got[-1]):
                break
            got = link.read(1, timeout_s)
        else:
            got = b""
        if got:
            replies[n] = got[-1]
        elif not replies:
            break  # silent on the first query: do not wait twice more
    return StatusReport(interpret(replies), replies)
