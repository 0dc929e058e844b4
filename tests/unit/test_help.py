"""呼叫工作人员 at the kiosk: one event per open call, staff's answer, forgotten with the visit."""

from __future__ import annotations

import json

from sqlalchemy import select

from kiosk.core.help import HelpDesk
from kiosk.store.models import OutboxEvent


def _events(store) -> list[dict]:
    with store.read() as s:
        return [json.loads(e.payload) for e in s.scalars(select(OutboxEvent).where(OutboxEvent.type == "help.requested"))
                if not e.encrypted]


def test_a_call_is_one_event_until_staff_answer(store) -> None:
    desk = HelpDesk(store, "TJ-1")
    first = desk.call("找工作", elder=True)
    assert desk.call("岗位详情") == first and first.status_text == "已呼叫工作人员，请稍等"
    assert _events(store) == [{"station_id": "TJ-1", "screen": "找工作", "elder": True}]  # nothing personal
    assert not desk.answered("someone-else")
    assert desk.answered(first.id) and desk.current.status_text == "工作人员马上就到"
    assert not desk.answered(first.id)  # the same answer twice changes nothing
    again = desk.call("首页")
    assert again.id != first.id and len(_events(store)) == 2
    desk.forget()
    assert desk.current is None


def test_an_unanswered_call_rings_again_every_two_minutes_and_outlives_the_visit(store) -> None:
    from datetime import timedelta

    from kiosk.core import help as H

    t = [H.utc_now()]
    desk = HelpDesk(store, "TJ-1", clock=lambda: t[0])
    call = desk.call("找工作")
    assert desk.due() == [] and desk.waiting_long() == []
    t[0] += timedelta(seconds=H.RERING_S - 1)
    assert desk.due() == []
    t[0] += timedelta(seconds=1)
    assert desk.due() == [call] and desk.due() == []  # rung again, once
    desk.forget()
    assert desk.current is None and desk.waiting_long() == [call]  # the resident left; staff still see it
    t[0] += timedelta(seconds=H.RERING_S)
    assert desk.due() == [call]
    assert desk.answer_here(call.id, "3") and desk.unanswered == {} and desk.waiting_long() == []
    assert not desk.answer_here(call.id, "3")
    with store.read() as s:
        answered = [json.loads(e.payload) for e in s.scalars(select(OutboxEvent).where(OutboxEvent.type == "help.answered"))]
    assert answered == [{"station_id": "TJ-1", "help_id": call.id, "counter": "3"}]


def test_calls_are_dropped_after_two_hours(store) -> None:
    from datetime import timedelta

    from kiosk.core import help as H

    t = [H.utc_now()]
    desk = HelpDesk(store, "TJ-1", clock=lambda: t[0])
    desk.call("首页")
    t[0] += timedelta(seconds=H.KEEP_S + 1)
    assert desk.due() == [] and desk.unanswered == {}
