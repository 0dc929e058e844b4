from kiosk.domain.calls import Call, RecentCalls, announcement_text, spoken_number


def test_numbers_are_spoken_digit_by_digit():
    assert spoken_number("A013") == "A零一三"
    call = Call("c1", "A013", "2")
    assert announcement_text(call) == "请，A零一三号，到2号窗口办理"
    assert announcement_text(Call("c2", "A013", "2", recall=True)).startswith("再次呼叫，")
    assert call.banner_text == "请 A013 号到 2 号窗口"


def test_recent_calls_newest_first_dedupes_and_moves_recalls_up():
    r = RecentCalls(size=3)
    assert r.add(Call("1", "A001", "1"))
    assert r.add(Call("2", "B001", "2"))
    assert not r.add(Call("2", "B001", "2"))  # the same call delivered twice
    assert r.add(Call("3", "A001", "1", recall=True))
    assert [c.ticket_number for c in r.items()] == ["A001", "B001"]
    r.add(Call("4", "C001", "3"))
    r.add(Call("5", "D001", "3"))
    assert [c.ticket_number for c in r.items()] == ["D001", "C001", "A001"]
