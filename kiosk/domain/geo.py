"""Distances and the station's service circle (15-minute walk in town, 3 km in the countryside)."""

from __future__ import annotations

import math

from kiosk.domain.i18n import _

EARTH_RADIUS_M = 6_371_000.0
#: Average walking speed of an older pedestrian, metres per minute (about 4.5 km/h).
WALK_M_PER_MIN = 75.0
#: Streets are not straight lines: walked distance over straight-line distance.
DETOUR_FACTOR = 1.3
URBAN_WALK_MINUTES = 15
RURAL_RADIUS_M = 3000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def walking_minutes(straight_m: float) -> int:
    """Estimated walking time for a straight-line distance, rounded up to whole minutes."""
    return max(1, math.ceil(straight_m * DETOUR_FACTOR / WALK_M_PER_MIN))


def circle_radius_m(area_type: str) -> float:
    """Straight-line radius of the station's service circle."""
    if area_type == "rural":
        return RURAL_RADIUS_M
    return URBAN_WALK_MINUTES * WALK_M_PER_MIN / DETOUR_FACTOR


def format_distance(straight_m: float) -> str:
    if straight_m < 1000:
        return _("{m} 米").format(m=int(round(straight_m, -1)))
    return _("{km} 公里").format(km=f"{straight_m / 1000:.1f}")


def describe_distance(straight_m: float) -> str:
    """'850 米 · 步行约 15 分钟', or for far places the distance alone with a hint to ride."""
    minutes = walking_minutes(straight_m)
    if minutes > 60:
        return _("{d} · 建议乘车").format(d=format_distance(straight_m))
    return _("{d} · 步行约 {n} 分钟").format(d=format_distance(straight_m), n=minutes)
