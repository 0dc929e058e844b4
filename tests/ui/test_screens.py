"""The resident's main path, walked with simulated touches on the real app."""

from __future__ import annotations

from kivy.core.window import Window

from tests.appfixture import first_row, go_home, open_list, pump, tap, wait_until


def test_attract_shows_brand_station_and_announcement(app):
    from kivy.clock import Clock

    screen = app.screen("attract")
    Clock.unschedule(screen._load_announcements)  # load now, not in a moment, so nothing resets the rotation
    screen._load_announcements(0)
    wait_until(lambda: bool(screen.announcements) and app.background.pending == 0, what="announcements")
    assert screen.ids.brand.text == "津彩e就业"
    assert screen.ids.station.text == app.kiosk_config.station.name
    pump()
    n = len(screen.announcements)
    assert n >= 2
    assert screen.ids.announcement.text == screen.announcements[screen.index % n]
    shown = screen.index
    screen._rotate(0)
    pump()
    assert screen.ids.announcement.text == screen.announcements[(shown + 1) % n]


def test_touch_on_attract_opens_home_with_the_service_tiles(app):
    go_home(app)
    tiles = list(reversed(app.screen("home").ids.tiles.children))
    assert [t.title for t in tiles] == ["找工作", "排队取号", "预约服务", "远程视频咨询", "政策与服务", "附近驿站", "就业登记", "招聘会",
                                           "上门·代办", "企业招聘"]
    jobs = app.screen("home").tile("jobs")
    assert jobs.available and "全市共" in jobs.subtitle


def test_the_employer_tile_shows_the_qr_of_the_stations_posting_form(app):
    go_home(app)
    tap(app.screen("home").tile("employer"))
    wait_until(lambda: app.nav.current == "employer", what="企业招聘")
    screen = app.screen("employer")
    station = app.kiosk_config.station.id
    assert screen.qr_data == f"{app.kiosk_config.central.url.rstrip('/')}/employer/new?s={station}"
    assert screen.ids.qr.data == screen.qr_data


def test_tile_of_a_service_switched_off_explains_and_stays(app):
    consult = app.services.consult
    app.services.consult = None  # video consultation off in this station's config
    try:
        go_home(app)
        assert not app.screen("home").tile("video").available
        tap(app.screen("home").tile("video"))
        assert app.nav.current == "home"
        assert "即将开放" in app.toast.text and app.toast.opacity == 1
    finally:
        app.services.consult = consult


def test_vacancy_list_is_nearest_first_and_opens_detail(app):
    rv = open_list(app)
    assert app.nav.current == "vacancy_list"
    data = rv.data
    screen = app.screen("vacancy_list")
    assert len(data) == min(screen.total, 50) and screen.total >= 5
    assert all(r["in_circle"] for r in data)  # the default scope is the 15-minute circle
    assert screen.summary.startswith(f"步行15分钟内找到 {screen.total} 个岗位")
    meters = [app.services.vacancies.get(r["vacancy_id"]).distance_m for r in data[:30]]
    assert meters == sorted(meters)
    row = first_row(rv)
    assert row.title == data[0]["title"]
    tap(row)
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="vacancy detail")
    assert app.nav.current == "vacancy_detail"
    assert detail.ids.title.text == data[0]["title"]
    assert detail.ids.salary.text == data[0]["salary"]
    assert detail.qr_data == app.kiosk_config.job_url(data[0]["vacancy_id"])
    assert detail.ids.qr.texture is not None
    assert app.visits.current.viewed_vacancies == [data[0]["vacancy_id"]]


def test_back_and_home_buttons(app):
    rv = open_list(app)
    tap(first_row(rv))
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="vacancy detail")
    back = detail.ids.header.ids.back_button
    assert back.text == "返回" and back.icon == "back" and back.icon_glyph  # the arrow pictogram, drawn
    tap(back)
    assert app.nav.current == "vacancy_list"
    home = app.screen("vacancy_list").ids.header.ids.home_button
    assert home.text == "首页"
    tap(home)
    assert app.nav.current == "home"


def test_escape_and_window_close_are_refused(app):
    assert Window.dispatch("on_request_close", source="keyboard") is True
    assert app.nav.current == "attract"


def test_touch_targets_are_large_enough(app):
    from kiosk import theme
    from kiosk.tour import audit

    rv = open_list(app)
    tap(first_row(rv))
    wait_until(lambda: app.screen("vacancy_detail").vacancy is not None, what="detail")
    report = audit(app.root, str(app.fonts.regular))
    assert report["small_targets"] == [], f"targets under {theme.TOUCH_MIN}px: {report['small_targets']}"


def test_nearby_stations_tile_lists_stations(app):
    go_home(app)
    tap(app.screen("home").tile("stations"))
    rv = app.screen("stations").ids.rv
    wait_until(lambda: app.nav.current == "stations" and bool(rv.data), what="stations")
    assert rv.data[0]["name"].endswith("驿站")
    assert app.screen("stations").summary.startswith("离本驿站最近的")
