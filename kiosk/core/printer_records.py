"""What the kiosk keeps and shows about its receipt printer: the journal of print jobs (one
``PrintJob`` row per job, written when the printer service reports the job's start and end) and
the staff screen's 打印机 section, built from the service's plain ``PrinterHealth`` values.

The printer service (``kiosk.devices.printer``) knows nothing of the database or the staff
screen; the app attaches a ``PrintJournal`` as one of its listeners.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk.devices.printer.service import PrinterListener, PrintResult
from kiosk.devices.printer.status import CAN_PRINT, PrinterState
from kiosk.domain.status import Section, StatusRow

if TYPE_CHECKING:
    from kiosk.devices.printer.service import PrinterService
    from kiosk.store.engine import Store

log = logging.getLogger(__name__)


def utc_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class PrintJournal(PrinterListener):
    """Writes a ``PrintJob`` row when a job starts (``pending``) and its outcome when it ends.

    Called on the printing thread. A row that cannot be written is logged and the print goes on:
    the resident still gets the paper, the screen still gets the result.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def on_print_started(self, job_id: str, kind: str, ref: str) -> None:
        from kiosk.store.models import PrintJob

        try:
            with self.store.session() as s:
                s.add(PrintJob(id=job_id, kind=kind[:20], ref=ref[:40], created_at=utc_naive(),
                               outcome="pending", detail="", bytes_sent=0))
        except Exception:  # noqa: BLE001 - the resident still gets the paper; the log says what broke
            log.exception("cannot record print job %s", job_id[:8])

    def on_print_finished(self, result: PrintResult) -> None:
        from kiosk.store.models import PrintJob

        try:
            with self.store.session() as s:
                job = s.get(PrintJob, result.job_id)
                if job is None:
                    job = PrintJob(id=result.job_id, kind=result.kind[:20], ref="", created_at=utc_naive())
                    s.add(job)
                job.outcome = str(result.outcome)
                job.detail = result.detail[:200]
                job.bytes_sent = result.bytes_sent
                job.finished_at = utc_naive()
        except Exception:  # noqa: BLE001 - the result still goes to the screen
            log.exception("cannot record the end of print job %s", result.job_id[:8])


def printer_section(service: PrinterService, station: Any) -> Section:
    """The staff screen's 打印机 section: state, link, roll, jobs, and the two staff actions."""

    def rows() -> list[StatusRow]:
        h = service.health()
        p = h.profile
        rows = [
            StatusRow("状态", h.state.label if h.connected or h.state is not PrinterState.UNKNOWN else "无法连接",
                      h.state in CAN_PRINT),
            StatusRow("连接", h.description or "未连接"),
            StatusRow("配置", f"{p.name} · {p.paper_width_mm} mm · {p.encoding.upper()} · "
                            f"{'原生二维码' if p.native_qr else '图像二维码'} · "
                            f"{'能' if h.answers_status else '不能'}回报状态"),
            StatusRow("纸卷剩余（估计）", f"约 {h.roll_remaining_mm / 1000:.1f} 米 / {h.roll_length_mm / 1000:.0f} 米",
                      h.roll_estimate is PrinterState.OK),
            StatusRow("本次开机打印", f"成功 {h.printed} · 未成功 {h.failed}"),
        ]
        if h.last_result is not None:
            rows.append(StatusRow("最近一次", f"{h.last_result.kind}：{h.last_result.outcome}",
                                  h.last_result.printed))
        rows.append(StatusRow("最近错误", h.last_error or "无"))
        return rows

    return Section("打印机", rows, {
        "测试打印": lambda: service.test_print(station),
        "换纸后重置纸卷计数": service.reset_roll,
    })
