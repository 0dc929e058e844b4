"""Printing a vacancy and the shortlist on the (virtual) receipt printer, with a QR per job."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import first_row, open_list, tap, wait_until
from tests.qrcodes import qr_texts


def _open_detail(app, index: int = 0):
    rv = open_list(app)
    row = first_row(rv) if index == 0 else rv.view_adapter.get_visible_view(index)
    tap(row)
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="detail")
    return detail


def test_print_one_vacancy_with_its_qr(app):
    sim = app.printer_simulator
    detail = _open_detail(app)
    before = len(sim.receipts)
    tap(detail.ids.print_button)
    wait_until(lambda: len(sim.receipts) == before + 1 and "打印完成" in app.toast.text, timeout=15,
               what=f"the printed vacancy ({app.toast.text!r})")
    text = sim.receipts[-1].text()
    assert detail.vacancy.title in text and detail.vacancy.employer in text
    assert qr_texts(sim.image(-1)) == [app.kiosk_config.job_url(detail.vacancy.id)]


def test_print_the_shortlist_with_a_qr_per_job_and_fall_back_when_the_cover_is_open(app):
    sim = app.printer_simulator
    rv = open_list(app)
    ids = [d["vacancy_id"] for d in rv.data[:3]]
    for vid in ids:
        app.visits.toggle_shortlist(vid)
    listing = app.screen("vacancy_list")
    tap(listing.ids.shortlist_button)
    shortlist = app.screen("shortlist")
    wait_until(lambda: app.nav.current == "shortlist" and len(shortlist.ids.cards.children) == 3
               and not shortlist.ids.print_all.disabled, what="shortlist")
    before = len(sim.receipts)
    tap(shortlist.ids.print_all)
    wait_until(lambda: len(sim.receipts) == before + 1 and "打印完成" in app.toast.text, timeout=20,
               what=f"the printed shortlist ({app.toast.text!r})")
    with app.store.read() as s:
        ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "shortlist.printed")
                       .order_by(OutboxEvent.seq.desc())).first()
    sent = read_payload(ev, app.outbox_cipher())
    assert sorted(sent["vacancy_ids"]) == sorted(ids) and len(sent["shortlist_id"]) >= 22
    assert qr_texts(sim.image(-1)) == sorted([app.kiosk_config.job_url(v) for v in ids]
                                             + [app.kiosk_config.shortlist_url(sent["shortlist_id"])])
    sim.faults.add("cover_open")
    try:
        wait_until(lambda: not shortlist.ids.print_all.disabled, what="the button back")
        tap(shortlist.ids.print_all)
        wait_until(lambda: "仓盖" in app.toast.text, timeout=20, what=f"the fallback message ({app.toast.text!r})")
        assert len(sim.receipts) == before + 1  # nothing printed, and the screen says so
        assert "二维码都在屏幕上" in app.toast.text
    finally:
        sim.faults.discard("cover_open")
        app.printer.check_status()  # back to "ok" now, not at the next 30 s poll
