"""A kiosk's history on the fleet page as a line over time: plain SVG drawn on the server, in the
manner of the ledger's charts (no script, nothing loaded from outside, a title for screen readers)."""

from __future__ import annotations

from datetime import datetime, timedelta

from central.ledger_charts import BLUE, GRID, MUTED, _svg, _text

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 56, 16, 16, 34


def line_chart(points: list[tuple[datetime, float]], title: str, unit: str, chart_id: str, now: datetime,
               days: int) -> str:
    """``points`` (time, value) over the last ``days`` up to ``now``; gaps of more than 15 minutes
    (the kiosk was off or offline) break the line."""
    start = now - timedelta(days=days)
    if not points:
        return _svg(W, H, title, _text(W / 2, H / 2, "这段时间没有心跳", size=16, anchor="middle", fill=MUTED), chart_id)
    top = max(v for _t, v in points)
    top = top * 1.15 if top > 0 else 1.0
    span = (now - start).total_seconds()

    def x(t: datetime) -> float:
        return LEFT + (W - LEFT - RIGHT) * max(0.0, (t - start).total_seconds()) / span

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - max(0.0, v) / top)

    grid = "".join(
        f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(top * f):.1f}" y2="{y(top * f):.1f}" stroke="{GRID}"/>'
        + _text(LEFT - 6, y(top * f) + 5, f"{top * f:.0f}" if top >= 10 else f"{top * f:.1f}", size=13, anchor="end",
                fill=MUTED)
        for f in (0, 0.5, 1))
    days_axis = "".join(
        _text(x(start + timedelta(days=d)), H - 10, f"{(start + timedelta(days=d)):%m-%d}", size=13, anchor="middle",
              fill=MUTED) for d in range(days + 1))
    lines, run, last = [], [], None
    for t, v in points:
        if last is not None and t - last > timedelta(minutes=15):
            lines.append(run)
            run = []
        run.append(f"{x(t):.1f},{y(v):.1f}")
        last = t
    lines.append(run)
    paths = "".join(f'<polyline fill="none" stroke="{BLUE}" stroke-width="2.5" points="{" ".join(r)}"/>'
                    if len(r) > 1 else f'<circle cx="{r[0].split(",")[0]}" cy="{r[0].split(",")[1]}" r="3" fill="{BLUE}"/>'
                    for r in lines if r)
    latest = _text(W - RIGHT, TOP + 4, f"最新 {points[-1][1]:.1f} {unit}", size=14, anchor="end", fill=BLUE,
                   weight="700")
    return _svg(W, H, title, grid + days_axis + paths + latest, chart_id)
