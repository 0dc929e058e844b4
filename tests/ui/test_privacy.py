"""PIPL: after a full visit nothing personal is on disk in clear: not in the database (and its
WAL), not in the logs, not in temp files. Only encrypted outbox payloads may hold it."""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path

from kiosk.domain.identity import check_char
from tests.appfixture import beijing, go_home, tap, wait_until

NUMBER = "12010419660823004"
NUMBER += check_char(NUMBER)
PHONE = "13912348765"
CARD_NAME = "欧阳秀兰"
CARD_NUMBER = "12010419520607008"
CARD_NUMBER += check_char(CARD_NUMBER)
BUILDING, ROOM = "2718", "3141"  # a door number that appears nowhere else


def _files_under(root: Path) -> list[Path]:
    # os.walk, not rglob: other processes create and delete temp directories while this walks
    import os

    return [Path(d) / f for d, _dirs, files in os.walk(root, onerror=lambda _e: None) for f in files
            if os.path.isfile(os.path.join(d, f))]


def test_full_visit_leaves_no_personal_data_in_clear(app, caplog, tmp_path):
    started = set(_files_under(Path(tempfile.gettempdir())))
    caplog.set_level(logging.DEBUG)
    # log in on the keypad, take an identity-gated ticket, register, then walk away
    app.services.queue.clock = lambda: beijing(date(2030, 1, 8), 10)
    go_home(app)
    tap(app.screen("home").tile("registration"))
    login = app.screen("login")
    wait_until(lambda: app.nav.current == "login", what="login")
    for d in NUMBER:
        tap(next(k for k in login.ids.keypad.children if k.text == d))
    tap(login.ids.ok)
    reg = app.screen("registration")
    wait_until(lambda: app.nav.current == "registration" and reg.ids.options.children, what="registration")
    for choice in (("失业，正在找工作",), ("保洁",), ("和平区",), ("面议",), ("暂不需要",), ("以上都不是",)):
        for text in choice:
            tap(next(c for c in reg.ids.options.children if c.text == text))
        tap(reg.ids.next)
    for d in PHONE:
        tap(next(k for k in reg.ids.phone.children if k.text == d))
    tap(reg.ids.next)
    tap(reg.ids.next)
    wait_until(lambda: reg.done, what="submission")
    app.nav.go("queue_services")
    queue = app.screen("queue_services")
    wait_until(lambda: len(queue.ids.rows.children) == 7, what="services")
    tap(queue.row("job_registration"))
    wait_until(lambda: app.nav.current == "queue_ticket", what="ticket")
    # then a resident lays an ID card (with a name) on the reader, asks for a home visit by touch,
    # to the printed slip, and looks at 我的申请
    from kiosk.devices.idcard.text_block import resident_block

    app.card_simulator.remove_card()
    app.card_simulator.lay_card(resident_block(CARD_NAME, "2", 1, CARD_NUMBER[6:14], "天津市和平区南市街道荣业大街56号",
                                               CARD_NUMBER, "天津市公安局和平分局", "20200101", "20400101"))
    wait_until(lambda: getattr(app.visits.current.identity, "name", "") == CARD_NAME, timeout=15, what="the card")
    app.card_simulator.remove_card()
    app.nav.go("home_service")
    hs = app.screen("home_service")
    wait_until(lambda: hs.page == "menu", what="上门·代办")
    tap(hs.choice("上门服务"))
    wait_until(lambda: hs.page == "street" and app.background.pending == 0, what="the street page")
    tap(hs.choice("南市街道"))
    for field, digits in (("building", BUILDING), ("room", ROOM)):
        tap(hs.ids["field_" + field])
        for d in digits:
            tap(next(k for k in hs.ids.keypad.children if k.text == d))
    tap(hs.ids.next)
    tap(list(reversed(hs.ids.choices.children))[0])
    tap(hs.choice("政策咨询"))
    for d in PHONE:
        tap(next(k for k in hs.ids.keypad.children if k.text == d))
    tap(hs.ids.next)
    tap(hs.ids.next)
    wait_until(lambda: hs.page == "done" and app.background.pending == 0, timeout=20, what="the home visit")
    hs.show_mine()
    wait_until(lambda: hs.page == "mine" and hs.ids.cards.children and app.background.pending == 0, what="我的申请")
    app.end_visit()
    from kiosk.domain.queue_rules import utc_now

    app.services.queue.clock = utc_now

    secrets = [NUMBER.encode(), PHONE.encode(), NUMBER.encode("utf-16-le"), f"{BUILDING}号楼".encode(),
               f"{ROOM}室".encode(), CARD_NUMBER.encode(), CARD_NAME.encode(), CARD_NAME.encode("utf-16-le"),
               CARD_NAME.encode("gb18030")]
    data_dir = app.kiosk_config.data_path
    stored = _files_under(data_dir)
    assert any(p.name.startswith("kiosk.sqlite3") for p in stored)
    for p in stored:
        blob = p.read_bytes()
        for s in secrets:
            assert s not in blob, f"{p} holds personal data in clear"
    new_temp = [p for p in _files_under(Path(tempfile.gettempdir())) if p not in started]
    for p in new_temp:
        try:
            blob = p.read_bytes()
        except OSError:
            continue
        for s in secrets:
            assert s not in blob, f"temp file {p} holds personal data in clear"
    for secret in (NUMBER, PHONE, f"{ROOM}室", CARD_NUMBER, CARD_NAME):
        assert secret not in caplog.text
    # and nothing of the visit stays on screen or in memory objects the screens hold
    assert app.identity_text == "" and app.visits.current.identity is None
    assert app.screen("login").ids.keypad.value == "" and reg._keypad.value == ""
    assert hs.draft.phone == "" and hs.body == "" and hs.views == [] and not hs.ids.cards.children
