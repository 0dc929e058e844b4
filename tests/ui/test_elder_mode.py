"""长辈模式 and 语音引导 on the real app: the journeys counted in taps, each screen's spoken line,
the mode switched mid-visit without losing what was typed, and everything gone with the visit."""

from __future__ import annotations

import gc
import re
import wave
from pathlib import Path

import pytest

from kiosk.core.guidance import ACTIONS
from kiosk.domain.spoken import speakable
from kiosk.widgets.look import T
from tests.appfixture import fresh_visit, open_list, pump, tap, type_search, wait_until
from tests.clock import station_today


class Taps:
    """Taps through Kivy's input pipeline, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, widget) -> None:
        self.count += 1
        tap(widget)


@pytest.fixture
def cleaning_job_nearby(app):
    """A 保洁员 vacancy 300 m from the station (the small UI demo may have none inside the circle)."""
    from datetime import timedelta

    from sqlalchemy import delete, insert

    from kiosk.domain import demodata
    from kiosk.store.models import Vacancy
    from kiosk.store.search import refresh_index

    station = app.kiosk_config.station
    row = next(demodata.vacancies(1, seed=17))
    today = station_today()
    row.update(id="elder-journey-cleaning", title="保洁员", category="家政服务", job_group="家政服务",
               lat=station.lat + 0.0027, lon=station.lon, status="open", job_type="全职",
               posted_on=today, expires_on=today + timedelta(days=30), work_from=None)
    with app.store.session() as s:
        s.execute(insert(Vacancy), [row])
    refresh_index(app.store)
    yield row
    with app.store.session() as s:
        s.execute(delete(Vacancy).where(Vacancy.id == row["id"]))
    refresh_index(app.store)


def _chip(listing, word: str):
    return next(c for c in listing.ids.popular.children if getattr(c, "text", "") == word)


def _cleaning_job_printed(app, elder: bool) -> int:
    """From the attract screen: a 保洁 job within the 15-minute walk, printed, without typing."""
    taps, sim = Taps(), app.printer_simulator
    attract = app.screen("attract")
    taps(attract.ids.elder if elder else attract.ids.start)
    wait_until(lambda: app.nav.current == "home" and app.background.pending == 0, what="home")
    assert app.elder is elder and T.elder is elder
    home = app.screen("home")
    taps(home.tile("jobs"))
    listing = app.screen("vacancy_list")
    wait_until(lambda: bool(listing.ids.rv.data) and app.background.pending == 0,
               what=f"the list (on {app.nav.current}, {app.toast.text!r})")
    taps(_chip(listing, "保洁"))
    wait_until(lambda: listing.query_text == "保洁" and not listing._trigger.is_triggered and not listing.loading
               and app.background.pending == 0 and bool(listing.ids.rv.data),
               what=f"cleaning jobs ({listing.query_text!r} {listing.loading} {len(listing.ids.rv.data)} {listing.summary!r})")
    assert listing.scope == "circle"
    pump(3)
    row = max(listing.ids.rv.layout_manager.children, key=lambda w: w.y)
    assert row.in_circle
    taps(row)
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="the vacancy")
    assert "保洁" in detail.vacancy.title + detail.vacancy.category + detail.vacancy.requirements
    assert detail.vacancy.in_circle and detail.vacancy.walking_minutes <= 15
    before = len(sim.receipts)
    taps(detail.ids.print_button)
    wait_until(lambda: len(sim.receipts) == before + 1, timeout=15, what="the printed vacancy")
    assert detail.vacancy.title in sim.receipts[-1].text()
    return taps.count


def _queue_ticket(app, elder: bool) -> int:
    from datetime import date

    from tests.appfixture import beijing

    clock = app.services.queue.clock
    app.services.queue.clock = lambda: beijing(date(2030, 1, 14 if elder else 15), 10)  # services open
    try:
        return _take_ticket(app, elder)
    finally:
        app.services.queue.clock = clock


def _take_ticket(app, elder: bool) -> int:
    taps = Taps()
    attract = app.screen("attract")
    taps(attract.ids.elder if elder else attract.ids.start)
    wait_until(lambda: app.nav.current == "home" and app.background.pending == 0, what="home")
    taps(app.screen("home").tile("queue"))
    services = app.screen("queue_services")
    wait_until(lambda: app.nav.current == "queue_services" and len(services.ids.rows.children) == 7, what="services")
    taps(services.row("career_guidance"))
    wait_until(lambda: app.nav.current == "queue_ticket", what="the ticket")
    assert app.screen("queue_ticket").ticket is not None
    return taps.count


def _call_staff(app) -> int:
    taps = Taps()
    taps(app.screen("attract").ids.help)
    wait_until(lambda: app.services.help.current is not None and app.background.pending == 0, what="the call")
    assert app.services.help.current.screen == "待机画面" and app.banner.text == "已呼叫工作人员，请稍等"
    return taps.count


def test_journeys_in_taps_in_both_modes(visit, cleaning_job_nearby, capsys):
    app = visit
    counts = {}
    for elder in (True, False):
        mode = "长辈模式" if elder else "标准"
        counts[(mode, "保洁 → 打印")] = _cleaning_job_printed(app, elder)
        fresh_visit(app)
        counts[(mode, "取号")] = _queue_ticket(app, elder)
        fresh_visit(app)
        counts[(mode, "呼叫工作人员")] = _call_staff(app)
        fresh_visit(app)
    with capsys.disabled():
        for (mode, journey), n in counts.items():
            print(f"\ntaps: {mode:6} {journey:10} {n}")
    for mode in ("长辈模式", "标准"):
        assert counts[(mode, "保洁 → 打印")] <= 6
        assert counts[(mode, "取号")] <= 3
        assert counts[(mode, "呼叫工作人员")] == 1


def _said(app, name: str) -> str:
    """The guidance line spoken on arrival at ``name``: it names the screen and what to do there."""
    screen = app.screen(name)
    title = screen.ids.header.title
    action = speakable(ACTIONS[name])
    wait_until(lambda: app.nav.current == name and app.speaker.guided and app.speaker.guided[-1].startswith(
        speakable(title)) and action in app.speaker.guided[-1], timeout=20,
        what=f"the guidance of {name} ({app.speaker.guided[-1:]!r})")
    return app.speaker.guided[-1]


def _duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def test_each_screen_says_what_it_is_and_what_to_do(visit):
    app = visit
    tap(app.screen("attract").ids.elder)
    wait_until(lambda: app.nav.current == "home", what="home")
    assert app.voice_on and app.guide.on
    lines = {"home": _said(app, "home")}
    # the line is rendered by the real voice: a WAV long enough for every syllable
    wav = app.speaker.last_guidance_wav
    syllables = len(re.findall(r"[\u4e00-\u9fff]", lines["home"]))
    assert wav is not None and _duration(wav) > 0.12 * syllables

    for name in ("vacancy_list", "queue_services", "stations", "policy_list", "job_fairs", "home_service",
                 "employer", "appointment"):
        app.nav.go("home", clear_history=True)
        wait_until(lambda: app.nav.current == "home", what="home")
        app.nav.go(name)
        lines[name] = _said(app, name)
    assert len(set(lines.values())) == len(lines)  # every screen its own line

    app.nav.go("vacancy_list")
    _said(app, "vacancy_list")
    listing = app.screen("vacancy_list")
    wait_until(lambda: bool(listing.ids.rv.data) and app.background.pending == 0, what="rows")
    pump(3)
    tap(max(listing.ids.rv.layout_manager.children, key=lambda w: w.y))
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="the vacancy")
    # the vacancy read aloud: what, pay, how far on foot, who
    wait_until(lambda: "岗位：" in app.speaker.guided[-1], timeout=20, what="the vacancy read aloud")
    said = app.speaker.guided[-1]
    v = detail.vacancy
    assert v.title in said and v.employer in said and f"步行大约{v.walking_minutes}分钟" in said

    n = len(app.speaker.guided)
    tap(detail.ids.header.ids.repeat_button)  # 再听一遍
    wait_until(lambda: len(app.speaker.guided) == n + 1, timeout=20, what="the line again")
    assert app.speaker.guided[-1] == said

    tap(detail.ids.header.ids.voice_button)  # 关闭语音: nothing more is said
    assert not app.voice_on and not app.guide.on
    n = len(app.speaker.guided)
    app.nav.go("home", clear_history=True)
    wait_until(lambda: app.nav.current == "home" and app.background.pending == 0, what="home")
    pump(5)
    assert len(app.speaker.guided) == n


def test_switching_mode_mid_search_keeps_what_was_typed_and_grows_everything(visit):
    app = visit
    open_list(app)
    listing = type_search(app, "bj")
    header = listing.ids.header
    before = (header.height, header.ids.help_button.height)
    app.set_elder(True)
    pump(3)
    assert listing.query_text == "bj" and listing.ids.keyboard.value == "bj"
    assert header.height > before[0] and header.ids.modes.parent is not None
    assert T.TOUCH_MIN == 140 and T.FONT_BODY >= 1.4 * 40
    assert app.idle.watcher.timeout_s == app.kiosk_config.idle.elder_timeout_s
    tap(header.ids.elder_button)  # the way back, on every screen
    pump(3)
    assert not app.elder and listing.query_text == "bj" and T.TOUCH_MIN == 120
    assert header.ids.modes.parent is None and header.height == before[0]
    assert app.idle.watcher.timeout_s == app.kiosk_config.idle.timeout_s


def test_widgets_dropped_during_the_visit_do_not_break_the_switch(visit):
    """A widget collected in a reference cycle together with its weak proxy leaves its kv
    bindings on ``T`` and on the app (Kivy's clean-up callback never runs). The switch drops
    them instead of failing halfway with ReferenceError. The binding below is what the kv
    builder makes: a callback whose first argument holds the widget's proxy."""
    from kivy.uix.label import Label
    from kivy.weakproxy import WeakProxy

    app = visit

    def call(args, _instance, value):
        setattr(args[0], "font_size", value)

    for dispatcher, name in ((T, "FONT_BODY"), (T, "elder"), (app, "elder"), (app, "voice_on")):
        label = Label()
        dispatcher.fbind(name, call, [WeakProxy(label), "font_size"])
        del label
    gc.collect()
    app.set_elder(True)
    assert T.elder and T.FONT_BODY == 56 and app.elder
    app.set_elder(False)
    assert not T.elder and T.FONT_BODY == 40 and not app.elder
    assert all(c is not call for c, *_rest in T.get_property_observers("FONT_BODY", args=True))


def test_elder_home_has_four_large_tiles_and_everything_else_one_tap_away(visit):
    app = visit
    tap(app.screen("attract").ids.elder)
    wait_until(lambda: app.nav.current == "home", what="home")
    home = app.screen("home")
    shown = [t.key for t in reversed(home.ids.tiles.children)]
    assert shown == ["jobs", "queue", "policy", "booking"]
    assert min(min(t.size) for t in home.ids.tiles.children) >= 140
    tap(home.ids.more)
    assert home.shown("fairs") and home.shown("employer") and len(home.ids.tiles.children) == 10
    tap(home.tile("fairs"))
    wait_until(lambda: app.nav.current == "job_fairs", what="招聘会")


def test_the_visit_takes_the_modes_with_it_and_the_countdown_is_spoken(visit):
    app = visit
    tap(app.screen("attract").ids.elder)
    wait_until(lambda: app.nav.current == "home", what="home")
    _said(app, "home")
    app.idle.watcher.last_activity -= app.kiosk_config.idle.elder_timeout_s + 1
    wait_until(lambda: "您还在使用吗" in app.speaker.guided[-1], timeout=20, what="the spoken countdown")
    # the seconds left when it was said (a loaded machine may say it a second or two late)
    left = int(re.search(r"(\d+)秒后", app.speaker.guided[-1]).group(1))
    assert 0 < left <= app.kiosk_config.idle.elder_countdown_s
    app.idle.watcher.last_activity -= app.kiosk_config.idle.elder_countdown_s
    wait_until(lambda: app.nav.current == "attract", timeout=20, what="the visit's end")
    assert not app.elder and not T.elder and not app.voice_on and app.guide.last == ""
    assert app.idle.watcher.timeout_s == app.kiosk_config.idle.timeout_s


def test_no_audio_device_turns_guidance_off_with_a_reason_on_the_staff_screen(visit, tmp_path):
    from kiosk.devices.speaker import Speaker

    app = visit
    real = app.guide.voice
    # aplay is not installed on every test machine: a player that exists, on a machine without a sound card
    app.guide.voice = Speaker(player="true", workdir=tmp_path)
    try:
        assert app.guide.why_not() in ("没有音频设备，语音引导已关闭", "")
        if app.guide.why_not() == "":
            pytest.skip("this machine has a sound card")
        assert not app.check_voice()
        tap(app.screen("attract").ids.elder)
        wait_until(lambda: app.nav.current == "home", what="home")
        assert app.elder and not app.voice_on  # large type still, no voice
        home = app.screen("home")
        assert home.ids.voice_switch.parent is None  # no switch that cannot work
        assert home.ids.header.ids.voice_button.parent is None
        app.set_voice(True)
        assert not app.voice_on and "不能播放声音" in app.toast.text
        rows = {r.label: r for s in app.services.diagnostics.snapshot() if s.title == "语音引导" for r in s.rows}
        assert rows["语音引导"].value == "没有音频设备，语音引导已关闭" and rows["语音引导"].ok is False
    finally:
        app.guide.voice = real
        app.check_voice()
