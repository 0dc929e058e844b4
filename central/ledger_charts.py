"""The ledger's charts as plain SVG drawn on the server: nothing loaded from outside, no script.

Each chart is a ``viewBox`` drawing that scales to its box, with Chinese labels in the page's
CJK font, the figures written beside the bars (a chart is read at a glance, not measured) and a
``<title>`` for screen readers.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date
from html import escape

FONT = ('"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",'
        '"PingFang SC",sans-serif')
BLUE, LIGHT_BLUE, GRID, INK, MUTED = "#0b4f8a", "#7fa7cf", "#d6dde6", "#1d2733", "#5a6878"
SCORES = ((5, "非常满意", "#1b8a3a"), (4, "满意", "#6cb77e"), (3, "一般", "#d9b300"), (2, "不满意", "#e07b39"),
          (1, "非常不满意", "#b03a2e"))


def _svg(width: int, height: int, title: str, body: str, chart_id: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" id="{chart_id}" '
            f'aria-labelledby="{chart_id}-t" preserveAspectRatio="xMidYMid meet" '
            f'style="width:100%;height:auto;font-family:{escape(FONT)}">'
            f'<title id="{chart_id}-t">{escape(title)}</title>{body}</svg>')


def _nice_step(top: int) -> int:
    """A round step for about four grid lines up to ``top``."""
    raw = max(1, top) / 4
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000):
        if step >= raw:
            return step
    return int(raw) + 1


def _text(x: float, y: float, text: str, *, size: int = 14, anchor: str = "start", fill: str = INK,
          weight: str = "400") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def daily_volume(by_day: Counter, month: date) -> str:
    """Bars of 服务人次 per day of the month; weekends lighter."""
    days = calendar.monthrange(month.year, month.month)[1]
    values = [by_day.get(date(month.year, month.month, d), 0) for d in range(1, days + 1)]
    w, h, left, right, top, bottom = 900, 300, 58, 12, 34, 50
    plot_w, plot_h = w - left - right, h - top - bottom
    step = _nice_step(max(values) if values else 0)
    ymax = step * max(1, -(-max(values + [1]) // step))
    parts = [_text(left - 8, 20, "人次", size=16, anchor="end", fill=MUTED)]
    for v in range(0, ymax + 1, step):
        y = top + plot_h - plot_h * v / ymax
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 8, y + 5, str(v), size=16, anchor="end", fill=MUTED))
    slot = plot_w / days
    bar = max(2.0, slot * 0.7)
    for i, v in enumerate(values):
        d = date(month.year, month.month, i + 1)
        x = left + i * slot + (slot - bar) / 2
        bh = plot_h * v / ymax
        colour = LIGHT_BLUE if d.weekday() >= 5 else BLUE
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - bh:.1f}" width="{bar:.1f}" height="{bh:.1f}" '
                     f'fill="{colour}"><title>{d.month}月{d.day}日：{v} 人次</title></rect>')
        if i == 0 or (i + 1) % 5 == 0 or i == days - 1:
            parts.append(_text(left + i * slot + slot / 2, top + plot_h + 22, str(i + 1), size=16, anchor="middle",
                               fill=MUTED))
    parts.append(_text(left + plot_w / 2, h - 6, f"{month.month}月的日期（浅色为周末）", size=16, anchor="middle",
                       fill=MUTED))
    total = sum(values)
    return _svg(w, h, f"{month.year}年{month.month}月每日服务人次，合计 {total} 人次", "".join(parts), "chart-daily")


def services_mix(by_service: Counter, names: dict[str, str], *, top_n: int = 8) -> str:
    """Horizontal bars of 服务人次 per service, largest first; the rest as 其他."""
    items = by_service.most_common()
    if len(items) > top_n:
        rest = sum(n for _, n in items[top_n - 1:])
        items = items[:top_n - 1] + [("__other__", rest)]
    total = sum(n for _, n in items) or 1
    row_h, w, label_w = 36, 560, 130
    h = max(1, len(items)) * row_h + 16
    plot_w = w - label_w - 110
    biggest = max([n for _, n in items] + [1])
    parts = []
    if not items:
        parts.append(_text(w / 2, 30, "本月没有服务记录", size=16, anchor="middle", fill=MUTED))
        h = 48
    for i, (code, n) in enumerate(items):
        y = 8 + i * row_h
        name = "其他" if code == "__other__" else names.get(code, code)
        if len(name) > 7:
            name = name[:6] + "…"
        parts.append(_text(label_w - 10, y + 22, name, size=16, anchor="end"))
        bw = max(2.0, plot_w * n / biggest)
        parts.append(f'<rect x="{label_w}" y="{y + 5}" width="{bw:.1f}" height="{row_h - 12}" rx="4" fill="{BLUE}"/>')
        parts.append(_text(label_w + bw + 8, y + 22, f"{n}（{100 * n / total:.0f}%）", size=15))
    return _svg(w, h, "各项业务的服务人次", "".join(parts), "chart-services")


def satisfaction(ratings: Counter) -> str:
    """Five bars, 非常满意 to 非常不满意, with counts and shares."""
    rated = sum(ratings.values())
    row_h, w, label_w = 36, 560, 110
    plot_w = w - label_w - 110
    biggest = max(list(ratings.values()) + [1])
    parts = []
    for i, (score, label, colour) in enumerate(SCORES):
        y = 8 + i * row_h
        n = ratings.get(score, 0)
        parts.append(_text(label_w - 10, y + 22, label, size=16, anchor="end"))
        bw = plot_w * n / biggest if n else 0
        parts.append(f'<rect x="{label_w}" y="{y + 5}" width="{max(bw, 1):.1f}" height="{row_h - 12}" rx="4" '
                     f'fill="{colour if n else GRID}"/>')
        share = f"（{100 * n / rated:.0f}%）" if rated else ""
        parts.append(_text(label_w + max(bw, 1) + 8, y + 22, f"{n}{share}", size=15))
    h = len(SCORES) * row_h + 16
    avg = sum(k * v for k, v in ratings.items()) / rated if rated else None
    title = f"满意度：{rated} 条评价，平均 {avg:.2f} 分" if avg is not None else "满意度：本月没有评价"
    return _svg(w, h, title, "".join(parts), "chart-satisfaction")
