"""政策与服务 on the real app: the catalogue, search by pinyin initials, the printed 办事指南."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.screens.policy import RATED_GUIDE
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import go_home, pump, tap, wait_until
from tests.qrcodes import qr_texts


def open_catalogue(app):
    go_home(app)
    tap(app.screen("home").tile("policy"))
    screen = app.screen("policy_list")
    wait_until(lambda: app.nav.current == "policy_list" and screen.ids.rv.data and app.background.pending == 0,
               what="the catalogue")
    return screen


def type_letters(app, screen, letters: str) -> None:
    if not screen.keyboard_open:
        tap(screen.ids.search_box)
    for ch in letters:
        tap(screen.ids.keyboard.key(ch))
    wait_until(lambda: screen.query_text == letters and screen.summary.startswith(f"“{letters}”")
               and app.background.pending == 0, what=f"results for {letters}")


def names(screen) -> list[str]:
    return [r["name"] for r in screen.ids.rv.data]


def open_first(app, screen):
    pump(3)
    tap(max(screen.ids.rv.layout_manager.children, key=lambda w: w.y))
    detail = app.screen("policy_detail")
    wait_until(lambda: app.nav.current == "policy_detail" and detail.item is not None, what="the guide")
    return detail


def test_the_whole_catalogue_then_search_by_initials(app):
    screen = open_catalogue(app)
    all_names = names(screen)
    assert all_names[:3] == ["就业登记", "失业登记", "职业介绍"] and len(all_names) >= 15
    for must in ("失业保险金申领", "档案托管", "退役军人就业服务", "就业困难人员认定"):
        assert must in all_names
    type_letters(app, screen, "sy")
    assert names(screen) == ["失业登记", "失业保险金申领"]
    tap(screen.ids.keyboard.key("删除"))
    tap(screen.ids.keyboard.key("删除"))
    for ch in "dj":
        tap(screen.ids.keyboard.key(ch))
    wait_until(lambda: screen.query_text == "dj" and screen.summary.startswith("“dj”"), what="dj")
    assert names(screen) == ["就业登记", "失业登记"]
    tap(screen.ids.keyboard.key("清空"))
    for ch in "qqq":
        tap(screen.ids.keyboard.key(ch))
    wait_until(lambda: screen.summary.startswith("没有找到"), what="nothing found")
    assert screen.ids.rv.data == [] and "清空" in screen.summary
    tap(screen.ids.clear_button)
    wait_until(lambda: names(screen) == all_names, what="the whole list again")


def test_print_the_guide_with_its_qr_and_rate_it(app):
    sim = app.printer_simulator
    screen = open_catalogue(app)
    type_letters(app, screen, "sydj")
    tap(screen.ids.keyboard_done)
    detail = open_first(app, screen)
    v = detail.item
    assert v.name == "失业登记"
    assert "居民身份证" in detail.ids.materials.body and v.audience in detail.ids.audience.body
    before = len(sim.receipts)
    tap(detail.ids.print_button)
    wait_until(lambda: len(sim.receipts) == before + 1 and detail.print_status.startswith("打印完成"), timeout=15,
               what=f"the printed guide ({detail.print_status!r})")
    text = sim.receipts[-1].text()
    assert "失业登记" in text and "办理材料" in text and "居民身份证或社会保障卡" in text and "办理地点" in text
    assert qr_texts(sim.image(-1)) == [app.kiosk_config.service_url(v.id)]
    tap(next(b for b in detail.rating.ids.buttons.children if b.text == "满意"))
    wait_until(lambda: app.background.pending == 0, what="rating saved")
    with app.store.read() as s:
        last = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "feedback.given")
                         .order_by(OutboxEvent.seq.desc())).first()
    assert read_payload(last, None)["service"] == RATED_GUIDE and read_payload(last, None)["score"] == 4


def test_out_of_paper_says_so_and_shows_the_qr(app):
    sim = app.printer_simulator
    detail = open_first(app, open_catalogue(app))
    before = len(sim.receipts)
    sim.faults.add("paper_out")
    try:
        tap(detail.ids.print_button)
        wait_until(lambda: not detail.printing and detail.print_status and app.background.pending == 0, timeout=20,
                   what="the print outcome")
        assert "缺纸" in detail.print_status and "二维码" in detail.print_status
        assert len(sim.receipts) == before and detail.rating.parent is None
        assert detail.ids.qr.data == app.kiosk_config.service_url(detail.item.id)
    finally:
        sim.faults.discard("paper_out")
        app.printer.check_status()  # back to "ok" now, not at the next 30 s poll


def test_back_keeps_the_search_and_home_clears_nothing_personal(app):
    screen = open_catalogue(app)
    type_letters(app, screen, "jy")
    found = names(screen)
    tap(screen.ids.keyboard_done)
    detail = open_first(app, screen)
    tap(detail.ids.back_to_list)
    wait_until(lambda: app.nav.current == "policy_list", what="the list")
    assert screen.query_text == "jy" and names(screen) == found  # the resident's place is kept
    tap(screen.ids.header.ids.back_button)
    wait_until(lambda: app.nav.current == "home", what="home")


def test_idle_timeout_mid_search_wipes_it(app):
    screen = open_catalogue(app)
    type_letters(app, screen, "cy")
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 1
    app.idle.check()
    pump(2)
    assert app.nav.current == "attract"
    assert screen.query_text == "" and screen.ids.keyboard.value == "" and not screen.keyboard_open
    assert screen.ids.rv.data == []
