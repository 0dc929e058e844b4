"""Progress lines for long commands (seeding, syncing, importing, benchmarking)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Prints ``label: done/total (pct%)`` to stderr, at most a few times a second.

    On a terminal the line is rewritten in place; in a log (CI) each update is its own line,
    at most every ``log_every_s`` seconds, so a long job still shows it is alive.
    """

    def __init__(self, label: str, stream: TextIO | None = None, log_every_s: float = 2.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = 0.0
        self._every = 0.2 if self.tty else log_every_s
        self._start = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        final = done >= total
        if not final and now - self._last < self._every:
            return
        self._last = now
        pct = 100 * done / total if total else 100
        line = f"{self.label}: {done}/{total} ({pct:.0f}%) {now - self._start:.1f}s"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
