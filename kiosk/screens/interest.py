"""投递意向 at the kiosk: the phone on the keypad, the explicit consent, then the reference, the
slip and the QR of the interest's own phone page.

The resident has proven identity already (the vacancy screen sends them to login first). The
interest is one encrypted ``interest.expressed`` event (``kiosk/core/interest.py``) with the
phone and the hash of the page's capability token, committed before the slip is printed.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.core.interest import InterestExpressed, InterestRefused, check_phone, consent_text
from kiosk.domain.i18n import _
from kiosk.domain.privacy import mask_phone
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.keypad import NumericKeypad, grouped_phone  # noqa: F401 - the keypad is used by interest.kv
from kiosk.widgets.visibility import set_shown


class InterestScreen(KioskScreen):
    step = StringProperty("phone")  # phone | consent | done
    vacancy = ObjectProperty(None, allownone=True)
    job_text = StringProperty("")
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

    def set_params(self, vacancy=None, **_params) -> None:  # noqa: ANN001 - a VacancyView
        if vacancy is not None and (self.vacancy is None or vacancy.id != self.vacancy.id or self.step == "done"):
            self.reset()
            self.vacancy = vacancy
            self.job_text = _("岗位：{title} · {employer}").format(title=vacancy.title, employer=vacancy.employer)

    def next_step(self) -> None:
        try:
            digits = check_phone(self.ids.phone.value)
        except InterestRefused as e:
            self.error = str(e)
            return
        self.error = ""
        self.masked = mask_phone(digits)
        self.consent = consent_text(self.vacancy, self.masked)
        self.step = "consent"

    def previous_step(self) -> None:
        if self.step == "consent":
            self.step = "phone"
        else:
            self.back()

    def submit(self) -> None:
        if self.submitting or self.step != "consent" or self.vacancy is None:
            return
        resident = self.services.visits.current.identity
        if resident is None:
            self.home()
            return
        self.submitting = True
        self.services.background.submit(self.services.interest.express, resident, self.vacancy,
                                        self.ids.phone.value, self.services.visits.person_key() or "",
                                        on_done=self._done, on_error=self._failed)

    def _done(self, done: InterestExpressed) -> None:
        self.submitting = False
        self.reference, self.masked = done.reference, done.masked_phone
        self.ids.phone.clear()
        self.qr_data = self.services.config.interest_url(done.token)
        self.print_status = _("正在打印确认单…")
        self.step = "done"
        self.services.background.submit(self.services.printing.interest_slip, self.vacancy, done,
                                        on_done=self._printed, on_error=lambda _e: self._printed(None))

    def _printed(self, outcome) -> None:  # noqa: ANN001 - a printing.PrintOutcome
        if self.step != "done":
            return
        self.print_status = (_("请取走确认单，扫码可查看意向进展") if outcome is not None and outcome.printed
                             else _("确认单未能打印，请用手机扫码保存"))

    def _failed(self, e: BaseException) -> None:
        self.submitting = False
        self.error = (str(e) if isinstance(e, InterestRefused)
                      else _("暂时无法提交，您的信息没有保存。请到服务窗口办理"))

    def finish(self) -> None:
        self.back()

    def deactivate(self) -> None:
        """Leaving the form (done, declined, 返回 or 首页) drops the phone typed on it."""
        self.reset()

    def reset(self) -> None:
        if "phone" in self.ids:
            self.ids.phone.clear()
        self.step = "phone"
        self.vacancy = None
        self.job_text = self.error = self.consent = self.reference = self.masked = ""
        self.qr_data = self.print_status = ""
        self.submitting = False


load_kv(__file__)
