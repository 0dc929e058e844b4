"""How the kiosk's link to the central system is described to residents and staff."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def _local(utc_naive: datetime, tz: tzinfo | None) -> datetime:
    return utc_naive.replace(tzinfo=UTC).astimezone(tz)


def when(utc_naive: datetime | None, now_utc: datetime | None = None, tz: tzinfo | None = None) -> str:
    """``21:05`` today, ``11月24日 21:05`` on another day, ``尚未同步`` if never.

    In the kiosk's local time (``tz=None``), the same clock the attract screen shows.
    """
    if utc_naive is None:
        return "尚未同步"
    now = _local(now_utc or datetime.now(UTC).replace(tzinfo=None), tz)
    t = _local(utc_naive, tz)
    return t.strftime("%H:%M") if t.date() == now.date() else f"{t.month}月{t.day}日 {t:%H:%M}"


def status_line(enabled: bool, online: bool | None, last_success: datetime | None,
                now_utc: datetime | None = None, tz: tzinfo | None = None) -> str:
    """The one line the attract screen shows about the link."""
    if not enabled:
        return "单机演示模式"
    if online is None:
        return "正在连接市就业系统…"
    updated = f"岗位信息更新于 {when(last_success, now_utc, tz)}"
    return f"● 已联网 · {updated}" if online else f"○ 暂时离线，办理不受影响 · {updated}"
