"""投递意向: a resident asks the station to pass their interest in a vacancy to the employer.

The interest carries a phone (typed on the keypad, with consent) so that staff can reach the
person, a short reference for the counter, and the SHA-256 of a capability token: the slip's QR
opens the interest's phone page (``config.interest_url(token)``), where its status shows.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.domain.bookings import REFERENCE_ALPHABET
from kiosk.domain.capability import new_token, token_hash
from kiosk.domain.i18n import _
from kiosk.domain.privacy import MOBILE_NUMBER, mask_phone

if TYPE_CHECKING:
    from kiosk.domain.identity import Resident
    from kiosk.domain.vacancy_views import VacancyView
    from kiosk.store.engine import Store
    from kiosk.store.outbox import OutboxCipher

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
    if not MOBILE_NUMBER.match(digits):
        raise InterestRefused(_("请输入 11 位手机号码，以 1 开头"))
    return digits


def consent_text(vacancy: VacancyView, masked_phone: str = "") -> str:
    phone = _("和手机号{phone}").format(phone=masked_phone) if masked_phone else ""
    if vacancy.is_day_job:
        return _("报名零工：我们会把您的姓名{phone}交给“{employer}”，身份证号发给本驿站，"
                 "只用于联系您{days}的“{title}”用工，不作他用。本机不保存您的信息。").format(
            phone=phone, employer=vacancy.employer, days=vacancy.work_days, title=vacancy.title)
    return _("我们会把您的身份证号{phone}发给本驿站，由工作人员核实后推荐给“{employer}”，"
             "用于“{title}”岗位的面试联系，不作他用。本机不保存您的信息。").format(
        phone=phone, employer=vacancy.employer, title=vacancy.title)


#: status on central (the ``interests`` feed) → what the resident reads under 我的申请
STATUS_NAMES = {"new": "已提交，等待驿站联系", "contacted": "驿站已联系您", "referred": "已推荐给用人单位",
                "interview": "已安排面试", "hired": "已录用", "failed": "未成功"}


OPEN_STATUSES = frozenset({"new", "contacted", "referred", "interview"})


@dataclass(frozen=True)
class Submitted:
    """When an interest was taken, as 我的申请 labels it (the place a request's window goes)."""

    label: str


@dataclass(frozen=True)
class InterestView:
    """One interest as 我的申请 shows it (the job and where it stands; nothing personal). It reads
    like a ``home_services.RequestView`` (kind_name, reason, reference, window.label, status_text),
    so one card shows both."""

    id: str
    title: str
    employer: str
    created_at: datetime
    status: str
    kind: str = "interest"
    #: the reference printed on the slip
    reference: str = ""

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def status_text(self) -> str:
        return self.status_name

    @property
    def kind_name(self) -> str:
        return "投递意向"

    @property
    def reference_label(self) -> str:
        """What the printed slip calls the reference."""
        return "登记编号"

    @property
    def reason(self) -> str:
        return f"{self.title}（{self.employer}）" if self.employer else self.title

    @property
    def window(self) -> Submitted:
        local = self.created_at + timedelta(hours=8)  # created_at is naive UTC; stations keep Beijing time
        return Submitted(f"{local.month}月{local.day}日提交")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class InterestDesk:
    def __init__(self, store: Store, cipher: Callable[[], OutboxCipher], station_id: str) -> None:
        self.store = store
        self.cipher = cipher
        self.station_id = station_id

    def express(self, resident: Resident, vacancy: VacancyView, phone: str, person_key: str = "") -> InterestExpressed:
        """One encrypted ``interest.expressed`` event, committed before anything is printed; with
        ``person_key``, also the row 我的申请 lists, in the same transaction."""
        from kiosk.store.models import InterestMark
        from kiosk.store.outbox import add_event

        digits = check_phone(phone)
        token = new_token()
        reference = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        # 报名 for a day job: the resident agreed that the employer gets their name and phone
        signup = {"kind": "signup", "shared": True, "name": resident.name[:40]} if vacancy.is_day_job else {}
        with self.store.session() as s:
            event_id = add_event(s, "interest.expressed", {
                "station_id": self.station_id, "vacancy_id": vacancy.id, "employer": vacancy.employer,
                "title": vacancy.title, "id_number": resident.id_number, "phone": digits, "consent": True,
                "reference": reference, "token_hash": token_hash(token),
                **({"person_key": person_key} if person_key else {}), **signup,
            }, cipher=self.cipher(), personal=True)
            if person_key:
                s.add(InterestMark(id=event_id, person_key=person_key, vacancy_id=vacancy.id[:40],
                                   title=vacancy.title[:100], employer=vacancy.employer[:120], reference=reference,
                                   created_at=datetime.now(UTC).replace(tzinfo=None)))
        return InterestExpressed(event_id, reference, mask_phone(digits), token)

    def mine(self, person_key: str) -> list[InterestView]:
        """The person's interests taken at this kiosk, newest first, with their status from central."""
        from sqlalchemy import select

        from kiosk.store.models import InterestMark, InterestStatus

        with self.store.read() as s:
            rows = s.execute(select(InterestMark, InterestStatus.status)
                             .outerjoin(InterestStatus, InterestStatus.id == InterestMark.id)
                             .where(InterestMark.person_key == person_key)
                             .order_by(InterestMark.created_at.desc())).all()
            return [InterestView(m.id, m.title, m.employer, m.created_at, st or "new", reference=m.reference)
                    for m, st in rows]
