"""我要投递: identity, explicit consent, and an encrypted interest.expressed event."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kiosk.domain.identity import Resident
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import first_row, open_list, tap, wait_until

NUMBER = "11010519491231002X"


def test_interest_needs_identity_and_consent(app):
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
    tap(detail.ids.apply)
    assert detail.dialog.parent is not None and detail.vacancy.employer in detail.dialog.ids.message.text
    tap(detail.dialog.ids.no)  # declining sends nothing
    with app.store.read() as s:
        before = len(s.scalars(select(OutboxEvent).where(OutboxEvent.type == "interest.expressed")).all())
    tap(detail.ids.apply)
    tap(detail.dialog.ids.yes)
    wait_until(lambda: app.background.pending == 0, what="submission")
    assert "已提交投递意向" in app.toast.text
    with app.store.read() as s:
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "interest.expressed")
                           .order_by(OutboxEvent.seq)).all()
    assert len(events) == before + 1
    assert events[-1].encrypted and NUMBER.encode() not in events[-1].payload
    data = read_payload(events[-1], app.outbox_cipher())
    assert data["vacancy_id"] == vid and data["id_number"] == NUMBER and data["consent"] is True
    # the confirming slip came out of the printer, with the job and no personal data on it
    wait_until(lambda: "确认单" in app.toast.text, timeout=15, what=f"the slip ({app.toast.text!r})")
    slip = app.printer_simulator.receipts[-1].text()
    assert "投递意向已登记" in slip and detail.vacancy.title in slip
    assert NUMBER not in slip and NUMBER[-4:] not in slip
