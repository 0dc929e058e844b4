"""The desks of ``Services`` are made on first use, once, and all of them by ``build_desks``."""

from __future__ import annotations

import threading

from kiosk.config import load_config
from kiosk.core.session import VisitManager
from kiosk.services import Services, build_services
from kiosk.store.outbox import OutboxCipher


def _services(store, tmp_path, visits: VisitManager | None = None) -> Services:
    return build_services(
        load_config(env={}), store, visits=visits or VisitManager(), background=None, nav=None, end_visit=lambda: None,
        cipher=lambda: OutboxCipher.from_data_dir(tmp_path), on_call=lambda _call: None,
        clock_offset_s=lambda: 0.0, appointment_book=lambda: None, printer=None, consult=None)


def test_no_desk_is_made_before_it_is_used(store, tmp_path):
    services = _services(store, tmp_path)
    assert not any(services.made(name) for name in services.makers)

    counter = services.counter
    assert services.made("counter") and services.made("queue")  # the counter calls through the queue
    assert counter.queue is services.queue
    assert not services.made("appointments")


def test_a_desk_is_made_once_when_threads_ask_at_the_same_time(store, tmp_path):
    services = _services(store, tmp_path)
    start = threading.Barrier(8)
    seen = []

    def ask() -> None:
        start.wait()
        seen.append(services.help)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(desk is seen[0] for desk in seen)


def test_build_desks_makes_every_desk_with_the_queues_clock(store, tmp_path):
    services = _services(store, tmp_path)
    services.build_desks()
    assert all(services.made(name) for name in services.makers)
    assert services.vacancies.today() == services.queue.now().date()
    assert services.home_services._now().date() == services.queue.now().date()


def test_the_end_of_a_visit_wipes_the_desks_made_and_makes_none(store, tmp_path):
    visits = VisitManager()
    services = _services(store, tmp_path, visits)
    visits.end()
    assert not services.made("help") and not services.made("callbacks")

    services.help.call("首页")
    assert services.help.current is not None
    visits.end()
    assert services.help.current is None
