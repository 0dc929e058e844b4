"""上门服务 (home visits) and 代理服务 (the station handles a matter on the resident's behalf).

A request names a street of the station's district and a short detail keyed on the numeric
keypad (building, unit, room), a half-day window on one of the next working days, a reason
from a list and a phone number. Home visits are for residents aged 60 or more (from the ID
number's birth date) or who declare themselves 残疾人, 就业困难人员 or 行动不便; staff check the
declaration. A person holds at most one open request of each kind.

The request row (person as a keyed hash, window, reason) and its encrypted
``home_visit.requested`` / ``proxy.requested`` event commit together before anything is
printed. Staff follow up on central; the ``service_requests`` feed brings the status back
(``ServiceRequestStatus``), so the resident sees it under 我的申请 on the next visit.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from kiosk.domain import tianjin
from kiosk.domain.bookings import REFERENCE_ALPHABET
from kiosk.domain.capability import new_token, token_hash
from kiosk.domain.dates import WEEKDAYS
from kiosk.domain.privacy import MOBILE_NUMBER

if TYPE_CHECKING:
    from kiosk.domain.identity import Resident
    from kiosk.store.engine import Store
    from kiosk.store.outbox import OutboxCipher

Kind = Literal["home_visit", "proxy"]
Half = Literal["am", "pm"]

HOME_VISIT_AGE = 60
#: what a resident under 60 may declare to ask for a home visit (staff check it)
ELIGIBILITY_GROUPS = ("残疾人", "就业困难人员", "行动不便")
HOME_VISIT_REASONS = ("就业登记", "政策咨询", "职业指导", "失业登记", "补贴申领协助", "其他")
PROXY_REASONS = ("代办失业保险金申领", "代办就业困难人员认定", "代办社保补贴申领", "代办档案转递", "代办职业培训报名", "其他")
#: what the resident hands over to the station for each proxy matter
PROXY_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "代办失业保险金申领": ("身份证原件及复印件", "解除或终止劳动合同证明", "本人社会保障卡（银行账户）"),
    "代办就业困难人员认定": ("身份证原件及复印件", "户口簿", "能证明困难情况的材料（如残疾证、低保证）"),
    "代办社保补贴申领": ("身份证原件及复印件", "灵活就业登记或劳动合同", "本人社会保障卡（银行账户）"),
    "代办档案转递": ("身份证原件及复印件", "接收单位或存档机构的调档函"),
    "代办职业培训报名": ("身份证原件及复印件", "近期一寸照片 2 张", "学历证书复印件"),
    "其他": ("身份证原件及复印件", "与办理事项有关的材料（工作人员会电话告知）"),
}
HALVES: dict[str, str] = {"am": "上午", "pm": "下午"}
WINDOW_DAYS = 5
STATUS_NAMES = {
    "submitted": "已提交，等待驿站受理",
    "accepted": "已受理",
    "scheduled": "已安排",
    "done": "已完成",
    "refused": "无法办理",
    "cancelled": "已取消",
}
OPEN_STATUSES = frozenset({"submitted", "accepted", "scheduled"})


@dataclass(frozen=True)
class KindInfo:
    kind: Kind
    name: str
    reasons: tuple[str, ...]
    event: str


KINDS: dict[str, KindInfo] = {
    "home_visit": KindInfo("home_visit", "上门服务", HOME_VISIT_REASONS, "home_visit"),
    "proxy": KindInfo("proxy", "代理服务", PROXY_REASONS, "proxy"),
}


class RequestRefused(ValueError):
    """Why a request cannot be made or changed; the message is for the resident."""


class AlreadyOpen(RequestRefused):
    """The person already holds an open request of this kind (``existing`` is it)."""

    def __init__(self, message: str, existing: RequestView) -> None:
        super().__init__(message)
        self.existing = existing


# -- eligibility, windows, address ------------------------------------------------------------

def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def eligible_by_age(birth: date, today: date) -> bool:
    return age_on(birth, today) >= HOME_VISIT_AGE


def check_eligibility(birth: date, declared: Sequence[str], today: date) -> None:
    """Raise RequestRefused unless the resident may ask for a home visit."""
    unknown = [g for g in declared if g not in ELIGIBILITY_GROUPS]
    if unknown:
        raise RequestRefused(f"没有这个选项：{unknown[0]}")
    if not declared and not eligible_by_age(birth, today):
        raise RequestRefused("上门服务面向60岁及以上老人、残疾人、就业困难人员和行动不便的居民。"
                             "您可以申请代理服务，或到服务窗口办理")


@dataclass(frozen=True, order=True)
class Window:
    day: date
    half: str  # am | pm

    @property
    def label(self) -> str:
        return f"{self.day.month}月{self.day.day}日（周{WEEKDAYS[self.day.weekday()]}）{HALVES[self.half]}"

    @property
    def short_label(self) -> str:
        """Two short lines for a narrow button."""
        return f"{self.day.month}月{self.day.day}日\n周{WEEKDAYS[self.day.weekday()]} {HALVES[self.half]}"


def working_days(after: date, n: int = WINDOW_DAYS) -> list[date]:
    """The next ``n`` working days (Monday to Friday) after ``after``."""
    out, d = [], after
    while len(out) < n:
        d += timedelta(days=1)
        if d.weekday() < 5:
            out.append(d)
    return out


def windows(today: date, n: int = WINDOW_DAYS) -> list[Window]:
    """Half-day windows on the next working days (never today: staff need time to plan)."""
    return [Window(d, h) for d in working_days(today, n) for h in HALVES]


def streets(district: str, station_street: str) -> list[str]:
    """The streets (街道/镇) of the station's district, the station's own first."""
    try:
        names = [s.name for s in tianjin.district(district).streets]
    except KeyError:
        names = []
    if station_street:
        names = [station_street] + [n for n in names if n != station_street]
    return names


@dataclass
class Address:
    """A street and a short detail keyed with digits only (no free text)."""

    street: str = ""
    building: str = ""  # 号楼 (or 号 for a house)
    unit: str = ""  # 单元, may be empty
    room: str = ""  # 室

    LIMITS = {"building": 4, "unit": 2, "room": 5}

    @property
    def detail(self) -> str:
        parts = [f"{self.building}号楼" if self.building else "", f"{self.unit}单元" if self.unit else "",
                 f"{self.room}室" if self.room else ""]
        return "".join(parts)

    @property
    def text(self) -> str:
        return f"{self.street}{self.detail}"

    def check(self, allowed_streets: Sequence[str]) -> None:
        if self.street not in allowed_streets:
            raise RequestRefused("请选择您住的街道")
        for name, limit in self.LIMITS.items():
            v = getattr(self, name)
            if v and (not v.isdigit() or len(v) > limit or int(v) == 0):
                raise RequestRefused("门牌只能输入数字")
        if not self.building or not self.room:
            raise RequestRefused("请输入楼号和室号（单元可以不填）")

    def clear(self) -> None:
        self.street = self.building = self.unit = self.room = ""


# -- the request --------------------------------------------------------------------------------

@dataclass
class Draft:
    """What the resident has chosen so far (in memory only; wiped with the visit)."""

    kind: str = "home_visit"
    declared: list[str] = field(default_factory=list)
    address: Address = field(default_factory=Address)
    window: Window | None = None
    reason: str = ""
    phone: str = ""

    @property
    def documents(self) -> tuple[str, ...]:
        return PROXY_DOCUMENTS.get(self.reason, ()) if self.kind == "proxy" else ()

    def clear(self) -> None:
        self.kind = "home_visit"
        self.declared.clear()
        self.address.clear()
        self.window = None
        self.reason = self.phone = ""


@dataclass(frozen=True)
class RequestView:
    """A request as 我的申请 and the status page show it (no personal data)."""

    id: str
    kind: str
    reference: str
    window: Window
    reason: str
    status: str
    scheduled_at: datetime | None = None
    staff: str = ""
    note: str = ""

    @property
    def kind_name(self) -> str:
        return KINDS[self.kind].name

    @property
    def reference_label(self) -> str:
        return "申请号"

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_text(self) -> str:
        """One line for the resident: the status and what it means."""
        text = self.status_name
        if self.status == "scheduled" and self.scheduled_at:
            text += f"：{self.scheduled_at.month}月{self.scheduled_at.day}日 {self.scheduled_at:%H:%M}"
            if self.staff:
                text += f"，工作人员{self.staff}"
        if self.note:
            text += f"（{self.note}）"
        return text


@dataclass(frozen=True)
class Submitted:
    id: str
    kind: str
    reference: str
    window: Window
    reason: str
    documents: tuple[str, ...]
    #: the capability token of the request's phone page (in memory only; its hash went to central)
    token: str = ""

    @property
    def kind_name(self) -> str:
        return KINDS[self.kind].name


CONSENT_TEXT = (
    "提交后，您的身份证号、手机号、地址和以上选择将发送给本驿站和天津市公共就业服务机构，"
    "仅用于安排本次{kind}并与您联系。本机不保存您的信息：发送成功后即从本机删除，发送前加密保存。"
)


def payload(draft: Draft, resident: Resident, person_key: str, station_id: str, request_id: str,
            reference: str, today: date) -> dict:
    """The ``….requested`` payload. Personal: the outbox encrypts it at rest."""
    assert draft.window is not None
    return {
        "station_id": station_id, "request_id": request_id, "reference": reference, "kind": draft.kind,
        "id_number": resident.id_number, "name": resident.name, "phone": draft.phone,
        "person_key": person_key, "street": draft.address.street, "address_detail": draft.address.detail,
        "window_day": draft.window.day.isoformat(), "window_half": draft.window.half, "reason": draft.reason,
        "documents": list(draft.documents), "eligibility": list(draft.declared),
        "aged_60_plus": eligible_by_age(resident.birth_date, today),
        "consent": True, "identity": resident.proof,
    }


class HomeServiceDesk:
    def __init__(self, store: Store, cipher: Callable[[], OutboxCipher], station_id: str, district: str,
                 street: str, now: Callable[[], datetime]) -> None:
        self.store = store
        self.cipher = cipher
        self.station_id = station_id
        self.district = district
        self.street = street
        self._now = now

    def today(self) -> date:
        return self._now().date()

    def streets(self) -> list[str]:
        return streets(self.district, self.street)

    def windows(self) -> list[Window]:
        return windows(self.today())

    # -- reading ---------------------------------------------------------------------------
    @staticmethod
    def _view(row, st) -> RequestView:  # noqa: ANN001
        status = "cancelled" if row.status == "cancelled" else (st.status if st is not None else "submitted")
        return RequestView(row.id, row.kind, row.reference, Window(row.window_day, row.window_half), row.reason,
                           status, st.scheduled_at if st is not None else None, st.staff if st is not None else "",
                           st.note if st is not None else "")

    def mine(self, person_key: str) -> list[RequestView]:
        """The person's requests made at this kiosk, newest first, with their status from central."""
        from sqlalchemy import select

        from kiosk.store.models import ServiceRequest, ServiceRequestStatus

        with self.store.read() as s:
            rows = s.execute(
                select(ServiceRequest, ServiceRequestStatus)
                .outerjoin(ServiceRequestStatus, ServiceRequestStatus.id == ServiceRequest.reference)
                .where(ServiceRequest.person_key == person_key)
                .order_by(ServiceRequest.created_at.desc())).all()
            return [self._view(r, st) for r, st in rows]

    def open_request(self, person_key: str, kind: str) -> RequestView | None:
        return next((v for v in self.mine(person_key) if v.kind == kind and v.is_open), None)

    def by_reference(self, reference: str) -> RequestView | None:
        """A request by its printed reference (a scanned QR): made here, or known from the feed."""
        from sqlalchemy import select

        from kiosk.store.models import ServiceRequest, ServiceRequestStatus

        ref = reference.strip().upper()
        with self.store.read() as s:
            row = s.scalar(select(ServiceRequest).where(ServiceRequest.reference == ref))
            st = s.get(ServiceRequestStatus, ref)
            if row is not None:
                return self._view(row, st)
            if st is None:
                return None
            when = st.scheduled_at or st.updated_at
            return RequestView("", st.kind, st.id, Window(when.date(), "am" if when.hour < 12 else "pm"), "",
                               st.status, st.scheduled_at, st.staff, st.note)

    # -- writing ---------------------------------------------------------------------------
    def check(self, resident: Resident, draft: Draft) -> None:
        """Everything the request needs, or RequestRefused naming the first thing missing."""
        if draft.kind not in KINDS:
            raise RequestRefused("没有这项服务")
        if draft.kind == "home_visit":
            check_eligibility(resident.birth_date, draft.declared, self.today())
        draft.address.check(self.streets())
        if draft.window is None or draft.window not in self.windows():
            raise RequestRefused("这个时间已经不能预约，请另选时间")
        if draft.reason not in KINDS[draft.kind].reasons:
            raise RequestRefused("请选择要办理的事项")
        if not MOBILE_NUMBER.match(draft.phone):
            raise RequestRefused("请输入11位手机号码，以1开头")

    def submit(self, resident: Resident, person_key: str, draft: Draft) -> Submitted:
        """Commit the request with its encrypted event, or raise RequestRefused saying why."""
        from kiosk.store.models import ServiceRequest
        from kiosk.store.outbox import add_event

        self.check(resident, draft)
        existing = self.open_request(person_key, draft.kind)
        if existing is not None:
            raise AlreadyOpen(already_open_message(existing), existing)
        request_id = str(uuid.uuid4())
        prefix = "H" if draft.kind == "home_visit" else "P"
        token = new_token()
        with self.store.session() as s:
            reference = prefix + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
            s.add(ServiceRequest(id=request_id, kind=draft.kind, reference=reference, person_key=person_key,
                                 window_day=draft.window.day, window_half=draft.window.half, reason=draft.reason,
                                 status="submitted", created_at=self._now().replace(tzinfo=None)))
            add_event(s, f"{KINDS[draft.kind].event}.requested",
                      {**payload(draft, resident, person_key, self.station_id, request_id, reference, self.today()),
                       "token_hash": token_hash(token)},
                      cipher=self.cipher(), personal=True)
        return Submitted(request_id, draft.kind, reference, draft.window, draft.reason, draft.documents, token)

    def cancel(self, person_key: str, reference: str) -> RequestView:
        """Cancel an open request of this person (a ``….cancelled`` event for central)."""
        from sqlalchemy import select

        from kiosk.store.models import ServiceRequest, ServiceRequestStatus
        from kiosk.store.outbox import add_event

        with self.store.session() as s:
            row = s.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))
            if row is None or row.person_key != person_key:
                raise RequestRefused("没有找到您的这个申请")
            st = s.get(ServiceRequestStatus, reference)
            view = self._view(row, st)
            if not view.is_open:
                raise RequestRefused(f"这个申请{view.status_name}，不能再取消")
            row.status = "cancelled"
            add_event(s, f"{KINDS[row.kind].event}.cancelled", {
                "station_id": self.station_id, "request_id": row.id, "reference": reference,
                "person_key": person_key})
        return self._view(row, None)


def already_open_message(v: RequestView) -> str:
    return (f"您已有一个{v.kind_name}申请（申请号 {v.reference}，{v.window.label}，{v.status_name}）。"
            "同一时间只能有一个，如需更改请先取消它")
