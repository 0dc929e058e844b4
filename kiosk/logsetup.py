"""Logging set-up. Personal data never reaches a log: see kiosk.domain.privacy for the filter."""

from __future__ import annotations

import logging
import os


def setup_logging(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose or os.environ.get("KIOSK_DEBUG") else logging.INFO
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from kiosk.domain.privacy import RedactingFilter

    if RECENT not in root.handlers:
        root.addHandler(RECENT)
    for h in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in h.filters):
            h.addFilter(RedactingFilter())


class RecentLines(logging.Handler):
    """The last lines logged, in memory, for a remote ``upload_logs`` order (personal data masked
    by the same filter as every other handler)."""

    def __init__(self, keep: int = 2000) -> None:
        from collections import deque

        super().__init__(logging.INFO)
        self.lines: deque[str] = deque(maxlen=keep)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - logging must never fail the caller
            self.handleError(record)

    def last(self, n: int) -> list[str]:
        return list(self.lines)[-n:]


#: installed by setup_logging
RECENT = RecentLines()
