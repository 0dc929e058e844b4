"""Places and figures of Tianjin used by the demo data and by pickers.

The 16 districts with an approximate centre and a handful of their streets (街道) and towns
(镇). Street coordinates are spread around the district centre deterministically; they are
good enough for distances in a demo, not for navigation.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

#: Tianjin's monthly and hourly minimum wage (yuan) used as the floor for generated salaries.
MIN_WAGE_MONTHLY = 2320
MIN_WAGE_HOURLY = 24.4

# district: (lat, lon, spread_km, urban core?, streets)
_DISTRICTS: dict[str, tuple[float, float, float, bool, tuple[str, ...]]] = {
    "和平区": (39.1170, 117.1950, 1.6, True, ("劝业场街道", "小白楼街道", "五大道街道", "新兴街道", "南营门街道", "南市街道")),
    "河东区": (39.1280, 117.2520, 2.5, True, ("大王庄街道", "大直沽街道", "中山门街道", "富民路街道", "二号桥街道", "春华街道")),
    "河西区": (39.1100, 117.2230, 2.5, True, ("大营门街道", "下瓦房街道", "桃园街道", "挂甲寺街道", "马场街道", "友谊路街道")),
    "南开区": (39.1380, 117.1500, 2.5, True, ("长虹街道", "鼓楼街道", "兴南街道", "广开街道", "万兴街道", "学府街道")),
    "河北区": (39.1480, 117.1970, 2.5, True, ("光复道街道", "望海楼街道", "鸿顺里街道", "新开河街道", "铁东路街道", "王串场街道")),
    "红桥区": (39.1670, 117.1510, 2.0, True, ("西于庄街道", "丁字沽街道", "西沽街道", "三条石街道", "邵公庄街道", "芥园街道")),
    "东丽区": (39.0870, 117.3140, 7.0, False, ("张贵庄街道", "丰年村街道", "万新街道", "无瑕街道", "新立街道", "华明街道")),
    "西青区": (39.1400, 117.0080, 8.0, False, ("杨柳青镇", "中北镇", "精武镇", "大寺镇", "李七庄街道", "西营门街道")),
    "津南区": (38.9890, 117.3570, 8.0, False, ("咸水沽镇", "葛沽镇", "小站镇", "双港镇", "辛庄镇", "海河教育园区")),
    "北辰区": (39.2250, 117.1350, 7.0, False, ("果园新村街道", "集贤里街道", "普东街道", "瑞景街道", "天穆镇", "北仓镇")),
    "武清区": (39.3840, 117.0440, 12.0, False, ("杨村街道", "下朱庄街道", "东蒲洼街道", "黄庄街道", "徐官屯街道", "运河西街道")),
    "宝坻区": (39.7170, 117.3090, 12.0, False, ("海滨街道", "宝平街道", "钰华街道", "周良街道", "口东街道", "大口屯镇")),
    "滨海新区": (39.0320, 117.6540, 15.0, False, ("塘沽街道", "新港街道", "杭州道街道", "新河街道", "大港街道", "汉沽街道")),
    "宁河区": (39.3300, 117.8240, 12.0, False, ("芦台街道", "宁河镇", "潘庄镇", "丰台镇", "东棘坨镇", "板桥镇")),
    "静海区": (38.9360, 116.9250, 12.0, False, ("静海镇", "唐官屯镇", "独流镇", "王口镇", "大邱庄镇", "子牙镇")),
    "蓟州区": (40.0460, 117.4080, 14.0, False, ("渔阳镇", "文昌街道", "洇溜镇", "下营镇", "邦均镇", "别山镇")),
}

#: Fixed coordinates for places whose position matters (the demo station's street).
_PINNED: dict[tuple[str, str], tuple[float, float]] = {
    ("和平区", "南市街道"): (39.1325, 117.1895),
}


@dataclass(frozen=True)
class Street:
    district: str
    name: str
    lat: float
    lon: float
    area_type: str  # "urban" or "rural"


@dataclass(frozen=True)
class District:
    name: str
    lat: float
    lon: float
    spread_km: float
    streets: tuple[Street, ...]


def _offset(key: str, spread_km: float) -> tuple[float, float]:
    h = hashlib.sha256(key.encode()).digest()
    angle = h[0] / 255 * 2 * math.pi
    r = (0.25 + 0.75 * h[1] / 255) * spread_km
    dlat = r * math.cos(angle) / 111.0
    dlon = r * math.sin(angle) / (111.0 * math.cos(math.radians(39.1)))
    return dlat, dlon


def _build() -> tuple[District, ...]:
    out = []
    for name, (lat, lon, spread, urban_core, street_names) in _DISTRICTS.items():
        streets = []
        for s in street_names:
            if (name, s) in _PINNED:
                slat, slon = _PINNED[(name, s)]
            else:
                dlat, dlon = _offset(name + s, spread)
                slat, slon = lat + dlat, lon + dlon
            area = "urban" if urban_core or not s.endswith("镇") else "rural"
            streets.append(Street(name, s, round(slat, 5), round(slon, 5), area))
        out.append(District(name, lat, lon, spread, tuple(streets)))
    return tuple(out)


DISTRICTS: tuple[District, ...] = _build()
DISTRICT_NAMES: tuple[str, ...] = tuple(d.name for d in DISTRICTS)


def district(name: str) -> District:
    for d in DISTRICTS:
        if d.name == name:
            return d
    raise KeyError(f"not a Tianjin district: {name}")


def all_streets() -> list[Street]:
    return [s for d in DISTRICTS for s in d.streets]
