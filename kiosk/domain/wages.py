"""How a wage is written for residents: 3000-4500 元/月, 25-30 元/小时, 9千-18千 元/月."""

from __future__ import annotations


def salary_text(smin: int, smax: int, unit: str) -> str:
    if unit == "时":
        return f"{smin}-{smax} 元/小时"
    if unit in ("日", "天"):
        return f"{smin}-{smax} 元/天"
    if smin >= 10000 or smax >= 10000:
        return f"{smin / 1000:.1f}千-{smax / 1000:.1f}千 元/月".replace(".0千", "千")
    return f"{smin}-{smax} 元/月"
