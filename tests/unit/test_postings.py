"""招聘登记 rules: the credit code's check character, and each field's message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.domain import credit_code
from kiosk.domain.jobwords import occupations
from kiosk.domain.postings import check, same_job
from tests.central.posting_data import code, day_job, form, wrong_check
from tests.clock import station_today

#: Tianjin's date, as the posting form's dates are (tests/clock.py)
TODAY = station_today()
OCCUPATIONS = frozenset(o for g in occupations().values() for o in g)


def _check(data: dict):
    return check(data, district="和平区", today=TODAY, occupations=OCCUPATIONS)


@pytest.mark.parametrize("good", ["91350100M000100Y43", "91120101MA05JQ5K8F"[:17] + credit_code.check_char("91120101MA05JQ5K8")])
def test_valid_codes_pass(good: str) -> None:
    assert credit_code.problem(good) == ""


def test_every_single_character_slip_is_caught() -> None:
    good = code()
    for i in range(18):
        for ch in credit_code.ALPHABET:
            if ch != good[i]:
                assert credit_code.problem(good[:i] + ch + good[i + 1:]), (i, ch)


def test_codes_are_read_as_people_copy_them() -> None:
    assert credit_code.normalise(" 9135 0100 m000 100y43 ") == "91350100M000100Y43"


def test_a_good_form_gives_the_posting() -> None:
    posting, errors = _check(form())
    assert errors == {} and posting.title == "商场保洁员" and posting.salary_min == 3800 and posting.street == "南市街道"
    assert posting.work_from is None and posting.expires_on > TODAY
    again, errors = _check(posting.as_form())
    assert errors == {} and again == posting


def test_a_day_job_takes_its_days_and_meeting_point() -> None:
    posting, errors = _check(day_job(work_to=(TODAY + timedelta(days=2)).isoformat(), meet_time="7:05"))
    assert errors == {}
    assert (posting.work_from, posting.expires_on, posting.meet_time) == (TODAY, TODAY + timedelta(days=2), "07:05")
    one_day, _ = _check(day_job())
    assert one_day.expires_on == one_day.work_from == TODAY


@pytest.mark.parametrize("over, field", [
    ({"work_from": ""}, "work_from"),
    ({"work_to": (TODAY - timedelta(days=1)).isoformat()}, "work_from"),
    ({"work_to": (TODAY + timedelta(days=40)).isoformat()}, "work_from"),
    ({"meet_place": ""}, "meet_place"),
    ({"meet_time": "25:00"}, "meet_time"),
    ({"salary_unit": "月"}, "salary"),
])
def test_a_day_job_without_its_day_or_meeting_is_named(over: dict, field: str) -> None:
    posting, errors = _check(day_job(**over))
    assert posting is None and field in errors


@pytest.mark.parametrize("over, field", [
    ({"credit_code": wrong_check(code())}, "credit_code"), ({"company": ""}, "company"),
    ({"occupation": "宇航员"}, "occupation"), ({"job_type": "临时"}, "job_type"),
    ({"salary_min": "5000", "salary_max": "4000"}, "salary"), ({"salary_min": "abc"}, "salary"),
    ({"salary_min": "2319"}, "salary"), ({"headcount": "0"}, "headcount"), ({"headcount": "1000"}, "headcount"),
    ({"street": "南市"}, "street"), ({"address": ""}, "address"),
    ({"expires_on": (TODAY + timedelta(days=181)).isoformat()}, "expires_on"), ({"expires_on": "明天"}, "expires_on"),
    ({"promise": ""}, "promise"), ({"work_hours": "时" * 61}, "work_hours"),
])
def test_each_bad_field_is_named_alone(over: dict, field: str) -> None:
    posting, errors = _check(form(**over))
    assert posting is None and list(errors) == [field]


def test_a_part_time_month_may_be_below_the_full_time_floor() -> None:
    assert _check(form(job_type="兼职", salary_min="1500", salary_max="1800"))[1] == {}


def test_another_district_has_other_streets() -> None:
    _, errors = check(form(), district="蓟州区", today=TODAY, occupations=OCCUPATIONS)
    assert "蓟州区" in errors["street"]


def test_the_same_company_and_job_is_the_same_posting() -> None:
    a, _ = _check(form())
    b, _ = _check(form(headcount="9", title="保洁员"))  # same occupation
    c, _ = _check(form(credit_code=code("91120101MA05JQ5K9")))
    assert same_job(a, b) and not same_job(a, c)
