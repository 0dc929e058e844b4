"""What the video-consultation screens say, in plain words for older residents.

Pure functions of the consultation service's values (availability, queue position, end
reasons, link statistics), so every message can be checked without a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.domain.i18n import N_, _

#: a topic the config adds beyond these has no hint: its button shows the name only
TOPIC_HINTS = {
    N_("求职指导"): N_("怎么找工作、写简历、准备面试"),
    N_("政策咨询"): N_("就业补贴、社保、失业保险等政策"),
    N_("创业指导"): N_("想自己做生意、申请创业担保贷款"),
    N_("技能培训"): N_("免费技能培训和职业技能证书"),
    N_("其他"): N_("其他就业方面的问题"),
}

#: translated where they are shown (``_(root.headline)``)
CONNECTING_TEXT = N_("正在为您连接指导师，请稍候")
ANSWERED_TEXT = N_("指导师已接听，正在接通视频…")
RECONNECTING_TEXT = N_("正在重新连接…")


def minutes(seconds: int | float) -> int:
    """Whole minutes for display, rounded up and at least one."""
    return max(1, math.ceil(seconds / 60))


def wait_text(estimated_wait_s: int | None) -> str:
    if estimated_wait_s is None:
        return ""
    if estimated_wait_s <= 30:
        return _("马上就能接通")
    return _("预计等待约 {n} 分钟").format(n=minutes(estimated_wait_s))


def availability_text(open_: bool, advisors_online: int, waiting: int, estimated_wait_s: int | None,
                      reason: str = "", two_lines: bool = False) -> str:
    """Whether advisors are online and how long the wait is; ``two_lines`` puts the wait on a
    line of its own (narrow cards: Kivy would otherwise break the line inside "2 人")."""
    if not open_:
        return {
            "closed": _("现在不在视频咨询服务时间"),
            "unreachable": _("暂时连不上视频咨询服务"),
        }.get(reason, _("现在没有指导师在线"))
    if advisors_online <= 0:
        return _("现在没有指导师在线")
    who = _("{n} 位指导师在线").format(n=advisors_online) + (_("，{n} 人在等").format(n=waiting) if waiting > 0 else "")
    wait = wait_text(estimated_wait_s)
    if not wait:
        return who
    return f"{who}\n{wait}" if two_lines else who + _("，") + wait


def queue_text(position: int, estimated_wait_s: int | None) -> str:
    """前面还有 2 人，预计等待约 4 分钟. ``position`` is the place in line, 1 for the first
    (as central reports it); 0 or less: not known yet, nothing to say."""
    if position <= 0:
        return ""
    ahead = position - 1
    first = _("下一位就是您") if ahead == 0 else _("前面还有 {n} 人").format(n=ahead)
    wait = wait_text(estimated_wait_s)
    return first + _("，") + wait if wait else first


def duration_text(seconds: float) -> str:
    """A call timer: 03:25, or 1:02:05 past an hour."""
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


def spoken_duration(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 60:
        return _("{s} 秒").format(s=s)
    m = round(s / 60)
    return _("{m} 分钟").format(m=m) if m < 60 else _("{h} 小时 {m} 分钟").format(h=m // 60, m=m % 60)


@dataclass(frozen=True)
class Quality:
    level: str  # good | fair | poor | ""
    text: str


def quality(stats: dict) -> Quality:
    level = str(stats.get("quality", ""))
    text = {"good": _("网络良好"), "fair": _("网络一般"), "poor": _("网络较差，画面可能卡顿")}.get(level, "")
    return Quality(level if text else "", text)


#: how a consultation that did not reach or finished a call ends, for the resident.
#: next: "offer" (appointment or call-back instead), "ended" (the end screen), "home" (nothing to say)
@dataclass(frozen=True)
class Ending:
    title: str
    detail: str
    next: str


def ending(reason: str, reached_call: bool, advisor_name: str = "", duration_s: float | None = None) -> Ending:
    """What to tell the resident when the consultation is over, and where to go from there."""
    who = _("指导师{name}").format(name=advisor_name) if advisor_name else _("指导师")
    took = _("本次通话 {d}。").format(d=spoken_duration(duration_s)) if duration_s else ""
    if reason == "cancelled" and not reached_call:
        return Ending(_("已取消视频咨询"), _("您可以随时再来咨询。"), "home")
    if not reached_call and reason in ("no_advisor", "timeout", "unreachable"):
        title = {
            "no_advisor": _("现在没有指导师可以接听"),
            "timeout": _("等了很久还没有指导师接听，非常抱歉"),
            "unreachable": _("暂时连不上视频咨询服务"),
        }[reason]
        return Ending(title, _("您可以预约到驿站当面咨询，或者留下电话，请指导师给您回电话。"), "offer")
    if reason == "hung_up":
        return Ending(_("通话已结束"), took + _("感谢您的咨询。"), "ended")
    if reason == "advisor_ended":
        return Ending(_("{who}已结束通话").format(who=who), took + _("感谢您的咨询。"), "ended")
    if reason == "advisor_left":
        return Ending(_("{who}已离开，通话结束").format(who=who), took + _("如果还有问题，可以重新发起咨询。"), "ended")
    if reason == "dropped":
        return Ending(_("网络中断，通话已结束"), took + _("重新连接没有成功。如果还有问题，请重新发起咨询，"
                                                     "或者预约到驿站当面咨询。"), "ended")
    if reason == "bad_sdp":
        return Ending(_("视频没有接通"), _("这次没能接通视频，请稍后再试，或者预约到驿站当面咨询。"), "ended")
    if reason == "cancelled":
        return Ending(_("通话已结束"), took + _("感谢您的咨询。"), "ended")
    if reason in ("no_advisor", "timeout", "unreachable"):
        return Ending(_("通话已结束"), took + _("连接中断。如果还有问题，请重新发起咨询。"), "ended")
    return Ending(_("视频咨询已结束"), took + _("如果还有问题，可以重新发起咨询，或到服务窗口咨询工作人员。"), "ended")
