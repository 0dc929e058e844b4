"""投递意向: a resident asks the station to pass their interest in a vacancy to the employer.

The interest carries a phone (typed on the keypad, with consent) so that staff can reach the
person, a short reference for the counter, and the SHA-256 of a capability token: the slip's QR
opens the interest's phone page (``config.interest_url(token)``), where its status shows.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.core.appointments import REFERENCE_ALPHABET
from kiosk.core.capability import new_token, token_hash
from kiosk.core.privacy import mask_phone

if TYPE_CHECKING:
    from kiosk.core.identity import Resident
    from kiosk.core.vacancies import VacancyView
    from kiosk.store.engine import Store
    from kiosk.store.outbox import OutboxCipher

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
REFERENCE_PREFIX = "YX"


class InterestRefused(ValueError):
    """Why an interest was not taken; the message is for the resident."""


@dataclass(frozen=True)
class InterestExpressed:
    event_id: str
    reference: str
    masked_phone: str
    #: the capability token of the interest's phone page (in memory only; its hash went to central)
    token: str


def check_phone(phone: str) -> str:
    digits = phone.strip()
    if not PHONE_RE.match(digits):
        raise InterestRefused("请输入 11 位手机号码，以 1 开头")
    return digits


def consent_text(vacancy: VacancyView, masked_phone: str = "") -> str:
    phone = f"和手机号{masked_phone}" if masked_phone else ""
    return (f"我们会把您的身份证号{phone}发给本驿站，由工作人员核实后推荐给“{vacancy.employer}”，"
            f"用于“{vacancy.title}”岗位的面试联系，不作他用。本机不保存您的信息。")


class InterestDesk:
    def __init__(self, store: Store, cipher: Callable[[], OutboxCipher], station_id: str) -> None:
        self.store = store
        self.cipher = cipher
        self.station_id = station_id

    def express(self, resident: Resident, vacancy: VacancyView, phone: str) -> InterestExpressed:
        """One encrypted ``interest.expressed`` event, committed before anything is printed."""
        from kiosk.store.outbox import add_event

        digits = check_phone(phone)
        token = new_token()
        reference = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        with self.store.session() as s:
            event_id = add_event(s, "interest.expressed", {
                "station_id": self.station_id, "vacancy_id": vacancy.id, "employer": vacancy.employer,
                "title": vacancy.title, "id_number": resident.id_number, "phone": digits, "consent": True,
                "reference": reference, "token_hash": token_hash(token),
            }, cipher=self.cipher(), personal=True)
        return InterestExpressed(event_id, reference, mask_phone(digits), token)
