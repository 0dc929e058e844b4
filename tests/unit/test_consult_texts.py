"""The words of the video-consultation screens."""

from __future__ import annotations

import pytest

from kiosk.domain.consult_texts import (
    availability_text,
    duration_text,
    ending,
    minutes,
    quality,
    queue_text,
    wait_text,
)


def test_queue_text_in_plain_words():
    # the position is the place in line (1: the first), as central reports it
    assert queue_text(3, 240) == "前面还有 2 人，预计等待约 4 分钟"
    assert queue_text(3, 181) == "前面还有 2 人，预计等待约 4 分钟"  # rounded up: never promise less
    assert queue_text(1, 10) == "下一位就是您，马上就能接通"
    assert queue_text(4, None) == "前面还有 3 人"
    assert queue_text(0, 100) == ""
    assert minutes(1) == 1 and minutes(60) == 1 and minutes(61) == 2
    assert wait_text(None) == ""


def test_availability_lines():
    assert availability_text(True, 3, 2, 240) == "3 位指导师在线，2 人在等，预计等待约 4 分钟"
    assert availability_text(True, 1, 0, 0) == "1 位指导师在线，马上就能接通"
    assert availability_text(False, 0, 0, None, "closed") == "现在不在视频咨询服务时间"
    assert availability_text(False, 0, 0, None, "no_advisor") == "现在没有指导师在线"
    assert availability_text(False, 0, 0, None, "unreachable") == "暂时连不上视频咨询服务"
    assert availability_text(True, 0, 0, None) == "现在没有指导师在线"
    assert availability_text(True, 3, 2, 240, two_lines=True) == "3 位指导师在线，2 人在等\n预计等待约 4 分钟"
    assert availability_text(True, 2, 0, None, two_lines=True) == "2 位指导师在线"


def test_timer_and_quality():
    assert duration_text(0) == "00:00" and duration_text(205) == "03:25" and duration_text(3725) == "1:02:05"
    assert quality({"quality": "good"}).text == "网络良好"
    assert quality({"quality": "poor"}).level == "poor" and "卡顿" in quality({"quality": "poor"}).text
    assert quality({}).text == "" and quality({"quality": "weird"}).level == ""


@pytest.mark.parametrize("reason,reached,title,next_", [
    ("hung_up", True, "通话已结束", "ended"),
    ("advisor_ended", True, "指导师王老师已结束通话", "ended"),
    ("advisor_left", True, "指导师王老师已离开，通话结束", "ended"),
    ("dropped", True, "网络中断，通话已结束", "ended"),
    ("bad_sdp", False, "视频没有接通", "ended"),
    ("cancelled", False, "已取消视频咨询", "home"),
    ("no_advisor", False, "现在没有指导师可以接听", "offer"),
    ("timeout", False, "等了很久还没有指导师接听，非常抱歉", "offer"),
    ("unreachable", False, "暂时连不上视频咨询服务", "offer"),
    ("unreachable", True, "通话已结束", "ended"),
    ("something_new", True, "视频咨询已结束", "ended"),
])
def test_endings(reason, reached, title, next_):
    e = ending(reason, reached, advisor_name="王老师", duration_s=125 if reached else None)
    assert (e.title, e.next) == (title, next_)
    if reached and reason != "bad_sdp":
        assert "2 分钟" in e.detail
