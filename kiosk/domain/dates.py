"""Dates and times as residents read them in Chinese (周五, 11月28日…)."""

from __future__ import annotations

from datetime import datetime

#: the weekday's character, Monday first: ``WEEKDAYS[d.weekday()]``
WEEKDAYS = "一二三四五六日"


def when_text(start: datetime, end: datetime) -> str:
    """'11月28日（周五）9:30-12:30', or a date range for an event of several days."""
    day = f"{start.month}月{start.day}日（周{WEEKDAYS[start.weekday()]}）"
    if start.date() == end.date():
        return f"{day}{start:%H:%M}-{end:%H:%M}"
    return f"{start.month}月{start.day}日 至 {end.month}月{end.day}日"
