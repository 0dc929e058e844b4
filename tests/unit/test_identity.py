from datetime import date

import pytest

from kiosk.domain.identity import (
    InvalidIdNumber,
    Resident,
    check_char,
    resident_from_keyed,
    validate_id_number,
)


def valid(first17: str) -> str:
    return first17 + check_char(first17)


def test_check_character_of_the_standard_example():
    # GB 11643-1999 appendix example: 11010519491231002X
    assert check_char("11010519491231002") == "X"
    assert validate_id_number("11010519491231002x") == ("11010519491231002X", date(1949, 12, 31))


@pytest.mark.parametrize("number, message", [
    ("1201041980010112", "18 位"),
    ("12010419800101123A", "数字"),
    (valid("12010419800230123"), "出生日期"),
    (valid("12010430000101123"), "出生日期"),
    ("110105194912310021", "校验不通过"),
])
def test_invalid_numbers_are_refused_with_a_reason(number, message):
    with pytest.raises(InvalidIdNumber, match=message):
        validate_id_number(number, today=date(2026, 11, 24))


def test_resident_shows_only_masked_forms():
    r = resident_from_keyed(valid("12010419800101123"))
    assert r.birth_date == date(1980, 1, 1)
    assert r.display == "120104********" + r.id_number[-4:]
    assert r.id_number not in repr(r)
    named = Resident(r.id_number, r.birth_date, name="张三丰")
    assert named.display.startswith("张** · ")
    p1, p2 = r.person(b"k"), r.person(b"k")
    assert p1.key == p2.key and r.id_number not in p1.key and r.person(b"other").key != p1.key
