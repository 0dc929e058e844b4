"""The receipt printer as the kiosk uses it: one job at a time, status before and after, every
job reported to the listeners, and a result the screen can act on.

``print_receipt`` blocks for the whole job (status, bytes, the time the paper takes, status
again), so the app calls it through its background worker, never on the Kivy main thread.

A job is *printed* only when the printer said so after it: status OK (or paper near end) once
the bytes are out. Before a job a printer with no paper, an open cover or offline gets nothing
(the bytes would come out later, in the middle of somebody else's visit); a printer that does
not answer counts as offline. A link that breaks mid-job is ``failed:unplugged``. A printer that
cannot answer at all (``status = false``, or a one-way link) makes every job ``unknown``: it was
sent, nobody can say it came out. The screen offers its on-screen fallback for every result
that is not printed.

For printers that do not answer, a paper-roll counter estimates the paper used (from the
rendered length of each job) against the configured roll length; staff reset it after changing
the roll, and a printer that reported paper out and then paper present resets it by itself.

The service writes no database rows: it tells its listeners (``PrinterListener``) when a job
starts and how it ended, and reports its state as plain values (``PrinterHealth``). The kiosk's
journal of print jobs and the staff screen's section are built from those in
``kiosk.core.printer_records``.
"""

from __future__ import annotations

import enum
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.devices.printer.profile import PrinterProfile
from kiosk.devices.printer.status import ASB_OFF, CAN_PRINT, FAULTS, PrinterState, StatusReport, query
from kiosk.devices.printer.transports import LinkGone, Transport
from kiosk.domain.i18n import N_

if TYPE_CHECKING:
    from kiosk.devices.printer.render import RenderedJob
    from kiosk.domain import receipts as R

log = logging.getLogger(__name__)

CHUNK = 512
MAX_SETTLE_S = 15.0
ROLL_SETTING = "printer.paper_used_mm"


class Outcome(enum.StrEnum):
    PRINTED = "printed"
    PAPER_OUT = "failed:paper_out"
    COVER_OPEN = "failed:cover_open"
    OFFLINE = "failed:offline"
    UNPLUGGED = "failed:unplugged"
    UNKNOWN = "unknown"


FAILED = frozenset(o for o in Outcome if o.startswith("failed:"))
_FAULT_OUTCOME = {PrinterState.PAPER_OUT: Outcome.PAPER_OUT, PrinterState.COVER_OPEN: Outcome.COVER_OPEN,
                  PrinterState.OFFLINE: Outcome.OFFLINE}

#: what the screen tells the resident
MESSAGES = {
    Outcome.PRINTED: N_("打印完成，请取走凭条"),
    Outcome.PAPER_OUT: N_("打印机缺纸，暂时不能打印。请看屏幕上的信息或用手机扫码，并告知工作人员"),
    Outcome.COVER_OPEN: N_("打印机仓盖没有关好，暂时不能打印。请看屏幕上的信息或用手机扫码，并告知工作人员"),
    Outcome.OFFLINE: N_("打印机暂时不能使用。请看屏幕上的信息或用手机扫码，并告知工作人员"),
    Outcome.UNPLUGGED: N_("打印机连接中断，凭条可能没有打完。请看屏幕上的信息或用手机扫码，并告知工作人员"),
    Outcome.UNKNOWN: N_("凭条已发送到打印机。如果没有出纸，请看屏幕上的信息或用手机扫码"),
}


@dataclass(frozen=True)
class PrintResult:
    job_id: str
    kind: str
    outcome: Outcome
    detail: str
    bytes_sent: int
    state: PrinterState

    @property
    def printed(self) -> bool:
        return self.outcome is Outcome.PRINTED

    @property
    def fallback(self) -> bool:
        """The screen should show what the paper would have shown."""
        return not self.printed

    @property
    def message(self) -> str:
        return MESSAGES[self.outcome]


class PrinterListener:
    """Callbacks of the printer service; every method is a no-op until overridden.

    They are called on the printer's own threads: a Kivy listener hands over to the main
    thread with ``Clock.schedule_once``.
    """

    def on_printer_state(self, state: PrinterState, detail: str) -> None:
        pass

    def on_print_started(self, job_id: str, kind: str, ref: str) -> None:
        """A job is about to be sent (called before any byte goes out)."""

    def on_print_finished(self, result: PrintResult) -> None:
        pass


@dataclass(frozen=True)
class PrinterHealth:
    """The printer's state as plain values, for the staff screen and the heartbeat."""

    state: PrinterState
    connected: bool
    description: str
    profile: PrinterProfile
    answers_status: bool
    roll_remaining_mm: float
    roll_length_mm: float
    roll_estimate: PrinterState
    printed: int
    failed: int
    last_result: PrintResult | None
    last_error: str


class Settings(Protocol):
    """Where the roll counter is kept between restarts (the kiosk's settings table)."""

    def get_setting(self, key: str, default: str = "") -> str: ...

    def set_setting(self, key: str, value: str) -> None: ...


class PaperRoll:
    """Estimated paper used on the current roll, kept across restarts through load/save."""

    def __init__(self, length_mm: float, near_end_mm: float, load: Callable[[], float] = lambda: 0.0,
                 save: Callable[[float], None] = lambda mm: None) -> None:
        self.length_mm = length_mm
        self.near_end_mm = near_end_mm
        self._save = save
        try:
            self.used_mm = float(load())
        except (TypeError, ValueError):
            self.used_mm = 0.0

    @property
    def remaining_mm(self) -> float:
        return max(0.0, self.length_mm - self.used_mm)

    @property
    def estimate(self) -> PrinterState:
        if self.remaining_mm <= 0:
            return PrinterState.PAPER_OUT
        if self.remaining_mm < self.near_end_mm:
            return PrinterState.PAPER_NEAR_END
        return PrinterState.OK

    def add(self, mm: float) -> None:
        self.used_mm += mm
        self._save(self.used_mm)

    def reset(self) -> None:
        self.used_mm = 0.0
        self._save(0.0)


def settings_roll(settings: Settings, profile: PrinterProfile) -> PaperRoll:
    """A roll counter kept in the kiosk's settings."""

    def load() -> float:
        return float(settings.get_setting(ROLL_SETTING, "0") or 0)

    def save(mm: float) -> None:
        try:
            settings.set_setting(ROLL_SETTING, f"{mm:.1f}")
        except Exception as e:  # noqa: BLE001 - a counter that cannot be saved must not fail a print
            log.warning("cannot save the paper-roll counter: %s", e)

    return PaperRoll(profile.roll_length_mm, profile.near_end_mm, load, save)


class PrinterService:
    def __init__(self, open_transport: Callable[[], Transport], profile: PrinterProfile,
                 settings: Settings | None = None, roll: PaperRoll | None = None, status_timeout_s: float = 0.5,
                 poll_s: float = 30.0, description: str = "") -> None:
        self._open_transport = open_transport
        self.profile = profile
        self.roll = roll or (settings_roll(settings, profile) if settings is not None else
                             PaperRoll(profile.roll_length_mm, profile.near_end_mm))
        self.status_timeout_s = status_timeout_s
        self.poll_s = poll_s
        self.description = description
        self.listeners: list[PrinterListener] = []
        self.state = PrinterState.UNKNOWN
        self.connected = False
        self.last_error = ""
        self.last_result: PrintResult | None = None
        self.printed = 0
        self.failed = 0
        self._link: Transport | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the link ----------------------------------------------------------------------------
    @property
    def answers_status(self) -> bool:
        return self.profile.status and (self._link is None or self._link.bidirectional)

    def _connect(self) -> Transport:
        if self._link is None:
            link = self._open_transport()
            self.description = self.description or link.description
            link.open()  # LinkGone when it cannot
            self._link = link
            self.connected = True
            if self.answers_status:
                link.write(ASB_OFF)  # unsolicited status bytes would garble the replies
        return self._link

    def _drop(self, error: BaseException) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        self.connected = False
        if self._link is not None:
            try:
                self._link.close()
            except Exception:  # noqa: BLE001
                pass
        self._link = None

    def _query(self, link: Transport) -> StatusReport:
        if not self.answers_status:
            return StatusReport(PrinterState.UNKNOWN)
        return query(link, self.status_timeout_s)

    def _set_state(self, state: PrinterState, detail: str = "") -> None:
        old, self.state = self.state, state
        if old is PrinterState.PAPER_OUT and state in CAN_PRINT:
            log.info("printer reports paper again after paper out: roll counter reset")
            self.roll.reset()
        if old is not state:
            log.info("printer state %s -> %s %s", old, state, detail)
            self._tell("on_printer_state", state, detail)

    def health(self) -> PrinterHealth:
        return PrinterHealth(self.state, self.connected, self.description, self.profile, self.answers_status,
                             self.roll.remaining_mm, self.roll.length_mm, self.roll.estimate, self.printed,
                             self.failed, self.last_result, self.last_error)

    def _tell(self, callback: str, *args: object) -> None:
        for li in list(self.listeners):
            try:
                getattr(li, callback)(*args)
            except Exception:  # noqa: BLE001 - a broken listener must not stop the printer
                log.exception("printer listener failed")

    def check_status(self) -> PrinterState:
        """Ask the printer now (opening the link if needed). Never raises."""
        with self._lock:
            try:
                report = self._query(self._connect())
            except (LinkGone, TimeoutError, OSError) as e:
                self._drop(e)
                self._set_state(PrinterState.UNKNOWN, "unplugged")
                return self.state
            self._set_state(report.state)
            return report.state

    # -- jobs --------------------------------------------------------------------------------
    def print_receipt(self, receipt: R.Receipt) -> PrintResult:
        """Print one receipt (blocking; run it off the main thread) and tell the listeners how it went.
        The renderer is imported by the first job, not on the kiosk's way to its first frame."""
        from kiosk.devices.printer.render import render

        job = render(receipt, self.profile)
        job_id = str(uuid.uuid4())
        self._tell("on_print_started", job_id, receipt.kind, receipt.ref)
        with self._lock:
            outcome, detail, sent = self._run(job)
        result = PrintResult(job_id, receipt.kind, outcome, detail, sent, self.state)
        self.last_result = result
        if result.printed:
            self.printed += 1
        else:
            self.failed += 1
        log.info("print job %s (%s): %s, %d bytes%s", job_id[:8], receipt.kind, outcome, sent,
                 f" ({detail})" if detail else "")
        self._tell("on_print_finished", result)
        return result

    def _run(self, job: RenderedJob) -> tuple[Outcome, str, int]:
        sent = 0
        try:
            link = self._connect()
            before = self._query(link)
            if self.answers_status:
                self._set_state(before.state)
                if before.state in FAULTS:
                    return _FAULT_OUTCOME[before.state], f"before the job: {before.state}", 0
                if before.state is PrinterState.UNKNOWN:
                    return Outcome.OFFLINE, "no answer to the status query before the job", 0
            elif self.roll.remaining_mm < job.length_mm:
                return Outcome.PAPER_OUT, (f"roll counter: {self.roll.remaining_mm:.0f} mm left, "
                                           f"the job needs {job.length_mm:.0f} mm"), 0
            for i in range(0, len(job.data), CHUNK):
                link.write(job.data[i:i + CHUNK])
                sent = i + len(job.data[i:i + CHUNK])
            self.roll.add(job.length_mm)
            if not self.answers_status:
                return Outcome.UNKNOWN, "the printer does not report status", sent
            self._stop.wait(min(MAX_SETTLE_S, job.length_mm / self.profile.print_speed_mm_s))
            after = self._query(link)
            self._set_state(after.state)
            if after.state in CAN_PRINT:
                return Outcome.PRINTED, "" if after.state is PrinterState.OK else "paper near end", sent
            if after.state in FAULTS:
                return _FAULT_OUTCOME[after.state], f"after the job: {after.state}", sent
            return Outcome.UNKNOWN, "no answer to the status query after the job", sent
        except LinkGone as e:
            self._drop(e)
            self._set_state(PrinterState.UNKNOWN, "unplugged")
            return Outcome.UNPLUGGED, str(e)[:200], sent
        except (TimeoutError, OSError) as e:
            self._drop(e)
            self._set_state(PrinterState.UNKNOWN, "not taking data")
            return Outcome.OFFLINE, f"{type(e).__name__}: {e}"[:200], sent

    # -- staff actions -----------------------------------------------------------------------
    def reset_roll(self) -> str:
        self.roll.reset()
        return f"纸卷计数已重置（新纸卷 {self.roll.length_mm / 1000:.0f} 米）"

    def test_print(self, station) -> str:
        from kiosk.domain import receipts as R

        now = datetime.now(UTC).astimezone()
        p = self.profile
        receipt = R.notice("打印测试", [
            f"打印机：{self.description or '未连接'}",
            f"纸宽：{p.paper_width_mm} mm（{p.columns} 列） 配置：{p.name}",
            f"中文编码：{p.encoding.upper()} 二维码：{'打印机生成' if p.native_qr else '图像'}",
            "汉字：津彩e就业 就业驿站 家门口就业服务",
            "ASCII 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ], station, now, ref="test", qr_url="https://example.invalid/printer-test")
        r = self.print_receipt(receipt)
        return "测试页已打印" if r.printed else f"测试页未能确认打印：{r.outcome}（{r.detail or r.message}）"

    # -- the watch between jobs --------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, name="printer-status", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            if self._link is not None:
                self._link.close()
                self._link = None

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.check_status()
            self._stop.wait(self.poll_s)
