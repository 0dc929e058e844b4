"""When no advisor can take a video call: an appointment at the station, or a call-back.

回电申请 is three steps on one screen: the phone on the keypad, the explicit consent, and the
reference number. The request is an encrypted outbox event (``kiosk/core/callback.py``), so it
is kept even when the central system cannot be reached.
"""

from __future__ import annotations

import uuid

from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.callback import CallbackRefused, CallbackRequested, check_phone, consent_text
from kiosk.domain.consult_texts import availability_text, ending
from kiosk.domain.i18n import N_, _
from kiosk.domain.privacy import mask_phone
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.keypad import NumericKeypad, grouped_phone  # noqa: F401 - the keypad is used by consult_offer.kv
from kiosk.widgets.visibility import set_shown


def offer_title(reason: str) -> str:
    if reason in ("closed", "no_advisor", "unreachable", ""):
        return availability_text(False, 0, 0, None, reason or "no_advisor")
    return ending(reason, False).title


class ConsultOfferScreen(KioskScreen):
    topic = StringProperty("")
    reason = StringProperty("")
    title = StringProperty("")

    def set_params(self, topic: str = "", reason: str = "", **_params) -> None:
        self.topic, self.reason = topic, reason
        self.title = offer_title(reason)

    def appointment(self) -> None:
        self.go("appointment")

    def callback(self) -> None:
        self.go("consult_callback", topic=self.topic)

    def reset(self) -> None:
        self.topic = self.reason = self.title = ""


class CallbackScreen(KioskScreen):
    step = StringProperty("phone")  # phone | consent | done
    topic = StringProperty("")
    error = StringProperty("")
    consent = StringProperty("")
    reference = StringProperty("")
    masked = StringProperty("")
    qr_data = StringProperty("")
    print_status = StringProperty("")
    submitting = BooleanProperty(False)
    grouped_phone = staticmethod(grouped_phone)

    def on_kv_post(self, base_widget) -> None:
        # strong references: ids are weak, and the panels leave the tree while hidden
        self._panels = {name: self.ids[name + "_panel"].__self__ for name in ("phone", "consent", "done")}
        self.on_step(self, self.step)

    def on_step(self, _inst, step: str) -> None:
        for name, panel in getattr(self, "_panels", {}).items():
            set_shown(panel, name == step)

    def set_params(self, topic: str = "", **_params) -> None:
        self.topic = topic or N_("其他")

    def activate(self) -> None:
        self._form_id = uuid.uuid4().hex
        self.step, self.error = "phone", ""
        self.ids.phone.clear()

    def next_step(self) -> None:
        try:
            digits = check_phone(self.ids.phone.value)
        except CallbackRefused as e:
            self.error = str(e)
            return
        self.error = ""
        self.masked = mask_phone(digits)
        self.consent = consent_text(self.topic, self.masked)
        self.step = "consent"

    def previous_step(self) -> None:
        if self.step == "consent":
            self.step = "phone"
        else:
            self.back()

    def submit(self) -> None:
        if self.submitting or self.step != "consent":
            return
        key = self.services.visits.person_key()
        self.submitting = True
        self.services.background.submit(self.services.callbacks.request, self._form_id, self.topic,
                                        self.ids.phone.value, key, self.services.visits.identity_proof(),
                                        on_done=self._done, on_error=self._failed)

    def _done(self, done: CallbackRequested) -> None:
        self.submitting = False
        self.reference = done.reference
        self.masked = done.masked_phone
        self.ids.phone.clear()
        self.qr_data = self.services.config.callback_url(done.token)
        self.print_status = _("正在打印回电申请单…")
        self.step = "done"
        self.services.background.submit(self.services.printing.callback, done, on_done=self._printed,
                                        on_error=lambda _e: self._printed(None))

    def _printed(self, outcome) -> None:  # noqa: ANN001 - a printing.PrintOutcome
        if self.step != "done":
            return
        self.print_status = (_("请取走回电申请单，扫码可查看回电进度") if outcome is not None and outcome.printed
                             else _("申请单未能打印，请用手机扫码保存"))

    def _failed(self, e: BaseException) -> None:
        self.submitting = False
        self.error = (str(e) if isinstance(e, CallbackRefused)
                      else _("暂时不能提交，您的电话没有保存。请到服务窗口请工作人员帮您登记"))

    def deactivate(self) -> None:
        if self.step == "done":  # the reference was shown; the next form starts empty
            self.reset()

    def reset(self) -> None:
        self.ids.phone.clear()
        self.step = "phone"
        self.error = self.consent = self.reference = self.masked = self.qr_data = self.print_status = ""
        self.submitting = False
        self._form_id = uuid.uuid4().hex


load_kv(__file__)
