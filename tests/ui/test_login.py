"""身份验证 by keyed number: clear refusals, a session banner with 退出, and a full wipe."""

from __future__ import annotations

from kiosk.domain.identity import check_char
from tests.appfixture import go_home, pump, tap, wait_until


def _key_in(login, digits: str) -> None:
    for d in digits:
        tap(next(k for k in login.ids.keypad.children if k.text == d))


def test_wrong_then_right_number_and_logout(app):
    go_home(app)
    app.nav.go("login", next="vacancy_list", purpose="测试")
    login = app.screen("login")
    pump(2)
    bad = "12010419800101123"
    bad += "0" if check_char(bad) != "0" else "1"
    _key_in(login, bad)
    assert login.ids.number.text == f"{bad[:6]} {bad[6:14]} {bad[14:]}"
    tap(login.ids.ok)
    assert login.error and "校验不通过" in login.message
    assert app.nav.current == "login"
    for _ in range(18):
        tap(next(k for k in login.ids.keypad.children if k.text == "删除"))
    good = "12010419800101123"
    good += check_char(good)
    _key_in(login, good)
    tap(login.ids.ok)
    wait_until(lambda: app.nav.current == "vacancy_list", what="next screen")
    assert app.identity_text == "120104********" + good[-4:]
    header = app.screen("vacancy_list").ids.header
    pump(2)
    assert header.ids.session.height > 0
    assert login.ids.keypad.value == ""  # nothing typed stays behind
    tap(header.ids.logout)
    assert app.nav.current == "attract"
    assert app.identity_text == "" and app.visits.current.identity is None
