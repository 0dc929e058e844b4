"""Numbers, times, ranges and units rewritten the way they are said, before espeak-ng reads them."""

from __future__ import annotations

import pytest

from kiosk.domain.spoken import speakable


@pytest.mark.parametrize(("text", "said"), [
    ("09:30上班", "9点半上班"),
    ("8:00到岗", "8点到岗"),
    ("8:05集合", "8点零5分集合"),
    ("18:00-20:00", "18点到20点"),
    ("月薪3500-5000元/月", "月薪3500到5000元每月"),
    ("时薪25~30元/小时", "时薪25到30元每小时"),
    ("距离1.2公里 · 步行15分钟", "距离1点2公里，步行15分钟"),
    ("800m", "800米"),
    ("完成率95%", "完成率百分之95"),
    ("第一行\n第二行", "第一行，第二行"),
    ("保洁员", "保洁员"),
])
def test_speakable(text, said):
    assert speakable(text) == said


def test_a_ticket_number_is_left_as_the_hall_says_it():
    assert speakable("您的号码是A零一三号") == "您的号码是A零一三号"
