from datetime import datetime

from kiosk.domain.connectivity import status_line, when
from kiosk.domain.queue_rules import STATION_TZ as BEIJING


def test_when_shows_beijing_time_and_the_day_if_not_today():
    now = datetime(2026, 11, 25, 13, 0)  # 21:00 in Beijing
    assert when(datetime(2026, 11, 25, 12, 5), now, BEIJING) == "20:05"
    assert when(datetime(2026, 11, 24, 1, 0), now, BEIJING) == "11月24日 09:00"
    assert when(None, now, BEIJING) == "尚未同步"


def test_status_line_for_each_state():
    now = datetime(2026, 11, 25, 13, 0)
    assert status_line(False, None, None) == "单机演示模式"
    assert status_line(True, None, None).startswith("正在连接")
    assert status_line(True, True, datetime(2026, 11, 25, 12, 59), now, BEIJING) == "● 已联网 · 岗位信息更新于 20:59"
    assert status_line(True, False, None, now).startswith("○ 暂时离线")
