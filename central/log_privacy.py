"""Personal data kept out of central's logs, uvicorn's included (``serve`` and each of its workers)."""

from __future__ import annotations

import logging


def redact_logs() -> None:
    """Mask ID and mobile numbers in every record of every handler, uvicorn's included: messages,
    exception text and stacks (kiosk.domain.privacy.RedactingFilter)."""
    from kiosk.domain.privacy import RedactingFilter

    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for h in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactingFilter) for f in h.filters):
                h.addFilter(RedactingFilter())
