"""A valid 招聘登记 form, and credit codes that pass and fail the GB 32100 check."""

from __future__ import annotations

from datetime import timedelta

from kiosk.domain.credit_code import check_char
from tests.clock import station_today


def code(first17: str = "91120101MA05JQ5K8") -> str:
    return first17 + check_char(first17)


def wrong_check(good: str) -> str:
    """``good`` with its check character changed: a one-character slip."""
    return good[:17] + ("0" if good[17] != "0" else "1")


def form(**over: str) -> dict[str, str]:
    today = station_today()
    out = {"company": "天津海河保洁服务有限公司", "credit_code": code(), "contact_name": "刘经理",
           "contact_phone": "13912345678", "occupation": "保洁员", "title": "商场保洁员", "job_type": "全职",
           "salary_min": "3800", "salary_max": "4500", "salary_unit": "月", "work_hours": "早7点到下午4点",
           "headcount": "3", "street": "南市街道", "address": "荣吉大街100号", "expires_on": (today + timedelta(days=30)).isoformat(),
           "requirements": "身体健康，能吃苦", "benefits": "包午餐", "consent": "1", "promise": "1"}
    out.update(over)
    return out


def day_job(**over: str) -> dict[str, str]:
    today = station_today()
    return form(**{"title": "搬家小工", "occupation": "装卸工", "job_type": "零工", "salary_min": "200",
                   "salary_max": "260", "salary_unit": "天", "expires_on": "", "work_from": today.isoformat(),
                   "work_to": "", "meet_place": "南市街道办事处门口", "meet_time": "07:30", **over})
