"""Fixed sample receipts (``python -m kiosk print-sample``, the benchmark, the tests).

The data are made up and the dates fixed, so the same command always writes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kiosk.domain import receipts as R
from kiosk.domain.geo import describe_distance, walking_minutes
from kiosk.domain.queue_rules import STATION_TZ, IssuedTicket
from kiosk.domain.vacancy_views import VacancyView

KINDS = ("ticket", "vacancy", "shortlist", "appointment", "service_request", "callback", "interest", "notice")
PRINTED_AT = datetime(2025, 3, 18, 9, 42, tzinfo=STATION_TZ)
CENTRAL = "https://jy.example.tj.cn"
#: a made-up capability token (128 bits, as the kiosk makes them)
TOKEN = "q3Vt0mXo5d9Lb2RkZpA8wQ"


@dataclass(frozen=True)
class SampleStation:
    name: str = "和平区南市街就业驿站"
    address: str = "和平区南市街荣业大街 56 号"
    phone: str = "022-2730 0000"


STATION = SampleStation()

TICKET = IssuedTicket(
    id="5f0c6a4e-2b1d-4c59-9d0e-7a3f1b2c4d5e", service_code="job_registration", service_name="求职登记",
    display_number="A023", number=23, day=date(2025, 3, 18), issued_at=PRINTED_AT, people_ahead=4,
    wait_minutes=32, priority=False,
)

_JOBS = (
    ("V-2025-000101", "保洁员", "天津南市物业管理有限公司", "3500-4200 元/月", "和平区", "南市街道", 650, "全职"),
    ("V-2025-000102", "超市理货员", "津门鲜生活超市（荣业大街店）", "4000-4800 元/月", "和平区", "南市街道", 900, "全职"),
    ("V-2025-000103", "养老护理员", "和平区颐康养老服务中心", "5000-6500 元/月", "和平区", "劝业场街道", 1700, "全职"),
    ("V-2025-000104", "快递分拣员（夜班）", "津达速运有限公司和平营业部", "25-30 元/小时", "南开区", "长虹街道", 3200, "兼职"),
    ("V-2025-000105", "社区公益性岗位（环境巡查）", "南市街道办事处", "2400-2600 元/月", "和平区", "南市街道", 300,
     "公益性岗位"),
)


def _view(row: tuple) -> VacancyView:
    vid, title, employer, salary, district, street, metres, job_type = row
    return VacancyView(
        id=vid, title=title, category="", employer=employer, employer_intro="", district=district, street=street,
        address=f"{district}{street}荣业大街 {metres % 97} 号", salary=salary, job_type=job_type, headcount=3,
        education="初中及以上", experience="经验不限", age_range="18-55 岁", work_hours="早 8:00 至 晚 17:00，做六休一",
        requirements="身体健康，工作认真负责，能吃苦耐劳；有相关经验者优先。", benefits="五险、工作餐、节日福利",
        contact="王女士 022-2730 1234", posted_on=date(2025, 3, 10), expires_on=date(2025, 4, 30),
        distance_m=float(metres), walking_minutes=walking_minutes(metres), distance_text=describe_distance(metres),
        in_circle=metres <= 1000,
    )


VACANCIES = tuple(_view(r) for r in _JOBS)

APPOINTMENT = R.Appointment(
    id="a7e1c2d3-0000-4b5c-8d9e-112233445566", service_name="职业指导", starts_at=datetime(2025, 3, 20, 10, 30),
    place="和平区南市街就业驿站 2 号窗口", reference="YY0320-07", identity="张* · 120104********1234",
    notes=("请携带本人身份证", "如需取消，请提前一天扫码或致电驿站"),
)


def job_url(vacancy_id: str) -> str:
    return f"{CENTRAL}/jobs/{vacancy_id}"


SERVICE_REQUEST = R.ServiceRequest(
    "代理服务", "PK7QRX3M", "3月20日（周四）下午", "代办失业保险金申领", "南市街道", "张* · 120104********1234",
    ("身份证原件及复印件", "解除或终止劳动合同证明", "本人社会保障卡（银行账户）"))


def sample(kind: str) -> R.Receipt:
    if kind == "ticket":
        return R.ticket(TICKET, STATION, f"{CENTRAL}/tickets/{TICKET.id}", PRINTED_AT, identity="张* · 120104********1234")
    if kind == "vacancy":
        return R.vacancy(VACANCIES[0], job_url(VACANCIES[0].id), STATION, PRINTED_AT)
    if kind == "shortlist":
        return R.shortlist(VACANCIES, job_url, STATION, PRINTED_AT, list_url=f"{CENTRAL}/shortlists/{TOKEN}")
    if kind == "appointment":
        return R.appointment(APPOINTMENT, STATION, f"{CENTRAL}/appointments/{APPOINTMENT.id}", PRINTED_AT)
    if kind == "service_request":
        return R.service_request(SERVICE_REQUEST, STATION, f"{CENTRAL}/requests/{SERVICE_REQUEST.reference}", PRINTED_AT)
    if kind == "callback":
        return R.callback("HD-7G4UD", "政策咨询", "139****5678", STATION, f"{CENTRAL}/callbacks/{TOKEN}", PRINTED_AT)
    if kind == "interest":
        v = VACANCIES[2]
        return R.interest(v.title, v.employer, "YXLGQ94G", "139****5678", STATION, f"{CENTRAL}/interests/{TOKEN}",
                          PRINTED_AT)
    if kind == "notice":
        return R.notice("打印测试", ["打印机工作正常。", "中文、数字 0123456789 与二维码均应清晰。"], STATION, PRINTED_AT,
                        qr_url=f"{CENTRAL}/stations/TJ-HP-NSJ-01")
    raise ValueError(f"unknown sample {kind!r}; one of {', '.join(KINDS)}")
