"""远程视频咨询, first two steps: choose a topic (with advisors online and the wait), then consent.

A topic the config marks as needing identity sends the resident to the identity screen first,
which comes back to the consent. When nobody can take the call, the resident is offered an
appointment or a call-back instead (``consult_offer``).
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ColorProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk import theme
from kiosk.domain.consult import Availability
from kiosk.domain.consult_texts import TOPIC_HINTS, availability_text
from kiosk.domain.i18n import _
from kiosk.screens.base import KioskScreen, load_kv


class TopicButton(ButtonBehavior, BoxLayout):
    topic = StringProperty("")
    hint = StringProperty("")
    status = StringProperty("")
    status_color = ColorProperty(theme.MUTED)
    needs_id = BooleanProperty(False)


def describe(a: Availability, two_lines: bool = False) -> str:
    return availability_text(a.open, a.advisors_online, a.waiting, a.estimated_wait_s, a.reason, two_lines)


def back_to(screen: KioskScreen, name: str) -> None:
    """Back to ``name`` if it is in the history (skipping the identity screen), else home."""
    history = screen.services.nav.history
    if name in history:
        while history and history[-1] != name:
            history.pop()
        screen.back()
    else:
        screen.home()


class ConsultTopicScreen(KioskScreen):
    message = StringProperty("")
    busy_topic = StringProperty("")

    def activate(self) -> None:
        box = self.ids.topics
        box.clear_widgets()
        self.busy_topic = ""
        consult = self.services.consult
        if consult is None:
            self.message = _("远程视频咨询暂未开通，请到服务窗口咨询工作人员")
            return
        self.message = _("请选择您想咨询的内容")
        # aiortc, PyAV, the camera and the microphone load on the video thread while the resident
        # chooses a topic and reads the consent, not with the call
        consult.warm_up()
        for topic in consult.topics:
            b = TopicButton(topic=topic, hint=TOPIC_HINTS.get(topic, ""), status=_("正在查询指导师是否在线…"),
                            needs_id=topic in consult.identity_required)
            b.bind(on_release=lambda btn: self.choose(btn.topic))
            box.add_widget(b)
        self.services.background.submit(self._all_availability, consult, on_done=self._show_availability)

    @staticmethod
    def _all_availability(consult) -> dict[str, Availability]:  # noqa: ANN001 - on a worker thread
        out = {}
        for topic in consult.topics:
            try:
                out[topic] = consult.availability(topic)
            except Exception:  # noqa: BLE001 - one topic's failure shows as unreachable, the rest still show
                out[topic] = Availability.unreachable()
        return out

    def _show_availability(self, found: dict[str, Availability]) -> None:
        for b in self.ids.topics.children:
            a = found.get(b.topic)
            if a is not None:
                b.status = describe(a, two_lines=True)
                b.status_color = theme.GOOD if a.open and a.advisors_online > 0 else theme.ACCENT

    def topic_button(self, topic: str) -> TopicButton:
        return next(b for b in self.ids.topics.children if b.topic == topic)

    def choose(self, topic: str) -> None:
        consult = self.services.consult
        if consult is None or self.busy_topic:
            return
        self.busy_topic = topic
        self.message = _("正在查询“{topic}”的指导师…").format(topic=_(topic))
        self.services.background.submit(consult.availability, topic,
                                        on_done=lambda a: self._chosen(topic, a),
                                        on_error=lambda _e: self._chosen(topic, Availability.unreachable()))

    def _chosen(self, topic: str, a: Availability) -> None:
        self.busy_topic = ""
        self.message = _("请选择您想咨询的内容")
        if not a.open or a.advisors_online <= 0:
            self.go("consult_offer", topic=topic, reason=a.reason or "no_advisor")
            return
        if topic in self.services.consult.identity_required and self.services.visits.current.identity is None:
            self.go("login", next="consult_consent", purpose=_("“{topic}”需要先验证身份").format(topic=_(topic)),
                    next_params={"topic": topic, "availability": a})
            return
        self.go("consult_consent", topic=topic, availability=a)

    def reset(self) -> None:
        self.ids.topics.clear_widgets()
        self.busy_topic = ""
        self.message = ""


def consent_text(station: str, identified: bool) -> str:
    who = (_("指导师会知道您已验证身份，但看不到您的身份证号和姓名；这次咨询记入您的就业服务记录。")
           if identified else _("您没有验证身份，指导师不知道您是谁。"))
    return (_("视频咨询时，您的图像和声音会实时传给天津市就业指导服务中心的指导师，"
              "同时发送您选的咨询内容和本驿站名称（{station}）。").format(station=station) + who + "\n"
            + _("通话不录音、不录像。只有指导师提出录制、并且您在屏幕上点了“同意”，才会录制。") + "\n"
            + _("想结束时，点红色的“结束通话”按钮；等待时可以随时点“取消等待”。"))


class ConsultConsentScreen(KioskScreen):
    topic = StringProperty("")
    availability_line = StringProperty("")
    consent = StringProperty("")
    availability: Availability | None = ObjectProperty(None, allownone=True)

    def set_params(self, topic: str = "", availability: Availability | None = None, **_params) -> None:
        self.topic = topic
        self.availability = availability

    def activate(self) -> None:
        consult = self.services.consult
        who = self.services.visits.current.identity
        if consult is None or not self.topic:
            self.home()
            return
        if self.topic in consult.identity_required and who is None:
            self.go("login", next="consult_consent", purpose=_("“{topic}”需要先验证身份").format(topic=_(self.topic)),
                    next_params={"topic": self.topic})
            return
        self.consent = consent_text(self.services.config.station.name, who is not None)
        if self.availability is not None:
            self.availability_line = describe(self.availability)
        else:
            self.availability_line = _("正在查询指导师是否在线…")
            self.services.background.submit(consult.availability, self.topic, on_done=self._got,
                                            on_error=lambda _e: self._got(Availability.unreachable()))

    def _got(self, a: Availability) -> None:
        if not a.open or a.advisors_online <= 0:
            self.go("consult_offer", topic=self.topic, reason=a.reason or "no_advisor")
            return
        self.availability = a
        self.availability_line = describe(a)

    def agree(self) -> None:
        self.services.nav.go("consult_wait", clear_history=True, topic=self.topic,
                             person_key=self.services.visits.person_key(),
                             identity=self.services.visits.identity_proof())

    def decline(self) -> None:
        back_to(self, "consult_topic")

    def reset(self) -> None:
        self.topic = self.availability_line = self.consent = ""
        self.availability = None


load_kv(__file__)
