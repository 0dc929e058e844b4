"""The kiosk's nightly maintenance, in the quiet window when no resident is at the screen.

What each night does, in order:

1. **Retention**: local rows past their time go (``RETENTION``; docs/DEPLOY.md lists it for the
   city's records). What has not reached central yet is never deleted: a pending or failed event
   stays, however old.
2. **The database**: ``PRAGMA optimize``; pages freed by the deletions go back to the disk
   (``incremental_vacuum``; a database made before that was possible is converted once with a
   ``VACUUM``); the WAL is checkpointed and truncated.
3. **Temporary files** the kiosk's own parts left behind in the temp directory (speech, simulator
   and tour folders of processes that are gone).
4. **The vacancy search**: what expired by today is swept in its index (``kiosk.store.search.
   sweep_expired``), so the day's searches leave it out with one posting list, and each text
   index is merged into one segment (``merge_segments``).
5. **The printer**: its status is asked for, so a roll that ran out overnight is on the staff
   screen and at central before the station opens.

The result is recorded as a ``kiosk.maintained`` outbox event with the figures, so central sees
every kiosk's last night.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.store.engine import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    table: str
    #: the column the age is measured from (naive UTC)
    column: str
    days: int
    #: an extra SQL condition; rows it excludes are kept however old
    only: str = ""
    why: str = ""


#: How long the kiosk keeps its own rows. Central holds the records; the kiosk keeps what its
#: screens and the staff panel still show, and no personal key longer than that.
RETENTION = (
    Rule("outbox_events", "sent_at", 30, "state = 'sent'", "sent events: central has them"),
    Rule("outbox_events", "occurred_at", 90, "state = 'rejected'", "refused events: for the staff panel"),
    Rule("tickets", "issued_at", 30, "", "queue tickets: today's queue and a month of counts"),
    Rule("print_jobs", "created_at", 30, "", "print records: the staff panel's printer history"),
    Rule("appointments", "starts_at", 30, "", "bookings made here, a month after their time"),
    Rule("service_requests", "created_at", 90, "", "home-visit and proxy requests (我的申请)"),
    Rule("interest_marks", "created_at", 180, "", "job applications (我的申请)"),
)

#: the station day of the last nightly run (a setting), so a restart in the window does not run it twice
LAST_DAY = "maintenance.last_day"
#: a remote ``reboot`` order is waiting for the quiet window (a setting)
REBOOT_DUE = "maintenance.reboot_due"
#: folders the kiosk's parts make in the temp directory (kiosk.devices.speaker, the simulators, tours)
TEMP_PREFIXES = ("kiosk-speaker-", "scanner-sim-", "kiosk-tour-")


@dataclass
class Report:
    deleted: dict[str, int] = field(default_factory=dict)
    freed_mb: float = 0.0
    db_mb: float = 0.0
    vacuum: str = ""
    temp_removed: int = 0
    printer: str = ""
    seconds: float = 0.0

    def as_event(self) -> dict[str, Any]:
        return {"deleted": self.deleted, "freed_mb": round(self.freed_mb, 2), "db_mb": round(self.db_mb, 2),
                "vacuum": self.vacuum, "temp_removed": self.temp_removed, "printer": self.printer,
                "seconds": round(self.seconds, 2)}


class MaintenanceDesk:
    def __init__(self, store: Store, printer_state: Callable[[], str] | None = None,
                 temp_dir: Path | None = None, now: Callable[[], datetime] | None = None,
                 search_index: Callable[[], object] | None = None) -> None:
        """``search_index``: brings the vacancy search index up to today (``VacancyService.prepare``)."""
        self.store = store
        self._search_index = search_index
        self._printer_state = printer_state
        self.temp_dir = temp_dir or Path(tempfile.gettempdir())
        self._now = now or (lambda: datetime.now(UTC).replace(tzinfo=None))

    def run(self, progress: Callable[[str], None] = lambda _line: None) -> Report:
        started = time.monotonic()
        report = Report()
        progress("retention")
        report.deleted = self.apply_retention()
        progress("database")
        report.vacuum, report.freed_mb, report.db_mb = self.tidy_database()
        progress("temporary files")
        report.temp_removed = self.remove_stale_temp()
        if self._search_index is not None:
            progress("search index")
            self._search_index()
        if self._printer_state is not None:
            progress("printer")
            try:
                report.printer = self._printer_state()
            except Exception as e:  # noqa: BLE001 - a printer that cannot answer is a finding, not a crash
                report.printer = f"no answer: {e}"[:80]
        report.seconds = time.monotonic() - started
        from kiosk.store.outbox import add_event

        with self.store.session() as s:
            add_event(s, "kiosk.maintained", report.as_event())
        log.info("nightly maintenance: %s", report.as_event())
        return report

    def run_if_due(self, now: datetime, window: str) -> Report | None:
        """Run once per station day, when ``now`` (station time) is in ``window``."""
        if not window or not in_window(now, window):
            return None
        day = now.date().isoformat()
        if self.store.get_setting(LAST_DAY) == day:
            return None
        report = self.run()
        self.store.set_setting(LAST_DAY, day)
        return report

    def reboot_if_due(self, now: datetime, window: str, command: str) -> bool:
        """A remote ``reboot`` order waits for the quiet window; then ``command`` runs (once)."""
        if not window or not in_window(now, window) or self.store.get_setting(REBOOT_DUE) != "1":
            return False
        import shlex
        import subprocess

        self.store.set_setting(REBOOT_DUE, "")
        log.warning("rebooting, as city IT asked: %s", command)
        subprocess.run(shlex.split(command), check=False, timeout=120)
        return True

    def apply_retention(self) -> dict[str, int]:
        from sqlalchemy import text

        now = self._now()
        deleted: dict[str, int] = {}
        with self.store.session() as s:
            for r in RETENTION:
                where = f"{r.column} < :cutoff" + (f" AND {r.only}" if r.only else "")
                n = s.execute(text(f"DELETE FROM {r.table} WHERE {where}"),  # noqa: S608 - names from RETENTION
                              {"cutoff": now - timedelta(days=r.days)}).rowcount
                deleted[r.table] = deleted.get(r.table, 0) + max(0, n or 0)
        return deleted

    def tidy_database(self) -> tuple[str, float, float]:
        """(what was done, MB given back, MB the database holds now)."""
        engine = self.store.engine
        with engine.connect() as c:
            raw = c.connection.dbapi_connection
            page = raw.execute("PRAGMA page_size").fetchone()[0]
            before = raw.execute("PRAGMA page_count").fetchone()[0]
            mode = raw.execute("PRAGMA auto_vacuum").fetchone()[0]
            if mode == 2:  # incremental
                raw.executescript("PRAGMA incremental_vacuum;")  # sqlite3_exec: stepped until every free page is gone
                done = "incremental_vacuum"
            else:
                raw.execute("PRAGMA auto_vacuum = INCREMENTAL")
                raw.execute("VACUUM")  # once: from now on pages are given back incrementally
                done = "vacuum (converted to incremental)"
            raw.execute("PRAGMA optimize")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            after = raw.execute("PRAGMA page_count").fetchone()[0]
        return done, (before - after) * page / 2**20, after * page / 2**20

    def remove_stale_temp(self) -> int:
        """Folders of the kiosk's parts whose process is gone (the name carries no pid, so: not
        touched for a day)."""
        removed = 0
        cutoff = time.time() - 24 * 3600
        for p in self.temp_dir.iterdir() if self.temp_dir.is_dir() else ():
            if p.is_dir() and p.name.startswith(TEMP_PREFIXES) and p.stat().st_mtime < cutoff:
                shutil.rmtree(p, ignore_errors=True)
                removed += 1
        return removed


def in_window(now: datetime, window: str) -> bool:
    """Whether local time ``now`` falls in ``window`` ("02:00-04:00"; may cross midnight)."""
    start_s, end_s = window.split("-")
    h1, m1 = map(int, start_s.split(":"))
    h2, m2 = map(int, end_s.split(":"))
    t, a, b = now.hour * 60 + now.minute, h1 * 60 + m1, h2 * 60 + m2
    return a <= t < b if a <= b else (t >= a or t < b)

