"""就业失业登记 and 就业需求调查: the questions, the answers, and the profile they give.

Questions are data, one per step, answered with pickers (and the phone on a keypad), never
with free text. The answers make a ``Profile`` that ranks vacancies for the resident (为你推荐)
and, with explicit consent, a ``registration.submitted`` event for the central system.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kiosk.domain import tianjin
from kiosk.domain.privacy import MOBILE_NUMBER
from kiosk.domain.search import Profile

if TYPE_CHECKING:
    from kiosk.domain.identity import Resident
    from kiosk.store.engine import Store
    from kiosk.store.outbox import OutboxCipher

Kind = Literal["single", "multi", "phone"]

EMPLOYMENT_STATUS = ("失业，正在找工作", "在职，想换工作", "灵活就业", "在校学生 / 应届毕业生", "退休后想再就业")
OCCUPATIONS = ("保洁", "保安", "厨师", "服务员", "营业员", "快递员", "司机", "普工", "电工", "养老护理",
               "育婴员", "家政服务", "仓库管理", "文员", "会计", "销售", "客服", "教师", "护士", "公益性岗位")
SALARY = ("3000元以下", "3000-5000元", "5000-8000元", "8000元以上", "面议")
TRAINING = ("养老护理", "育婴", "电工", "烹饪", "电商直播", "计算机操作", "叉车驾驶", "创业培训", "暂不需要")
KEY_GROUPS = ("高校毕业生", "农民工", "就业困难人员", "退役军人", "残疾人", "长期失业人员", "脱贫人口", "以上都不是")


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    kind: Kind
    options: tuple[str, ...] = ()
    max_choices: int = 1
    hint: str = ""
    #: an option that excludes the others (e.g. 以上都不是)
    exclusive: str = ""


QUESTIONS: tuple[Question, ...] = (
    Question("status", "您现在的就业状态是？", "single", EMPLOYMENT_STATUS),
    Question("occupations", "您想找什么工作？", "multi", OCCUPATIONS, 3, "最多选 3 个"),
    Question("district", "您希望在哪个区工作？", "single", tianjin.DISTRICT_NAMES),
    Question("salary", "您期望的月工资是？", "single", SALARY),
    Question("training", "您想参加哪些免费技能培训？", "multi", TRAINING, 3, "最多选 3 个", exclusive="暂不需要"),
    Question("groups", "您是否属于以下人员？", "multi", KEY_GROUPS, 7, "可多选；这些人员可享受就业扶持政策",
             exclusive="以上都不是"),
    Question("phone", "请输入您的手机号码", "phone", hint="工作人员会用这个号码联系您"),
)


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is for the resident."""


@dataclass
class Answers:
    values: dict[str, list[str]] = field(default_factory=dict)

    def get(self, key: str) -> list[str]:
        return self.values.get(key, [])

    def set(self, q: Question, chosen: list[str]) -> None:
        check(q, chosen)
        self.values[q.key] = list(chosen)

    def complete(self) -> bool:
        return all(q.key in self.values for q in QUESTIONS)

    def clear(self) -> None:
        self.values.clear()


def check(q: Question, chosen: list[str]) -> None:
    if q.kind == "phone":
        if len(chosen) != 1 or not MOBILE_NUMBER.match(chosen[0]):
            raise AnswerError("请输入 11 位手机号码，以 1 开头")
        return
    if not chosen:
        raise AnswerError("请至少选择一项")
    unknown = [c for c in chosen if c not in q.options]
    if unknown:
        raise AnswerError(f"没有这个选项：{unknown[0]}")
    if len(chosen) > q.max_choices:
        raise AnswerError(f"最多选 {q.max_choices} 个")
    if q.exclusive and q.exclusive in chosen and len(chosen) > 1:
        raise AnswerError(f"选了“{q.exclusive}”就不能再选其他项")


def profile(answers: Answers) -> Profile:
    """The search profile for 为你推荐: desired occupations and district."""
    desired = tuple(o for o in answers.get("occupations") if o != "公益性岗位")
    job_types = frozenset({"公益性岗位"}) if "公益性岗位" in answers.get("occupations") else frozenset()
    district = (answers.get("district") or [""])[0]
    return Profile(desired=desired, district=district, job_types=job_types)


def payload(answers: Answers, id_number: str, station_id: str) -> dict:
    """The registration.submitted payload. Personal: the outbox encrypts it at rest."""
    return {
        "station_id": station_id,
        "id_number": id_number,
        "phone": answers.get("phone")[0],
        "employment_status": answers.get("status")[0],
        "desired_occupations": answers.get("occupations"),
        "desired_district": answers.get("district")[0],
        "expected_salary": answers.get("salary")[0],
        "training_needs": [t for t in answers.get("training") if t != "暂不需要"],
        "key_groups": [g for g in answers.get("groups") if g != "以上都不是"],
        "consent": True,
    }


CONSENT_TEXT = (
    "提交后，您的身份证号、手机号和以上选择将发送给天津市公共就业服务机构（本驿站及所在区的人社部门），"
    "仅用于就业登记、岗位推荐、技能培训通知和就业政策服务。\n"
    "本机不保存您的信息：发送成功后即从本机删除；发送前加密保存。您可以随时到驿站窗口查询、更正或撤回。"
)


class RegistrationDesk:
    """Submits a registration: one encrypted ``registration.submitted`` event in the outbox."""

    def __init__(self, store: Store, cipher: Callable[[], OutboxCipher], station_id: str,
                 person_secret: bytes = b"") -> None:
        self.store = store
        self.cipher = cipher
        self.station_id = station_id
        self.person_secret = person_secret

    def submit(self, resident: Resident, answers: Answers) -> str:
        from kiosk.store.outbox import add_event

        if not answers.complete():
            raise AnswerError("信息不完整")
        body = payload(answers, resident.id_number, self.station_id)
        body["identity"] = resident.proof
        if self.person_secret:
            body["person_key"] = resident.person(self.person_secret).key
        with self.store.session() as s:
            return add_event(s, "registration.submitted", body, cipher=self.cipher(), personal=True)
