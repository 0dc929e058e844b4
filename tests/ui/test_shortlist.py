"""Keeping vacancies on a shortlist during the visit, with a QR per job."""

from __future__ import annotations

from tests.appfixture import first_row, open_list, pump, tap, wait_until


def test_add_view_remove_and_forget_at_visit_end(app):
    rv = open_list(app)
    row = first_row(rv)
    vid = row.vacancy_id
    tap(row)
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="detail")
    assert detail.ids.keep.text == "加入清单"
    tap(detail.ids.keep)
    assert app.visits.current.shortlist == [vid]
    assert detail.ids.keep.text == "移出清单" and "已加入清单" in app.toast.text
    tap(detail.ids.back_to_list)
    listing = app.screen("vacancy_list")
    assert listing.ids.shortlist_button.text == "清单 1"
    tap(listing.ids.shortlist_button)
    shortlist = app.screen("shortlist")
    wait_until(lambda: app.nav.current == "shortlist" and len(shortlist.ids.cards.children) == 1, what="shortlist")
    card = shortlist.ids.cards.children[0]
    assert card.vacancy_id == vid and card.qr_data == app.kiosk_config.job_url(vid)
    assert "清单里有 1 个岗位" in shortlist.summary
    tap(card.ids.remove_button)
    wait_until(lambda: not shortlist.ids.cards.children, what="removal")
    assert app.visits.current.shortlist == []
    assert "清单是空的" in shortlist.summary
    app.visits.toggle_shortlist(vid)
    app.end_visit()
    pump()
    assert app.visits.current.shortlist == [] and not shortlist.ids.cards.children
