"""What a scanned code is, and what the kiosk does with it.

Residents hold three kinds of codes under the scanner:

- **the electronic social security card (电子社保卡) QR**, shown in a phone app, to log in. The
  real code is a short-lived token of the national e-SSC platform; only the provincial 人社
  platform can resolve it to a person, online. The kiosk therefore reads it as
  ``ESSC1:<token>`` and asks a *resolver* for the ID number. The demo resolver accepts tokens
  ``DEMO-<18-character ID number>`` (the payload ``demo_essc_payload`` makes); the number is then
  checked like a keyed one (GB 11643 check character, birth date). A kiosk without a resolver
  tells the resident to use the ID card instead. The token and the number are never logged.
- **a queue-ticket QR**, printed on the ticket: ``config.ticket_url(id)``, by default
  ``{central_url}/tickets/{id}``. Scanning it shows where the ticket is in the queue.
- **a job QR**, printed on job listings and shortlists: ``config.job_url(id)``. Scanning it
  opens the vacancy.
- **a request QR**, printed on a home-visit or proxy confirmation:
  ``config.service_request_url(reference)``. Scanning it shows where the request stands.
- **an appointment QR**, printed on a booking confirmation: ``config.appointment_url(token)``
  (the phone page's capability token). Scanning it on the day checks the resident in: central
  marks the booking arrived and the kiosk issues a priority ticket for the service.

Anything else is unknown, and the resident is told so in plain words. Matching is tolerant of
what scanners do to URLs: upper case, http for https, a trailing slash, a query string.

This module imports no device or UI code: the scanner thread calls ``classify`` and hands the
result to the UI.
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.domain.identity import InvalidIdNumber, Resident, validate_id_number

ESSC_PREFIX = "ESSC1:"
DEMO_TOKEN_PREFIX = "DEMO-"
#: The code printed on the staff test card (and sent by the simulator's self-test).
TEST_CODE = "KIOSK-SCANNER-TEST"

UNKNOWN_MESSAGE = "无法识别此二维码。请扫描电子社保卡二维码，或排队小票上的二维码"
ESSC_INVALID_MESSAGE = "电子社保卡二维码无效，请在手机上刷新二维码后再扫，或刷身份证"
ESSC_UNAVAILABLE_MESSAGE = "本机暂不支持电子社保卡扫码登录，请刷身份证或输入身份证号"


class ScanKind(enum.Enum):
    ESSC = "essc"
    TICKET = "ticket"
    JOB = "job"
    REQUEST = "request"
    APPOINTMENT = "appointment"
    TEST = "test"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScanResult:
    kind: ScanKind
    #: the ticket id or the vacancy id
    ref: str = ""
    #: the logged-in resident, for a valid e-SSC code
    resident: Resident | None = field(default=None, repr=False)
    #: for the resident, when the code is refused or unknown ("" when accepted)
    message: str = ""
    #: for the staff log: why it was refused (never the code or the number)
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return not self.message


class EsscUnavailable(RuntimeError):
    """The e-SSC platform cannot be asked (not configured, or unreachable)."""


class InvalidEssc(ValueError):
    """The token is not a valid e-SSC token; the message is for the staff log."""


EsscResolver = Callable[[str], str]


def demo_essc_payload(id_number: str) -> str:
    """The QR text of a demo e-SSC code for this (made-up) resident."""
    return f"{ESSC_PREFIX}{DEMO_TOKEN_PREFIX}{id_number}"


def demo_essc_resolver(token: str) -> str:
    """The demo stand-in for the provincial platform: ``DEMO-<ID number>`` → the ID number."""
    if not token.startswith(DEMO_TOKEN_PREFIX):
        raise InvalidEssc("not a demo token")
    return token[len(DEMO_TOKEN_PREFIX):]


def no_essc_resolver(_token: str) -> str:
    raise EsscUnavailable("no e-SSC resolver is configured on this kiosk")


APPOINTMENT_TOKEN = re.compile(r"[0-9a-fA-F]{32,64}")
_ID = r"(?P<id>[A-Za-z0-9][A-Za-z0-9._~-]{0,63})"


def url_pattern(template: str, central_url: str) -> re.Pattern[str]:
    """A pattern matching URLs made from ``template`` (``{central_url}``, ``{id}``, ``{token}``, ``{station_id}``)."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name == "central_url":
            parts.append(re.escape(central_url.rstrip("/")))
        elif name == "id":
            parts.append(_ID)
        elif name == "token":
            parts.append(r"[A-Za-z0-9_-]*")
        elif name == "station_id":
            parts.append(r"[A-Za-z0-9_.:-]*")
        elif name is not None:
            raise ValueError(f"unknown placeholder {{{name}}} in {template!r}")
    body = "".join(parts)
    body = re.sub(r"^https?://", "https?://", body)  # http and https alike
    return re.compile(rf"{body}/?(?:[?#].*)?", re.IGNORECASE)


class ScanClassifier:
    def __init__(self, ticket_url_template: str, job_url_template: str, central_url: str,
                 resolve_essc: EsscResolver = no_essc_resolver, today: Callable[[], date] | None = None,
                 request_url_template: str = "{central_url}/requests/{id}",
                 appointment_url_template: str = "{central_url}/appointments/{id}") -> None:
        self._ticket = url_pattern(ticket_url_template, central_url)
        self._appointment = url_pattern(appointment_url_template, central_url)
        self._job = url_pattern(job_url_template, central_url)
        self._request = url_pattern(request_url_template, central_url)
        self._resolve = resolve_essc
        self._today = today

    @classmethod
    def from_config(cls, config: Any) -> ScanClassifier:
        """The classifier for a ``KioskConfig`` (not imported here: the domain knows no settings files)."""
        resolver = demo_essc_resolver if config.demo.enabled else no_essc_resolver
        return cls(config.ticket_url_template, config.job_url_template, config.central.url, resolver,
                   request_url_template=config.service_request_url_template,
                   appointment_url_template=config.appointment_url_template)

    def classify(self, text: str) -> ScanResult:
        code = text.strip()
        if code.upper().startswith(ESSC_PREFIX):
            return self._essc(code[len(ESSC_PREFIX):].strip())
        if code.upper() == TEST_CODE:
            return ScanResult(ScanKind.TEST)
        if m := self._ticket.fullmatch(code):
            return ScanResult(ScanKind.TICKET, m["id"].lower())  # ticket ids are UUIDs: case does not matter
        if m := self._job.fullmatch(code):
            return ScanResult(ScanKind.JOB, m["id"])
        if (m := self._appointment.fullmatch(code)) and APPOINTMENT_TOKEN.fullmatch(m["id"]):
            return ScanResult(ScanKind.APPOINTMENT, m["id"].lower())  # hex: a scanner's case does not matter
        if m := self._request.fullmatch(code):
            return ScanResult(ScanKind.REQUEST, m["id"].upper())  # references are upper case
        return ScanResult(ScanKind.UNKNOWN, message=UNKNOWN_MESSAGE, detail=f"unknown code of {len(code)} chars")

    def _essc(self, token: str) -> ScanResult:
        try:
            number = self._resolve(token)
        except EsscUnavailable as e:
            return ScanResult(ScanKind.ESSC, message=ESSC_UNAVAILABLE_MESSAGE, detail=str(e))
        except InvalidEssc as e:
            return ScanResult(ScanKind.ESSC, message=ESSC_INVALID_MESSAGE, detail=f"invalid e-SSC token: {e}")
        try:
            valid, born = validate_id_number(number, self._today() if self._today else None)
        except InvalidIdNumber as e:
            # the reason ("校验不通过" …) names no digits, so it may go to the staff log
            return ScanResult(ScanKind.ESSC, message=ESSC_INVALID_MESSAGE, detail=f"e-SSC number refused: {e}")
        return ScanResult(ScanKind.ESSC, resident=Resident(valid, born, source="qr"))
