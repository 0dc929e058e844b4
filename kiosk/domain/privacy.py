"""Personal-data helpers (PIPL): masking for screens and paper, and a log filter.

Masking follows the station rule: an 18-character ID number keeps its first six and last
four characters (``120104********1234``); a mobile number keeps its first three and last four.
"""

from __future__ import annotations

import logging
import re

ID_NUMBER_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9Xx])")
MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")


def mask_id_number(value: str) -> str:
    v = value.strip()
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


#: a whole field holding a mainland mobile number: 11 digits, 1 then 3-9
MOBILE_NUMBER = re.compile(r"^1[3-9][0-9]{9}$")


def mask_phone(value: str) -> str:
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; keeps the surname (first character) only."""
    v = value.strip()
    return v[:1] + "*" * (len(v) - 1) if len(v) > 1 else v


def redact(text: str) -> str:
    """Mask anything that looks like an ID number or a mobile number."""
    text = ID_NUMBER_RE.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    return MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class RedactingFilter(logging.Filter):
    """Masks ID and mobile numbers in every log record, whatever the logger: the message, and the
    exception and stack text a ``log.exception`` adds (an exception's message often quotes the
    value that failed, e.g. a ValueError naming an ID number)."""

    _format = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not drop the record
            return True
        red = redact(msg)
        if red != msg:
            record.msg, record.args = red, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._format.formatException(record.exc_info)  # what the handler would print
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def person_key(id_number: str, secret: bytes) -> str:
    """The de-duplication key for statistics: a keyed hash, so the ID number itself is never
    stored and the key cannot be reversed without the kiosk's secret."""
    import hashlib
    import hmac

    return hmac.new(secret, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()[:32]
