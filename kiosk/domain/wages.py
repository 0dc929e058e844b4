"""How a wage is written for residents: 3000-4500 元/月, 25-30 元/小时, 9千-18千 元/月."""

from __future__ import annotations

from kiosk.domain.i18n import _


def salary_text(smin: int, smax: int, unit: str) -> str:
    if unit == "时":
        return _("{a}-{b} 元/小时").format(a=smin, b=smax)
    if unit in ("日", "天"):
        return _("{a}-{b} 元/天").format(a=smin, b=smax)
    if smin >= 10000 or smax >= 10000:
        return _("{a}千-{b}千 元/月").format(a=f"{smin / 1000:.1f}", b=f"{smax / 1000:.1f}").replace(".0千", "千") \
            .replace(".0k", "k")
    return _("{a}-{b} 元/月").format(a=smin, b=smax)
