"""One stop_all ends every running part, last started first, each once."""

from __future__ import annotations

import logging
import threading

from kiosk.lifecycle import RunningParts


class Part(threading.Thread):
    """A real thread that runs until it is stopped."""

    def __init__(self, name: str, log: list[str]) -> None:
        super().__init__(name=name, daemon=True)
        self.log = log
        self.halt = threading.Event()
        self.stops = 0

    def run(self) -> None:
        self.halt.wait()

    def stop(self) -> None:
        self.stops += 1
        self.log.append(self.name)
        self.halt.set()
        self.join(5)


def test_stop_all_stops_every_part_last_started_first_and_only_once():
    order: list[str] = []
    parts = RunningParts()
    threads = [Part(n, order) for n in ("background", "speaker", "reader", "link")]
    for t in threads:
        t.start()
        parts.add(t.name, t.stop)
    assert parts.names == ["background", "speaker", "reader", "link"]
    assert parts.stop_all() == ["link", "reader", "speaker", "background"]
    assert order == ["link", "reader", "speaker", "background"]
    assert not any(t.is_alive() for t in threads)
    assert parts.stop_all() == []  # on_stop may come twice
    assert [t.stops for t in threads] == [1, 1, 1, 1]


def test_a_part_that_fails_to_stop_does_not_keep_the_others_running(caplog):
    order: list[str] = []
    parts = RunningParts()
    last = Part("background", order)
    last.start()
    parts.add("background", last.stop)

    def broken() -> None:
        raise OSError("port gone")

    parts.add("scanner", broken)
    with caplog.at_level(logging.ERROR, logger="kiosk.lifecycle"):
        assert parts.stop_all() == ["scanner", "background"]
    assert not last.is_alive() and "stopping scanner failed" in caplog.text


def test_a_part_added_after_stop_all_is_stopped_at_once():
    order: list[str] = []
    parts = RunningParts()
    parts.stop_all()
    late = Part("consult", order)
    late.start()
    parts.add("consult", late.stop)
    assert order == ["consult"] and not late.is_alive() and parts.names == []
