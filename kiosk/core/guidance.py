"""语音引导: each screen says its title and the one thing to do, when the resident wants it.

The resident turns it on (or 长辈模式 does); the visit's end turns it off. Lines go to the
speaker's guidance channel, which a queue call interrupts, so guidance never delays a call and
never blocks the screen. 再听一遍 repeats the last line.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.spoken import speakable
from kiosk.domain.status import Section, StatusRow

#: screen name → the one thing to do there (the title comes from the screen's header)
ACTIONS: dict[str, str] = {
    "home": "请点您要办理的事项。找工作、排队取号、政策咨询和预约服务都在这里",
    "vacancy_list": "请点上面的工种，比如保洁，就能看到附近的岗位；点一个岗位，看详细情况",
    "vacancy_detail": "要带走这个岗位，请点下面的打印",
    "shortlist": "这是您收藏的岗位，可以一起打印带走",
    "login": "请把身份证放在下方的读卡区",
    "queue_services": "请点您要办理的业务，就能取号",
    "queue_ticket": "请记住您的号码，叫到号时请到窗口办理",
    "registration": "请按提示选择，选好后点提交",
    "stations": "这里列出离您最近的就业驿站",
    "appointment": "请选择业务和时间，约好后按时来，不用排队",
    "job_fairs": "请点一个招聘会，看时间和地点",
    "job_fair_detail": "要带走，请点打印",
    "policy_list": "请点一项政策，看要带什么材料、去哪里办",
    "policy_detail": "要带走，请点打印",
    "home_service": "工作人员可以上门，或者替您代办。请选择您要的服务",
    "consult_topic": "请选择您想咨询的问题，就业指导师会和您视频通话",
    "consult_consent": "请看清楚说明，同意后点同意",
    "consult_wait": "正在为您接通就业指导师，请稍等",
    "consult_ended": "通话已结束，感谢您的使用",
    "consult_offer": "现在没有指导师空闲，可以留下电话，我们给您回电",
    "consult_callback": "请输入您的手机号码，我们给您回电",
    "interest": "请点您感兴趣的工作，我们为您推荐",
    "employer": "单位招人，请用手机扫描屏幕上的二维码",
}

#: screens that say nothing: staff screens, and the video call (the voice would go to the advisor)
QUIET = frozenset({"attract", "admin_login", "admin", "staff_queue", "consult_call"})

COUNTDOWN = "您还在使用吗？还要用，请点屏幕。{s}秒后，将回到首页，并清除您的信息"
COUNTDOWN_LAST = "还有{s}秒"


class Voice(Protocol):
    def guide(self, text: str) -> None: ...
    def hush(self) -> None: ...
    def silent_reason(self) -> str: ...


def screen_line(name: str, title: str) -> str | None:
    """What a screen says on arrival: its title and the one thing to do there (None: quiet)."""
    if name in QUIET or name not in ACTIONS:
        return None
    return speakable(f"{title}。{ACTIONS[name]}" if title else ACTIONS[name])


class Guide:
    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.on = False
        #: the last line said (for 再听一遍)
        self.last = ""

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
        self.last = speakable(text)
        if self.on:
            self.voice.guide(self.last)

    def repeat(self) -> None:
        if self.on and self.last:
            self.voice.guide(self.last)

    def countdown(self, seconds: int, first: bool) -> None:
        if self.on:
            self.voice.guide(COUNTDOWN.format(s=seconds) if first else COUNTDOWN_LAST.format(s=seconds))

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
