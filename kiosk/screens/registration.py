"""就业登记 / 需求调查: one question per page, pickers instead of typing, consent before sending."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.core.registration import CONSENT_TEXT, QUESTIONS, AnswerError, Answers, profile
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import Chip
from kiosk.widgets.keypad import NumericKeypad  # noqa: F401 - used by registration.kv
from kiosk.widgets.rating import RatingBar  # noqa: F401 - used by registration.kv
from kiosk.widgets.visibility import set_shown

CONSENT_STEP = len(QUESTIONS)


class RegistrationScreen(KioskScreen):
    step = NumericProperty(0)
    title = StringProperty("")
    hint = StringProperty("")
    error = StringProperty("")
    kind = StringProperty("single")
    summary = StringProperty("")
    done = BooleanProperty(False)
    consent_text = StringProperty(CONSENT_TEXT)
    steps = NumericProperty(len(QUESTIONS) + 1)

    def on_kv_post(self, base_widget) -> None:
        self.answers = Answers()
        # strong references: ids are weak, and these parts leave the tree while hidden
        self._keypad_box = self.ids.phone_box.__self__
        self._keypad = self.ids.phone.__self__
        self._form = self.ids.form.__self__
        self._done_box = self.ids.done_box.__self__
        set_shown(self._keypad_box, False)
        set_shown(self._done_box, False)

    def on_done(self, _inst, done: bool) -> None:
        set_shown(self._form, not done)
        set_shown(self._done_box, done)

    def _phone_visible(self, visible: bool) -> None:
        set_shown(self._keypad_box, visible)

    def activate(self) -> None:
        if self.services.visits.current.identity is None:
            self.go("login", next="registration", purpose="就业登记需要先验证身份")
            return
        if not self.done and self.step == 0 and not self.answers.values:
            self.show(0)

    def show(self, step: int) -> None:
        self.step = step
        self.error = ""
        box = self.ids.options
        box.clear_widgets()
        self._phone_visible(step < CONSENT_STEP and QUESTIONS[step].kind == "phone")
        if step == CONSENT_STEP:
            self.kind = "consent"
            self.title = "请确认并同意提交"
            self.hint = ""
            self.summary = "\n".join(f"{q.title.rstrip('？?')}：{'、'.join(self.answers.get(q.key))}"
                                     for q in QUESTIONS if q.kind != "phone")
            return
        q = QUESTIONS[step]
        self.kind, self.title, self.hint = q.kind, q.title, q.hint
        chosen = self.answers.get(q.key)
        if q.kind == "phone":
            self._keypad.value = chosen[0] if chosen else ""
            return
        for opt in q.options:
            chip = Chip(text=opt, group=f"q-{q.key}" if q.kind == "single" else None,
                        allow_no_selection=True, state="down" if opt in chosen else "normal")
            box.add_widget(chip)

    def chosen(self) -> list[str]:
        q = QUESTIONS[self.step]
        if q.kind == "phone":
            return [self._keypad.value]
        return [c.text for c in reversed(self.ids.options.children) if c.state == "down"]

    def next_step(self) -> None:
        if self.step == CONSENT_STEP:
            self.submit()
            return
        try:
            self.answers.set(QUESTIONS[self.step], self.chosen())
        except AnswerError as e:
            self.error = str(e)
            return
        self.show(self.step + 1)

    def previous_step(self) -> None:
        if self.step == 0:
            self.back()
        else:
            self.show(self.step - 1)

    def cancel(self) -> None:
        """不同意: nothing is submitted and the answers are forgotten at once, not at the visit's end."""
        self.reset()
        self.home()

    def submit(self) -> None:
        resident = self.services.visits.current.identity
        if resident is None or not self.answers.complete():
            self.error = "信息不完整，请返回检查"
            return
        self.error = ""
        self.services.visits.current.profile = profile(self.answers)
        self.services.background.submit(self.services.registration.submit, resident, self.answers,
                                        on_done=self._submitted, on_error=self._failed)

    def _submitted(self, _result) -> None:
        self.done = True
        self.ask_rating(self.ids.rating, "registration")
        self.answers.clear()
        self._keypad.value = ""

    def _failed(self, exc: BaseException) -> None:
        self.error = f"暂时无法提交（{exc}），请到服务窗口办理，您的信息未保存"

    def reset(self) -> None:
        self.answers.clear()
        self.ids.options.clear_widgets()
        self._keypad.value = ""
        self.step = 0
        self.done = False
        self.error = ""
        self.summary = ""


load_kv(__file__)
