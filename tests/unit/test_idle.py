from kiosk.idle import IdleState, IdleWatcher


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_countdown_then_expiry_and_poke_resets():
    clock = FakeClock()
    w = IdleWatcher(60, 15, clock=clock)
    assert w.state() is IdleState.ACTIVE
    clock.t += 59.9
    assert w.state() is IdleState.ACTIVE
    clock.t += 0.2
    assert w.state() is IdleState.COUNTDOWN
    assert w.remaining() == 15
    clock.t += 10
    assert w.remaining() == 5
    w.poke()
    assert w.state() is IdleState.ACTIVE
    clock.t += 75
    assert w.state() is IdleState.EXPIRED
    assert w.remaining() == 0


def test_remaining_is_not_a_second_more_from_float_noise():
    start = 524241.31123840256  # a monotonic reading where (start + 61) - start is not exactly 61
    clock = FakeClock()
    clock.t = start
    w = IdleWatcher(60, 15, clock=clock)
    clock.t = start + 61
    assert w.remaining() == 14
