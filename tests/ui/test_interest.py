"""我要投递: identity, the phone on the keypad, explicit consent, an encrypted interest.expressed event
with the phone and the hash of the slip's capability token; the event reaches a real central."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kiosk.domain.capability import token_hash
from kiosk.domain.identity import Resident
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import first_row, open_list, tap, wait_until
from tests.qrcodes import qr_texts

NUMBER = "11010519491231002X"
PHONE = "13712345678"


def _interest_events(app) -> list:
    with app.store.read() as s:
        return s.scalars(select(OutboxEvent).where(OutboxEvent.type == "interest.expressed")
                         .order_by(OutboxEvent.seq)).all()


def _key(form, digit: str):
    return next(k for k in form.ids.phone.children if k.text == digit)


def test_interest_needs_identity_phone_and_consent_and_reaches_central(app, tmp_path):
    rv = open_list(app)
    tap(first_row(rv))
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="detail")
    vid = detail.vacancy.id
    tap(detail.ids.apply)
    wait_until(lambda: app.nav.current == "login", what="identity first")
    app.screen("login").accept(Resident(NUMBER, date(1949, 12, 31)))
    wait_until(lambda: app.nav.current == "vacancy_detail" and detail.vacancy is not None, what="back to the job")
    assert detail.vacancy.id == vid
    before = len(_interest_events(app))
    tap(detail.ids.apply)
    form = app.screen("interest")
    wait_until(lambda: app.nav.current == "interest", what="the phone form")
    assert form.step == "phone" and detail.vacancy.title in form.ids.job.text and form.ids.next.disabled
    for d in "1271234567":  # 12…: not a mobile number
        tap(_key(form, d))
    tap(_key(form, "8"))
    tap(form.ids.next)
    assert form.step == "phone" and "11 位手机号码" in form.ids.error.text
    form.ids.phone.clear()
    for d in PHONE:
        tap(_key(form, d))
    assert form.ids.number.text == "137 1234 5678"
    tap(form.ids.next)
    assert form.step == "consent" and form.ids.masked.text == "联系电话：137****5678"
    assert detail.vacancy.employer in form.ids.consent.text and PHONE not in form.ids.consent.text
    tap(form.ids.decline)  # declining sends nothing
    assert app.nav.current == "home" and len(_interest_events(app)) == before

    app.nav.go("vacancy_detail", vacancy_id=vid)
    wait_until(lambda: detail.vacancy is not None and detail.vacancy.id == vid, what="the job again")
    tap(detail.ids.apply)
    wait_until(lambda: app.nav.current == "interest" and form.step == "phone", what="a fresh form")
    assert form.ids.phone.value == ""
    for d in PHONE:
        tap(_key(form, d))
    tap(form.ids.next)
    sim = app.printer_simulator
    printed = len(sim.receipts)
    tap(form.ids.submit)
    tap(form.ids.submit)  # an impatient second tap
    wait_until(lambda: form.step == "done" and "确认单" in form.print_status, timeout=20,
               what=f"the interest and its slip ({form.error!r} {form.print_status!r})")
    events = _interest_events(app)
    assert len(events) == before + 1
    ev = events[-1]
    assert ev.encrypted and NUMBER.encode() not in ev.payload and PHONE.encode() not in ev.payload
    data = read_payload(ev, app.outbox_cipher())
    assert data["vacancy_id"] == vid and data["id_number"] == NUMBER and data["consent"] is True
    assert data["phone"] == PHONE and data["reference"] == form.reference
    token = form.qr_data.rsplit("/", 1)[1]
    assert form.qr_data == app.kiosk_config.interest_url(token) and len(token) >= 22
    assert data["token_hash"] == token_hash(token) and token not in str(data)
    # the slip: the job, the reference, the masked phone, and the same QR as the screen
    assert len(sim.receipts) == printed + 1
    slip = sim.receipts[-1].text()
    assert "投递意向已登记" in slip and detail.vacancy.title in slip and form.reference in slip
    assert "137****5678" in slip and PHONE not in slip and NUMBER not in slip and NUMBER[-4:] not in slip
    assert qr_texts(sim.image(-1)) == [form.qr_data]

    # the link to central comes up: the interest arrives with its phone and the token's hash only
    from central.models import Event, Interest
    from kiosk.sync import pusher
    from tests.sync.centralserver import running_central
    from tests.sync.conftest import make_client

    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        pusher.push_all(app.store, make_client(central.url), app.outbox_cipher())
        with central.db.session() as s:
            got = s.get(Event, ev.id)
            assert got is not None and got.type == "interest.expressed"
            row = s.get(Interest, ev.id)
            assert row.phone == PHONE and row.token_hash == token_hash(token)
            assert "phone" not in got.payload and "token_hash" not in got.payload
            assert got.payload["reference"] == form.reference and token not in str(got.payload)
    tap(form.ids.finish)
    assert app.nav.current == "vacancy_detail" and form.reference == "" and form.qr_data == ""
