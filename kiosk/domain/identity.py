"""Who is using the kiosk during a visit, and how little of it we keep.

A resident proves identity by laying the ID card on the reader, scanning an
e-social-security-card QR, or keying the 18-character number on the keypad. Whatever the
way, the visit holds a ``Resident``: the number stays in memory only (for events that must
carry it, encrypted in the outbox), screens and paper get the masked forms, and statistics
get the keyed hash (``person_key``), never the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kiosk.domain.i18n import _
from kiosk.domain.privacy import mask_id_number, mask_name, person_key

if TYPE_CHECKING:
    from kiosk.domain.queue_rules import Person

#: how the resident logged in (``Resident.source``) → the ``identity`` field of events (docs/PROTOCOL.md)
IDENTITY_PROOF = {"card": "idcard", "qr": "essc", "keyed": "typed"}

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class InvalidIdNumber(ValueError):
    """The number cannot be a resident ID number; the message says why, for the resident."""


def check_char(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def validate_id_number(value: str, today: date | None = None) -> tuple[str, date]:
    """Normalise and check an 18-character ID number; returns (number, birth date)."""
    v = value.strip().upper()
    if len(v) != 18:
        raise InvalidIdNumber(_("身份证号应为 18 位，您输入了 {n} 位").format(n=len(v)))
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        raise InvalidIdNumber(_("身份证号只能是数字，最后一位可以是 X"))
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise InvalidIdNumber(_("身份证号里的出生日期不对，请核对")) from None
    if born > (today or date.today()) or born.year < 1900:
        raise InvalidIdNumber(_("身份证号里的出生日期不对，请核对"))
    if check_char(v[:17]) != v[17]:
        raise InvalidIdNumber(_("身份证号校验不通过，请核对后重新输入"))
    return v, born


@dataclass(frozen=True)
class Resident:
    """The identified resident of the current visit. Lives in memory only."""

    id_number: str = field(repr=False)
    birth_date: date
    name: str = field(default="", repr=False)
    source: str = "keyed"  # keyed | card | qr
    groups: frozenset[str] = frozenset()

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name) if self.name else ""

    @property
    def display(self) -> str:
        """What the session banner shows: 张* · 120104********1234."""
        return f"{self.masked_name} · {self.masked_id}" if self.name else self.masked_id

    @property
    def proof(self) -> str:
        """How identity was proven, as events carry it: idcard, essc or typed."""
        return IDENTITY_PROOF.get(self.source, "typed")

    def person(self, secret: bytes) -> Person:
        from kiosk.domain.queue_rules import Person  # the queue's rules load after the first frame

        return Person(person_key(self.id_number, secret), self.birth_date, self.groups, identity=self.proof)


def resident_from_keyed(number: str, today: date | None = None) -> Resident:
    v, born = validate_id_number(number, today)
    return Resident(v, born, source="keyed")
