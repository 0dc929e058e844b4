"""窗口叫号 on the kiosk: staff call and finish tickets from the PIN screen when central is down."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import pump, tap, wait_until
from tests.ui.test_printer_admin import _open_admin
from tests.ui.test_queue import queue_screen  # noqa: F401 - the fixture (a fixed, open Monday)


def _payloads(app, type_: str, ticket_id: str) -> list[dict]:
    with app.store.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.type == type_)).all()
        return [p for p in (read_payload(e, None) for e in rows) if p.get("ticket_id") == ticket_id]


def test_call_start_finish_from_the_kiosk_panel(app, queue_screen):  # noqa: F811
    ticket = app.services.queue.issue("entrepreneurship")
    app.end_visit()
    wait_until(lambda: app.nav.current == "attract", what="the attract screen")
    admin = _open_admin(app)
    tap(admin.ids.counter_panel)
    panel = app.screen("staff_queue")
    wait_until(lambda: app.nav.current == "staff_queue" and "空闲" in panel.current_text, what="the panel")
    tap(panel.ids.counters.children[-3])  # counter 2 (children are reversed; the label is last)
    assert panel.counter == "2"
    while True:  # earlier tests may have left tickets waiting: call until ours
        tap(panel.ids.call)
        wait_until(lambda: panel.message and app.background.pending == 0, what="the call")
        if ticket.display_number in panel.message or "没有等候" in panel.message:
            break
        tap(panel.ids.no_show)
        wait_until(lambda: "过号" in panel.message and app.background.pending == 0, what="the no-show")
    assert panel.message == f"已叫 {ticket.display_number}"
    wait_until(lambda: app.banner.opacity == 1, what="the banner")
    assert ticket.display_number in app.banner.text and "2" in app.banner.text
    app.banner.hide()
    tap(panel.ids.start)
    wait_until(lambda: "开始办理" in panel.message, what="start")
    tap(panel.ids.finish)
    wait_until(lambda: "办理完成" in panel.message, what="finish")
    [rendered] = _payloads(app, "service.rendered", ticket.id)
    assert rendered["counter"] == "2" and rendered["service"] == "entrepreneurship"
    assert [p["counter"] for p in _payloads(app, "ticket.called", ticket.id)] == ["2"]
    tap(panel.ids.finish)  # nothing at the counter any more: a clear message, no second record
    wait_until(lambda: "没有正在" in panel.message, what="the refusal")
    assert len(_payloads(app, "service.rendered", ticket.id)) == 1


def test_mark_a_ticket_priority_from_the_kiosk_panel(app, queue_screen):  # noqa: F811
    q = app.services.queue
    first = q.issue("recruitment_matching", confirmed=True)
    later = q.issue("recruitment_matching", confirmed=True)
    app.end_visit()
    wait_until(lambda: app.nav.current == "attract", what="the attract screen")
    app.banner.hide()
    admin = _open_admin(app)
    tap(admin.ids.counter_panel)
    panel = app.screen("staff_queue")
    wait_until(lambda: app.nav.current == "staff_queue" and panel.current_text, what="the panel")
    tap(panel.ids.priority)
    wait_until(lambda: getattr(panel, "dialog", None) is not None and panel.dialog.parent is not None,
               what="the priority dialog")
    dialog = panel.dialog
    tap(dialog.ids.ok)
    assert dialog.message == "请先选择号码" and dialog.parent is not None
    number = dialog.button("numbers", later.display_number)
    pump(3)  # scrolled into view
    tap(number)
    tap(dialog.ids.ok)
    assert dialog.message == "请选择优先的类别"
    tap(dialog.button("groups", "其他"))
    assert {b.text for b in dialog.ids.notes.children} == {"行动不便", "身体不适", "携带幼儿", "负责人同意"}
    tap(dialog.button("groups", "军人依法优先"))
    assert not dialog.ids.notes.children  # reasons only for 其他
    tap(dialog.ids.ok)
    wait_until(lambda: panel.message == f"{later.display_number} 已设为优先，排在非优先号之前", what="the mark")
    order = [t.number for t in app.services.counter.waiting_tickets() if t.service_code == "recruitment_matching"]
    assert order.index(later.display_number) < order.index(first.display_number)
    with app.store.read() as s:
        [ev] = [e for e in s.scalars(select(OutboxEvent).where(OutboxEvent.type == "ticket.prioritized",
                                                               OutboxEvent.state == "pending"))
                if read_payload(e, app.outbox_cipher())["ticket_id"] == later.id]
        assert ev.encrypted and read_payload(ev, app.outbox_cipher())["group"] == "军人依法优先"
    tap(panel.ids.priority)  # the marked ticket is no longer offered
    wait_until(lambda: panel.dialog is not dialog and panel.dialog.parent is not None, what="the dialog again")
    assert later.display_number not in {b.text for b in panel.dialog.ids.numbers.children}
    tap(panel.dialog.ids.cancel)
