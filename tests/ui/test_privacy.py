"""PIPL: after a full visit nothing personal is on disk in clear: not in the database (and its
WAL), not in the logs, not in temp files. Only encrypted outbox payloads may hold it."""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path

from kiosk.core.identity import check_char
from tests.appfixture import beijing, go_home, tap, wait_until

NUMBER = "12010419660823004"
NUMBER += check_char(NUMBER)
PHONE = "13912348765"


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


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
    app.end_visit()
    from kiosk.core.queue import utc_now

    app.services.queue.clock = utc_now

    secrets = [NUMBER.encode(), PHONE.encode(), NUMBER.encode("utf-16-le")]
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
    assert NUMBER not in caplog.text and PHONE not in caplog.text
    # and nothing of the visit stays on screen or in memory objects the screens hold
    assert app.identity_text == "" and app.visits.current.identity is None
    assert app.screen("login").ids.keypad.value == "" and reg._keypad.value == ""
