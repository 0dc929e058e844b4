"""中/EN on the real app: English from the attract screen, a switch mid-search that keeps what was
typed, and Chinese again for the next resident."""

from __future__ import annotations

import wave

from kiosk.domain import i18n
from tests.appfixture import open_list, pump, tap, type_search, wait_until


def _tile_title(home, key: str) -> str:
    return home.tile(key).ids.title.text


def test_english_from_the_attract_screen_reaches_every_core_tile_and_the_header(visit):
    app = visit
    tap(app.screen("attract").ids.english)
    wait_until(lambda: app.nav.current == "home", what="home")
    home = app.screen("home")
    assert app.language == "en" and i18n.language() == "en"
    pump(2)
    assert [_tile_title(home, k) for k in ("jobs", "queue", "booking", "stations")] == \
        ["Find a job", "Queue", "Book a time", "Nearby stations"]
    wait_until(lambda: "jobs" in home.tile("jobs").subtitle, what="the counts line in English")
    assert home.ids.language_switch.text == "中文"
    tap(home.tile("queue"))
    queue = app.screen("queue_services")
    wait_until(lambda: app.nav.current == "queue_services" and queue.ids.rows.children, what="services")
    header = queue.ids.header
    assert header.title == "Queue" and header.ids.back_button.text == "Back"
    assert header.ids.help_button.text == "Call\nstaff"
    names = {row.code: row.ids.name_label.text for row in queue.ids.rows.children}
    assert names["career_guidance"] == "Career guidance", names


def test_switching_language_mid_search_keeps_what_was_typed(visit):
    app = visit
    open_list(app)
    assert _tile_title(app.screen("home"), "jobs") == "找工作"
    listing = type_search(app, "bj")
    app.set_language("en")
    pump(2)
    assert listing.query_text == "bj" and listing.ids.search_box.text == "bj"
    assert listing.ids.header.title == "Find a job" and listing.ids.scope_district.text == "District"
    app.set_language("zh")
    pump(2)
    assert listing.ids.header.title == "找工作" and listing.query_text == "bj"


def test_the_next_resident_gets_chinese_again(visit):
    app = visit
    tap(app.screen("attract").ids.english)
    wait_until(lambda: app.nav.current == "home", what="home")
    assert i18n.language() == "en"
    app.end_visit()
    wait_until(lambda: app.nav.current == "attract", what="the attract screen")
    assert app.language == "zh" and i18n.language() == "zh"
    assert _tile_title(app.screen("home"), "jobs") == "找工作"


def test_an_english_visit_is_guided_in_english_with_the_english_voice(visit):
    app = visit
    tap(app.screen("attract").ids.elder)  # 长辈模式 turns the voice on
    wait_until(lambda: app.nav.current == "home" and app.guide.on, what="home, guided")
    wait_until(lambda: app.speaker.guided and "找工作" in app.speaker.guided[-1], timeout=20, what="Chinese guidance")
    assert app.speaker.guided_voices[-1] == app.speaker.voice
    n = len(app.speaker.guided)
    tap(app.screen("home").ids.language_switch)
    wait_until(lambda: len(app.speaker.guided) > n and "Tap what you need" in app.speaker.guided[-1], timeout=20,
               what=f"English guidance ({app.speaker.guided[-1:]!r})")
    assert app.speaker.guided_voices[-1] == "en"
    with wave.open(str(app.speaker.last_guidance_wav), "rb") as w:
        seconds = w.getnframes() / w.getframerate()
    assert seconds > 0.15 * len(app.speaker.guided[-1].split())  # every word rendered, not a blip
