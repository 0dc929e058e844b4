"""回电申请: when no advisor can take a video call, the resident leaves a phone number and an
advisor calls back.

The request is one encrypted ``consult.callback_requested`` event in the outbox (the phone is
personal data), committed before the reference number is shown. A form submits once: a second
submit of the same form (a double tap, a retry after a slow disk) returns the first reference
and adds nothing.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.bookings import REFERENCE_ALPHABET
from kiosk.domain.capability import new_token, token_hash
from kiosk.domain.i18n import _
from kiosk.domain.privacy import MOBILE_NUMBER, mask_phone

if TYPE_CHECKING:
    from kiosk.store.engine import Store
    from kiosk.store.outbox import OutboxCipher

EVENT_TYPE = "consult.callback_requested"
#: 回电 — tells a call-back reference from an appointment's at the counter
REFERENCE_PREFIX = "HD-"
FORMS_REMEMBERED = 50


class CallbackRefused(ValueError):
    """Why a call-back request was not taken; the message is for the resident."""


@dataclass(frozen=True)
class CallbackRequested:
    event_id: str
    reference: str
    masked_phone: str
    topic: str = ""
    #: the capability token of the request's phone page (in memory only; its hash went to central)
    token: str = ""


def check_phone(phone: str) -> str:
    """The phone number as stored, or CallbackRefused with what is wrong."""
    digits = phone.strip()
    if not MOBILE_NUMBER.match(digits):
        raise CallbackRefused(_("请输入 11 位手机号码，以 1 开头"))
    return digits


def consent_text(topic: str, masked_phone: str) -> str:
    # no spaces: Kivy wraps at spaces first, which would break the line after the number
    return _("您的手机号{phone}和咨询主题“{topic}”将发送给天津市就业指导服务中心，"
             "仅用于指导师给您回电话，不作他用。本机发送前加密保存，发送成功后即删除。").format(phone=masked_phone,
                                                                                         topic=_(topic))


class CallbackDesk:
    def __init__(self, store: Store, cipher: Callable[[], OutboxCipher], station_id: str) -> None:
        self.store = store
        self.cipher = cipher
        self.station_id = station_id
        self._lock = threading.Lock()
        #: form id → what that form's submit produced (only this process's forms; nothing personal)
        self._done: dict[str, CallbackRequested] = {}

    def forget(self) -> None:
        """The visit ended: not even the masked numbers of its forms stay in memory."""
        with self._lock:
            self._done.clear()

    def request(self, form_id: str, topic: str, phone: str, person_key: str | None = None,
                identity: str = "none") -> CallbackRequested:
        """Store the request (once per ``form_id``) and return its reference number."""
        from kiosk.store.outbox import add_event

        digits = check_phone(phone)
        if not topic:
            raise CallbackRefused(_("请先选择咨询主题"))
        with self._lock:
            if form_id in self._done:
                return self._done[form_id]
            reference = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
            token = new_token()
            payload = {"station_id": self.station_id, "reference": reference, "topic": topic,
                       "phone": digits, "consent": True, "token_hash": token_hash(token)}
            if person_key:
                payload["person_key"] = person_key
                payload["identity"] = identity
            with self.store.session() as s:
                event_id = add_event(s, EVENT_TYPE, payload, cipher=self.cipher(), personal=True)
            done = CallbackRequested(event_id, reference, mask_phone(digits), topic, token)
            self._done[form_id] = done
            while len(self._done) > FORMS_REMEMBERED:
                self._done.pop(next(iter(self._done)))
            return done
