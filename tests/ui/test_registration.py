"""就业登记: one question per page, consent, an encrypted event, and 为你推荐 from the answers."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.domain.identity import Resident, check_char
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import go_home, pump, tap, wait_until

NUMBER = "12010519700405001"
NUMBER += check_char(NUMBER)
PHONE = "13812345678"


def _chip(screen, text):
    return next(c for c in screen.ids.options.children if c.text == text)


def _pick(screen, *texts):
    for t in texts:
        tap(_chip(screen, t))
    tap(screen.ids.next)


def test_register_then_see_recommendations(app):
    from datetime import date

    go_home(app)
    tap(app.screen("home").tile("registration"))
    wait_until(lambda: app.nav.current == "login", what="login first")
    app.screen("login").accept(Resident(NUMBER, date(1970, 4, 5)))
    reg = app.screen("registration")
    wait_until(lambda: app.nav.current == "registration" and reg.ids.options.children, what="first question")
    assert reg.ids.progress.text == "第 1 步，共 8 步"
    tap(reg.ids.next)  # nothing chosen
    assert "至少选择一项" in reg.error
    _pick(reg, "失业，正在找工作")
    _pick(reg, "保洁", "保安")
    _pick(reg, "和平区")
    _pick(reg, "3000-5000元")
    tap(_chip(reg, "养老护理"))
    tap(_chip(reg, "暂不需要"))
    tap(reg.ids.next)
    assert "就不能再选其他项" in reg.error
    tap(_chip(reg, "暂不需要"))
    tap(reg.ids.next)
    _pick(reg, "以上都不是")
    assert reg.kind == "phone"
    for d in "1381234":
        tap(next(k for k in reg.ids.phone.children if k.text == d))
    tap(reg.ids.next)
    assert "11 位手机号码" in reg.error
    for d in "5678":
        tap(next(k for k in reg.ids.phone.children if k.text == d))
    tap(reg.ids.next)
    assert reg.kind == "consent" and "保洁、保安" in reg.ids.summary.text
    assert "仅用于就业登记" in reg.ids.consent.text
    tap(reg.ids.next)  # 同意并提交
    wait_until(lambda: reg.done, what="submission")
    with app.store.read() as s:
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "registration.submitted")
                          .order_by(OutboxEvent.seq.desc())).first()
    assert event.encrypted and NUMBER.encode() not in event.payload and PHONE.encode() not in event.payload
    data = read_payload(event, app.outbox_cipher())
    assert data["id_number"] == NUMBER and data["phone"] == PHONE and data["desired_occupations"] == ["保洁", "保安"]
    assert data["training_needs"] == ["养老护理"] and data["key_groups"] == []
    assert data["identity"] == "typed" and len(data["person_key"]) >= 16  # a keyed number, for the ledger
    # 好差评: one tap, anonymous, once
    bar = reg.ids.rating
    tap(next(b for b in bar.ids.buttons.children if b.text == "满意"))
    wait_until(lambda: app.background.pending == 0, what="rating saved")
    assert bar.thanks == "谢谢您的评价！" and all(b.disabled for b in bar.ids.buttons.children)
    tap(next(b for b in bar.ids.buttons.children if b.text == "不满意"))
    wait_until(lambda: app.background.pending == 0, what="nothing more")
    with app.store.read() as s:
        ratings = [read_payload(e, None) for e in
                   s.scalars(select(OutboxEvent).where(OutboxEvent.type == "feedback.given")).all()]
    assert ratings.count({"station_id": app.kiosk_config.station.id, "service": "registration", "score": 4}) == 1
    assert all(r["score"] != 2 for r in ratings)
    tap(reg.ids.recommend)
    listing = app.screen("vacancy_list")
    wait_until(lambda: app.nav.current == "vacancy_list" and listing.recommending and listing.ids.rv.data,
               what="recommendations")
    rows = listing.ids.rv.data
    assert "为您推荐" in listing.summary
    assert any("符合您想做的" in r["place"] for r in rows[:5])
    assert listing.ids.recommended.state == "down" and listing.ids.recommended.parent is not None
    app.end_visit()
    pump()
    assert app.visits.current.profile is None and not listing.has_profile and reg.step == 0
    assert listing.ids.recommended.parent is None  # no profile: the chip leaves the tree, not just the eye


def test_idle_timeout_mid_form_forgets_the_answers(app):
    from datetime import date

    go_home(app)
    tap(app.screen("home").tile("registration"))
    wait_until(lambda: app.nav.current == "login", what="login first")
    app.screen("login").accept(Resident(NUMBER, date(1970, 4, 5)))
    reg = app.screen("registration")
    wait_until(lambda: app.nav.current == "registration" and reg.ids.options.children, what="first question")
    with app.store.read() as s:
        submitted_before = len(s.scalars(select(OutboxEvent).where(OutboxEvent.type == "registration.submitted")).all())
    _pick(reg, "灵活就业")
    _pick(reg, "电工")
    assert reg.step == 2 and reg.answers.get("occupations") == ["电工"]
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 1
    app.idle.check()
    pump(2)
    assert app.nav.current == "attract" and app.identity_text == ""
    assert reg.answers.values == {} and reg.step == 0
    with app.store.read() as s:  # nothing half-filled was sent
        assert len(s.scalars(select(OutboxEvent).where(OutboxEvent.type == "registration.submitted")).all()) \
            == submitted_before


def _start(app):
    from datetime import date

    go_home(app)
    tap(app.screen("home").tile("registration"))
    wait_until(lambda: app.nav.current == "login", what="login first")
    app.screen("login").accept(Resident(NUMBER, date(1970, 4, 5)))
    reg = app.screen("registration")
    wait_until(lambda: app.nav.current == "registration" and reg.ids.options.children, what="first question")
    return reg


def _submitted(app) -> list[str]:
    with app.store.read() as s:
        return list(s.scalars(select(OutboxEvent.id).where(OutboxEvent.type == "registration.submitted")))


def _fill_to_consent(reg) -> None:
    _pick(reg, "失业，正在找工作")
    _pick(reg, "保洁")
    _pick(reg, "和平区")
    _pick(reg, "3000-5000元")
    _pick(reg, "暂不需要")
    _pick(reg, "以上都不是")
    for d in PHONE:
        tap(next(k for k in reg.ids.phone.children if k.text == d))
    tap(reg.ids.next)
    assert reg.kind == "consent"


def test_refusing_consent_submits_nothing_and_forgets_the_answers(app):
    reg = _start(app)
    before = _submitted(app)
    _fill_to_consent(reg)
    assert reg.ids.previous.text == "不同意"
    tap(reg.ids.previous)
    wait_until(lambda: app.nav.current == "home", what="home")
    assert _submitted(app) == before
    assert reg.answers.values == {} and reg.step == 0 and reg._keypad.value == ""
    tap(app.screen("home").tile("registration"))  # still logged in: straight to the first question
    wait_until(lambda: app.nav.current == "registration" and reg.ids.options.children, what="a fresh form")
    assert reg.step == 0 and not any(c.state == "down" for c in reg.ids.options.children)


def test_back_steps_keep_the_answers_and_leave_from_the_first(app):
    reg = _start(app)
    _pick(reg, "灵活就业")
    _pick(reg, "电工", "保安")
    assert reg.step == 2
    tap(reg.ids.previous)
    assert reg.step == 1 and sorted(c.text for c in reg.ids.options.children if c.state == "down") == ["保安", "电工"]
    tap(reg.ids.previous)
    assert reg.step == 0 and [c.text for c in reg.ids.options.children if c.state == "down"] == ["灵活就业"]
    tap(reg.ids.previous)  # 上一步 on the first question leaves the form
    wait_until(lambda: app.nav.current != "registration", what="leaving the form")
    assert app.nav.current == "home", app.nav.current


def test_submitted_while_central_is_unreachable_arrives_later_exactly_once(app):
    from tests.ui.central_later import deliver_later

    reg = _start(app)
    before = set(_submitted(app))
    _fill_to_consent(reg)
    tap(reg.ids.next)  # 同意并提交: committed locally with central down
    wait_until(lambda: reg.done, what="submission")
    (event_id,) = set(_submitted(app)) - before
    from central.models import Event, Registration

    def read(s):  # noqa: ANN001, ANN202 - the registration row (sealed at rest) and the event log's copy
        r = s.get(Registration, event_id)
        return (r.id_number, r.phone, r.desired_occupations), dict(s.get(Event, event_id).payload)

    row, stored = deliver_later(app, event_id, read)
    assert row == (NUMBER, PHONE, ["保洁"])
    assert "id_number" not in stored and "phone" not in stored and stored["desired_occupations"] == ["保洁"]
