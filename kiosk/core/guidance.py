"""语音引导: each screen says its title and the one thing to do, when the resident wants it.

The resident turns it on (or 长辈模式 does); the visit's end turns it off. Lines go to the
speaker's guidance channel, which a queue call interrupts, so guidance never delays a call and
never blocks the screen. 再听一遍 repeats the last line.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.domain import i18n
from kiosk.domain.i18n import N_, _
from kiosk.domain.spoken import speakable
from kiosk.domain.status import Section, StatusRow

#: screen name → the one thing to do there (the title comes from the screen's header)
ACTIONS: dict[str, str] = {
    "home": N_("请点您要办理的事项。找工作、排队取号、政策咨询和预约服务都在这里"),
    "vacancy_list": N_("请点上面的工种，比如保洁，就能看到附近的岗位；点一个岗位，看详细情况"),
    "vacancy_detail": N_("要带走这个岗位，请点下面的打印"),
    "shortlist": N_("这是您收藏的岗位，可以一起打印带走"),
    "login": N_("请把身份证放在下方的读卡区"),
    "queue_services": N_("请点您要办理的业务，就能取号"),
    "queue_ticket": N_("请记住您的号码，叫到号时请到窗口办理"),
    "registration": N_("请按提示选择，选好后点提交"),
    "stations": N_("这里列出离您最近的就业驿站"),
    "appointment": N_("请选择业务和时间，约好后按时来，不用排队"),
    "job_fairs": N_("请点一个招聘会，看时间和地点"),
    "job_fair_detail": N_("要带走，请点打印"),
    "policy_list": N_("请点一项政策，看要带什么材料、去哪里办"),
    "policy_detail": N_("要带走，请点打印"),
    "home_service": N_("工作人员可以上门，或者替您代办。请选择您要的服务"),
    "consult_topic": N_("请选择您想咨询的问题，就业指导师会和您视频通话"),
    "consult_consent": N_("请看清楚说明，同意后点同意"),
    "consult_wait": N_("正在为您接通就业指导师，请稍等"),
    "consult_ended": N_("通话已结束，感谢您的使用"),
    "consult_offer": N_("现在没有指导师空闲，可以留下电话，我们给您回电"),
    "consult_callback": N_("请输入您的手机号码，我们给您回电"),
    "interest": N_("请点您感兴趣的工作，我们为您推荐"),
    "employer": N_("单位招人，请用手机扫描屏幕上的二维码"),
}

#: screens that say nothing: staff screens, and the video call (the voice would go to the advisor)
QUIET = frozenset({"attract", "admin_login", "admin", "staff_queue", "consult_call"})

COUNTDOWN = N_("您还在使用吗？还要用，请点屏幕。{s}秒后，将回到首页，并清除您的信息")
COUNTDOWN_LAST = N_("还有{s}秒")
#: the espeak-ng voice for a visit in another language (Chinese uses the speaker's own)
VOICES = {"en": "en"}


class Voice(Protocol):
    def guide(self, text: str, voice: str | None = None) -> None: ...
    def hush(self) -> None: ...
    def silent_reason(self) -> str: ...


def screen_line(name: str, title: str) -> str | None:
    """What a screen says on arrival: its title and the one thing to do there (None: quiet)."""
    if name in QUIET or name not in ACTIONS:
        return None
    action = _(ACTIONS[name])
    if i18n.language() != i18n.DEFAULT:
        return f"{title}. {action}" if title else action
    return speakable(f"{title}。{action}" if title else action)


def visit_voice() -> str | None:
    """The espeak-ng voice for the visit's language (None: the speaker's own Mandarin one)."""
    return None if i18n.language() == i18n.DEFAULT else VOICES.get(i18n.language())


class Guide:
    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.on = False
        #: the last line said (for 再听一遍), and its voice (None: the speaker's Mandarin one)
        self.last = ""
        self._voice_name: str | None = None

    def why_not(self) -> str:
        """Why guidance cannot be turned on ("" when it can)."""
        return self.voice.silent_reason()

    def set_on(self, on: bool) -> bool:
        """Turn guidance on or off; returns whether it is on (off when the kiosk cannot speak)."""
        self.on = bool(on) and not self.why_not()
        if not self.on:
            self.voice.hush()
        return self.on

    def say(self, text: str | None) -> None:
        if not text:
            return
        self.last = speakable(text) if i18n.language() == i18n.DEFAULT else text
        self._voice_name = visit_voice()
        if self.on:
            self.voice.guide(self.last, self._voice_name)

    def repeat(self) -> None:
        if self.on and self.last:
            self.voice.guide(self.last, self._voice_name)

    def countdown(self, seconds: int, first: bool) -> None:
        if self.on:
            line = _(COUNTDOWN).format(s=seconds) if first else _(COUNTDOWN_LAST).format(s=seconds)
            self.voice.guide(line, visit_voice())

    def forget(self) -> None:
        """The visit ended: nothing more is said, nothing of it is kept."""
        self.on = False
        self.last = ""
        self.voice.hush()


def voice_section(guide: Guide) -> Section:
    """The staff screen's 语音引导 row: available, or why not (no audio device, no voice)."""
    def rows() -> list[StatusRow]:
        why = guide.why_not()
        return [StatusRow("语音引导", why or ("可用（本次访问已打开）" if guide.on else "可用"), not why)]
    return Section("语音引导", rows)
