"""What a laid ID card or a scanned code does, decided from where the kiosk is.

Device threads hand their input to the app; the app asks ``route_card`` / ``route_scan`` (pure,
no Kivy) and applies the ``Route`` on the main thread. The rules:

- Nobody is using the kiosk (the attract screen): a card left on the reader from before is
  ignored; an e-SSC code starts a visit on the home screen, logged in; a job or request code
  starts a visit on the home screen and opens its page from there (so 返回 leads home).
- On the login screen a card or an e-SSC code goes to the login screen, which continues to
  where the resident was going.
- Anywhere else a card or an e-SSC code logs the resident in where they are.
- A ticket code shows the ticket's place in the line (looked up on a worker), wherever it is.
- The scanner's test code only says the scanner works; a refused or unknown code says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.domain.i18n import N_
from kiosk.domain.scans import ScanKind, ScanResult

if TYPE_CHECKING:
    from kiosk.domain.identity import Resident

log = logging.getLogger(__name__)

IDLE_SCREEN = "attract"
LOGIN_SCREEN = "login"
CARD_READ = N_("已读取身份证")
ESSC_READ = N_("已读取电子社保卡")
SCANNER_WORKS = N_("扫码器工作正常")
CHECKING_IN = N_("正在签到…")


@dataclass(frozen=True)
class Route:
    """What the app does with one input, in this order; the default does nothing."""

    #: the login screen takes this resident and continues (nothing else happens)
    to_login: Resident | None = field(default=None, repr=False)
    #: the visit's resident from now on
    log_in: Resident | None = field(default=None, repr=False)
    #: begin a visit on the home screen first (the input came on the attract screen)
    start_visit: bool = False
    #: open this screen with these parameters
    open: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    #: show this ticket's place in the line (a database look-up: on a worker)
    ticket: str = ""
    #: check in this appointment (by its scanned code) at central (on a worker)
    check_in: str = ""
    #: a short message for the resident
    toast: str = ""

    @property
    def ignored(self) -> bool:
        return self == Route()


def resident_from_card(card: Any) -> Resident:
    """The resident a laid card identifies (source "card")."""
    from kiosk.domain.identity import Resident

    return Resident(card.id_number, card.birth_date, name=card.name, source="card")


def route_card(current: str, resident: Resident) -> Route:
    """A card was laid on the reader while ``current`` is showing."""
    if current == IDLE_SCREEN:
        return Route()  # nobody is using the kiosk: a card left from before is ignored
    if current == LOGIN_SCREEN:
        return Route(to_login=resident)
    return Route(log_in=resident, toast=CARD_READ)


def route_scan(current: str, result: ScanResult) -> Route:
    """A code was scanned (and classified) while ``current`` is showing."""
    idle = current == IDLE_SCREEN
    if result.kind is ScanKind.TEST:
        return Route(toast=SCANNER_WORKS)
    if not result.accepted:
        log.info("scanned code refused: %s", result.detail)
        return Route(toast=result.message)
    if result.kind is ScanKind.ESSC:
        if current == LOGIN_SCREEN:
            return Route(to_login=result.resident)
        return Route(log_in=result.resident, start_visit=idle, toast=ESSC_READ)
    if result.kind is ScanKind.TICKET:
        return Route(ticket=result.ref)
    if result.kind is ScanKind.JOB:
        return Route(start_visit=idle, open="vacancy_detail", params={"vacancy_id": result.ref})
    if result.kind is ScanKind.REQUEST:
        return Route(start_visit=idle, open="home_service", params={"reference": result.ref})
    if result.kind is ScanKind.APPOINTMENT:
        return Route(check_in=result.ref, toast=CHECKING_IN)
    return Route()
