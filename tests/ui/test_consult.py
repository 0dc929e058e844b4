"""远程视频咨询 on the real app: topics, identity, consent, waiting, the call, its end, the
offer of an appointment or a call-back, and the idle timeout around a call.

The consultation service is the stand-in of tests/ui/consult_standin.py (the advisors' side);
everything on the kiosk's side is real."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kiosk.domain.consult import ConsultState
from kiosk.domain.identity import Resident, check_char
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import go_home, pump, tap, wait_until
from tests.ui.consult_standin import CLOSED, NO_ADVISOR, StandInConsult

NUMBER = "12010219800514003"
NUMBER += check_char(NUMBER)
PHONE = "13612345678"


@pytest.fixture
def consult(app):
    service = StandInConsult()
    before = app.services.consult
    app.services.consult = service
    yield service
    app.end_visit()
    pump(2)
    app.services.consult = before


def open_topics(app):
    go_home(app)
    assert app.screen("home").tile("video").available
    tap(app.screen("home").tile("video"))
    screen = app.screen("consult_topic")
    wait_until(lambda: app.nav.current == "consult_topic" and len(screen.ids.topics.children) == 5
               and app.background.pending == 0, what="the topics")
    return screen


def choose(app, topic: str) -> None:
    screen = app.screen("consult_topic")
    tap(screen.topic_button(topic))
    wait_until(lambda: not screen.busy_topic and app.background.pending == 0, what=f"availability of {topic}")


def to_waiting(app, consult, topic: str = "求职指导"):
    open_topics(app)
    choose(app, topic)
    consent = app.screen("consult_consent")
    assert app.nav.current == "consult_consent"
    tap(consent.ids.agree)
    wait_until(lambda: app.nav.current == "consult_wait" and consult.calls, what="the call started")
    return consult.calls[-1]


def to_call(app, consult, topic: str = "求职指导"):
    call = to_waiting(app, consult, topic)
    call.emit(ConsultState.WAITING)
    call.emit(ConsultState.CONNECTING, advisor_name="王老师")
    call.emit(ConsultState.IN_CALL, advisor_name="王老师")
    wait_until(lambda: app.nav.current == "consult_call", what="the call screen")
    return call


def test_topics_show_advisors_online_and_the_wait(app, consult):
    consult.availabilities["技能培训"] = CLOSED
    screen = open_topics(app)
    assert [b.topic for b in reversed(screen.ids.topics.children)] == list(consult.topics)
    assert screen.topic_button("求职指导").status == "3 位指导师在线，2 人在等\n预计等待约 4 分钟"
    assert screen.topic_button("技能培训").status == "现在不在视频咨询服务时间"
    assert screen.topic_button("政策咨询").needs_id and not screen.topic_button("求职指导").needs_id


def test_the_media_get_ready_when_the_topics_open_not_before(app, consult):
    go_home(app)
    assert consult.warm_ups == 0
    open_topics(app)
    assert consult.warm_ups == 1


def test_home_tile_says_coming_soon_when_video_is_off(app):
    before, app.services.consult = app.services.consult, None
    try:
        go_home(app)
        tile = app.screen("home").tile("video")
        assert not tile.available
        tap(tile)
        assert app.nav.current == "home" and "即将开放" in app.toast.text
    finally:
        app.services.consult = before


def test_topic_needing_identity_asks_for_it_first_then_consent_then_waits(app, consult):
    open_topics(app)
    choose(app, "政策咨询")
    login = app.screen("login")
    assert app.nav.current == "login" and "政策咨询" in login.purpose
    login.accept(Resident(NUMBER, date(1980, 5, 14)))
    consent = app.screen("consult_consent")
    wait_until(lambda: app.nav.current == "consult_consent", what="the consent after identity")
    assert consent.ids.topic.text == "咨询内容：政策咨询"
    assert "3 位指导师在线" in consent.ids.availability.text
    text = consent.ids.consent.text
    assert "图像和声音" in text and "不录音、不录像" in text and "结束通话" in text
    assert "已验证身份" in text and "看不到您的身份证号" in text
    assert NUMBER not in text
    tap(consent.ids.agree)
    wait_until(lambda: app.nav.current == "consult_wait" and consult.calls, what="the call started")
    call = consult.calls[-1]
    expected = Resident(NUMBER, date(1980, 5, 14)).person(
        app.kiosk_config.central.person_key_secret.encode()).key
    assert call.topic == "政策咨询" and call.person_key == expected


def test_general_topic_needs_no_identity(app, consult):
    call = to_waiting(app, consult, "求职指导")
    assert call.person_key is None and app.visits.current.identity is None
    assert "没有验证身份" in app.screen("consult_consent").consent


def test_declining_the_consent_starts_nothing(app, consult):
    open_topics(app)
    choose(app, "求职指导")
    tap(app.screen("consult_consent").ids.decline)
    assert app.nav.current == "consult_topic" and consult.calls == []


@pytest.mark.parametrize("availability,title", [(NO_ADVISOR, "现在没有指导师在线"),
                                                (CLOSED, "现在不在视频咨询服务时间")])
def test_no_advisor_offers_an_appointment_or_a_call_back(app, consult, availability, title):
    consult.availabilities["创业指导"] = availability
    open_topics(app)
    choose(app, "创业指导")
    offer = app.screen("consult_offer")
    assert app.nav.current == "consult_offer" and offer.ids.title.text == title
    assert consult.calls == [] and app.nav.current != "login"  # identity is not asked for nothing
    tap(offer.ids.appointment)
    wait_until(lambda: app.nav.current == "appointment", what="the appointment screen")
    app.nav.back()
    pump(2)
    assert app.nav.current == "consult_offer"
    tap(offer.ids.callback)
    assert app.nav.current == "consult_callback" and app.screen("consult_callback").topic == "创业指导"


def test_unreachable_service_offers_the_same(app, consult):
    def broken(_topic):
        raise ConnectionError("central down")

    consult.availability = broken
    screen = open_topics(app)
    assert screen.topic_button("其他").status == "暂时连不上视频咨询服务"
    choose(app, "其他")
    assert app.nav.current == "consult_offer"
    assert app.screen("consult_offer").ids.title.text == "暂时连不上视频咨询服务"


def _callback_events(app):
    with app.store.read() as s:
        return s.scalars(select(OutboxEvent).where(OutboxEvent.type == "consult.callback_requested")).all()


def test_call_back_request_is_stored_encrypted_once_and_reaches_central_once(app, consult, tmp_path):
    from central.models import CallbackRow, Event
    from kiosk.sync import pusher
    from tests.sync.centralserver import running_central
    from tests.sync.conftest import make_client

    consult.availabilities["其他"] = NO_ADVISOR
    before = {e.id for e in _callback_events(app)}
    open_topics(app)
    choose(app, "其他")
    tap(app.screen("consult_offer").ids.callback)
    form = app.screen("consult_callback")
    assert form.step == "phone" and form.ids.next.disabled
    for d in "1361234567":
        tap(next(k for k in form.ids.phone.children if k.text == d))
    assert form.ids.next.disabled  # 10 digits
    tap(next(k for k in form.ids.phone.children if k.text == "8"))
    assert form.ids.number.text == "136 1234 5678"
    tap(form.ids.next)
    assert form.step == "consent" and form.ids.masked.text == "回电号码：136****5678"
    assert "136****5678" in form.ids.consent.text and PHONE not in form.ids.consent.text
    tap(form.ids.submit)
    tap(form.ids.submit)  # a second, impatient tap
    form.submit()  # and once more, past the disabled button
    wait_until(lambda: form.step == "done" and app.background.pending == 0, what="the request stored")
    new = [e for e in _callback_events(app) if e.id not in before]
    assert len(new) == 1
    ev = new[0]
    assert ev.encrypted and PHONE.encode() not in ev.payload
    data = read_payload(ev, app.outbox_cipher())
    assert data["phone"] == PHONE and data["topic"] == "其他" and data["consent"] is True
    assert "person_key" not in data  # nobody logged in
    assert form.reference == data["reference"] and form.reference in form.ids.reference.text
    assert PHONE not in form.ids.reference.text
    tap(form.ids.finish)
    assert app.nav.current == "attract" and form.reference == "" and form.ids.phone.value == ""

    # later, the link to central is up: it arrives exactly once, and the phone leaves the kiosk
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        client = make_client(central.url)
        pusher.push_all(app.store, client, app.outbox_cipher())
        with app.store.session() as s:  # as if the reply had been lost: the kiosk sends it again
            row = s.scalar(select(OutboxEvent).where(OutboxEvent.id == ev.id))
            assert row.state == "sent"
            row.state, row.payload = "pending", ev.payload
        pusher.push_all(app.store, client, app.outbox_cipher())
        with central.db.session() as s:
            got = s.scalars(select(Event).where(Event.type == "consult.callback_requested")).all()
            rows = [(r.id, r.phone, r.reference) for r in s.scalars(select(CallbackRow))]
        assert [(e.id, e.payload["reference"], "phone" in e.payload) for e in got] == \
            [(ev.id, data["reference"], False)]  # the event log keeps no phone; the call-back row does, sealed
        assert rows == [(ev.id, PHONE, data["reference"])]
    with app.store.read() as s:
        row = s.scalar(select(OutboxEvent).where(OutboxEvent.id == ev.id))
        assert row.state == "sent" and row.payload == b""


def test_cancel_while_waiting(app, consult):
    call = to_waiting(app, consult)
    wait = app.screen("consult_wait")
    assert wait.ids.headline.text == "正在为您连接指导师，请稍候"
    call.emit(ConsultState.WAITING)
    call.queue(3, 240)  # third in line
    wait_until(lambda: wait.ids.queue_line.text == "前面还有 2 人，预计等待约 4 分钟", what="the queue position")
    call.queue(1, 20)
    wait_until(lambda: wait.ids.queue_line.text == "下一位就是您，马上就能接通", what="next in line")
    call.frames(2, remote=False)
    wait_until(lambda: wait.ids.preview.frames_rendered >= 1, what="the resident's own picture")
    assert wait.busy()
    tap(wait.ids.cancel)
    wait_until(lambda: call.cancelled == 1, what="the cancel reached the service")
    assert app.nav.current == "home" and "已取消" in app.toast.text
    assert not wait.busy() and wait.ids.preview.texture is None
    call.emit(ConsultState.IN_CALL)  # late news from the service moves nothing
    pump(3)
    assert app.nav.current == "home" and call.hung_up == 0


def test_call_screen_video_timer_quality_mute_and_reconnect(app, consult):
    from kivy.core.window import Window

    from kiosk.widgets.video_view import BAR_COLOR

    call = to_call(app, consult)
    screen = app.screen("consult_call")
    call.frames(3)
    call.frames(2, remote=False)
    wait_until(lambda: screen.ids.remote.frames_rendered >= 1 and screen.ids.local.frames_rendered >= 1,
               what="both pictures")
    assert screen.ids.remote.width > screen.ids.local.width * 2  # the advisor large, the resident small
    # the resident's picture goes up in the advisor's frames' redraws (tests/video/test_video_view.py)
    assert screen.ids.local.paced_by is screen.ids.remote
    # the stage's bars are the window's clear, not rectangles drawn with every frame
    assert not screen.ids.remote.bars and tuple(Window.clearcolor) == BAR_COLOR
    assert screen.ids.timer.text.startswith("通话时长 00:0")
    call.stats(rtt_ms=420, loss_pct=9, fps_received=6, quality="poor")
    wait_until(lambda: "网络较差" in screen.ids.quality.text, what="the network quality")
    tap(screen.ids.mute)
    wait_until(lambda: call.muted == [True], what="mute")
    assert screen.ids.mute.text == "打开麦克风"
    call.emit(ConsultState.RECONNECTING, reason="dropped")
    wait_until(lambda: screen.ids.notice.text == "正在重新连接…", what="the reconnecting notice")
    assert screen.ids.notice.opacity == 1 and app.nav.current == "consult_call"
    call.emit(ConsultState.IN_CALL)
    wait_until(lambda: screen.ids.notice.text == "", what="reconnected")
    assert screen.ids.notice.opacity == 0
    tap(screen.ids.hang_up)
    ended = app.screen("consult_ended")
    wait_until(lambda: app.nav.current == "consult_ended" and call.hung_up == 1, what="hung up")
    assert ended.ids.title.text == "通话已结束"
    assert screen.ids.remote.texture is None and screen.ids.local.texture is None  # faces gone
    assert tuple(Window.clearcolor) == (1, 1, 1, 1)  # the other screens' white again


@pytest.mark.parametrize("reason,title", [
    ("advisor_ended", "指导师王老师已结束通话"),
    ("advisor_left", "指导师王老师已离开，通话结束"),
    ("dropped", "网络中断，通话已结束"),
])
def test_call_ended_by_the_other_side_says_why_and_offers_the_rating(app, consult, reason, title):
    call = to_call(app, consult)
    if reason == "dropped":  # the one reconnect first, then the end
        call.emit(ConsultState.RECONNECTING)
        wait_until(lambda: app.screen("consult_call").notice == "正在重新连接…", what="reconnecting")
    call.emit(ConsultState.ENDED, reason=reason, advisor_name="王老师", duration_s=200)
    ended = app.screen("consult_ended")
    wait_until(lambda: app.nav.current == "consult_ended", what="the end screen")
    assert ended.ids.title.text == title and "3 分钟" in ended.ids.detail.text
    bar = ended.ids.rating
    assert bar.parent is not None
    tap(next(b for b in bar.ids.buttons.children if b.text == "满意"))
    wait_until(lambda: app.background.pending == 0, what="rating saved")
    with app.store.read() as s:
        ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "feedback.given")
                       .order_by(OutboxEvent.seq.desc())).first()
    assert read_payload(ev, None)["service"] == "consult" and read_payload(ev, None)["score"] == 4
    assert call.hung_up == 0 and call.cancelled == 0  # the service ended it: nothing to stop


@pytest.mark.parametrize("reason,screen_name,title", [
    ("no_advisor", "consult_offer", "现在没有指导师在线"),
    ("timeout", "consult_offer", "等了很久还没有指导师接听，非常抱歉"),
    ("unreachable", "consult_offer", "暂时连不上视频咨询服务"),
    ("bad_sdp", "consult_ended", "视频没有接通"),
])
def test_failure_while_waiting(app, consult, reason, screen_name, title):
    call = to_waiting(app, consult)
    call.emit(ConsultState.WAITING)
    call.emit(ConsultState.FAILED, reason=reason)
    wait_until(lambda: app.nav.current == screen_name, what=screen_name)
    assert app.screen(screen_name).ids.title.text == title
    if screen_name == "consult_ended":
        assert app.screen("consult_ended").ids.rating.parent is None  # no call, nothing to rate


def test_service_that_cannot_start_a_call_offers_the_alternatives(app, consult):
    consult.start_error = ConnectionError("central down")
    open_topics(app)
    choose(app, "求职指导")
    tap(app.screen("consult_consent").ids.agree)
    wait_until(lambda: app.nav.current == "consult_offer", what="the offer")
    assert app.screen("consult_offer").ids.title.text == "暂时连不上视频咨询服务"


def test_call_banner_does_not_cover_the_call_controls(app, consult):
    from kivy.core.window import Window

    from kiosk.domain.calls import Call

    call = to_call(app, consult)
    screen = app.screen("consult_call")
    size = Window.size
    try:
        for w, h in ((1080, 1920), (1920, 1080)):
            Window.size = (w, h)
            wait_until(lambda: screen.width == w and screen.height == h, what=f"{w}x{h}")
            app.on_call(Call(f"consult-{w}", "A021", "2", "求职登记"))
            wait_until(lambda: app.banner.opacity == 1, what="the call banner")
            pump(3)
            banner_bottom = app.banner.to_window(app.banner.x, app.banner.y)[1]
            for widget in (screen.ids.hang_up, screen.ids.mute, screen.ids.timer):
                top = widget.to_window(widget.x, widget.top)[1]
                assert top <= banner_bottom, f"{widget} under the banner at {w}x{h}"
            app.banner.hide()
    finally:
        Window.size = size
        pump(3)
    app.on_call(Call("consult-last", "A022", "2", "求职登记"))
    wait_until(lambda: app.banner.opacity == 1, what="the call banner")
    tap(screen.ids.hang_up)  # a touch on the button while the banner shows still ends the call
    wait_until(lambda: call.hung_up == 1 and app.nav.current == "consult_ended", what="hung up")
    app.banner.hide()


def test_idle_does_not_end_a_call_but_wipes_after_it(app, consult):
    call = to_call(app, consult)
    visit = app.visits.current
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 5
    app.idle.check()
    pump(2)
    assert app.nav.current == "consult_call" and app.visits.current is visit
    assert app.idle.overlay.parent is None and call.hung_up == 0
    call.emit(ConsultState.ENDED, reason="advisor_ended", advisor_name="王老师", duration_s=60)
    wait_until(lambda: app.nav.current == "consult_ended", what="the end screen")
    ended = app.screen("consult_ended")
    assert ended.title
    watcher.last_activity -= watcher.timeout_s + 1
    app.idle.check()
    pump(2)
    assert app.idle.overlay.parent is not None  # the resident walked away: the countdown shows
    watcher.last_activity -= watcher.countdown_s
    app.idle.check()
    pump(2)
    assert app.nav.current == "attract" and app.visits.current is not visit
    assert ended.title == "" and ended.detail == ""
    assert app.screen("consult_call").live is None and app.screen("consult_wait").live is None


def test_idle_while_waiting_keeps_the_place_in_the_queue(app, consult):
    call = to_waiting(app, consult)
    call.emit(ConsultState.WAITING)
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 5
    app.idle.check()
    pump(2)
    assert app.nav.current == "consult_wait" and call.cancelled == 0


def test_logging_out_during_a_call_hangs_up_and_forgets_it(app, consult):
    open_topics(app)
    choose(app, "政策咨询")
    app.screen("login").accept(Resident(NUMBER, date(1980, 5, 14)))
    wait_until(lambda: app.nav.current == "consult_consent", what="consent")
    tap(app.screen("consult_consent").ids.agree)
    wait_until(lambda: consult.calls, what="the call started")
    call = consult.calls[-1]
    call.emit(ConsultState.IN_CALL)
    wait_until(lambda: app.nav.current == "consult_call", what="the call screen")
    app.end_visit()
    wait_until(lambda: call.hung_up == 1, what="the call hung up")
    assert app.nav.current == "attract" and app.identity_text == ""
    assert app.screen("consult_call").live is None


def test_call_back_form_refuses_a_wrong_number_and_keeps_it_when_saving_fails(app, consult):
    from kiosk.store.outbox import OutboxKeyError

    consult.availabilities["其他"] = NO_ADVISOR
    before = len(_callback_events(app))
    open_topics(app)
    choose(app, "其他")
    tap(app.screen("consult_offer").ids.callback)
    form = app.screen("consult_callback")
    for d in "23812345678":
        tap(next(k for k in form.ids.phone.children if k.text == d))
    tap(form.ids.next)
    assert form.step == "phone" and "以 1 开头" in form.ids.error.text
    for _ in range(11):
        tap(next(k for k in form.ids.phone.children if k.text == "删除"))
    for d in PHONE:
        tap(next(k for k in form.ids.phone.children if k.text == d))
    assert form.ids.error.text == ""
    tap(form.ids.next)
    desk = app.services.callbacks
    real_cipher = desk.cipher

    def broken():
        raise OutboxKeyError("the outbox key is unreadable")

    desk.cipher = broken
    try:
        tap(form.ids.submit)
        wait_until(lambda: not form.submitting and app.background.pending == 0, what="the failed submit")
    finally:
        desk.cipher = real_cipher
    assert form.step == "consent" and "没有保存" in form.ids.consent_error.text
    assert form.ids.phone.value == PHONE  # nothing typed is lost: the resident can try again
    assert len(_callback_events(app)) == before
    tap(form.ids.submit)
    wait_until(lambda: form.step == "done", what="the second try")
    assert len(_callback_events(app)) == before + 1
