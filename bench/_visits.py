"""Scripted visits to the running kiosk app, for ``bench memory`` and the soak tests.

A visit is what a resident does on a busy morning: start, lay the ID card on the (simulated)
reader, search jobs by pinyin on the on-screen keyboard, open the first job, print it, take a
queue ticket (printed too), and log out. Every step is a real tap through Kivy's input pipeline,
and every wait is for a state the screens show, never for a fixed time (``kiosk.widgets.frames``,
as in the tests). Import it after ``kiosk.bootstrap`` has set Kivy's window options.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from kiosk.widgets.frames import pump, tap, wait_until

#: pinyin typed on the list's keyboard, one per visit in turn (保洁, 会计, 司机, 快递, 营业员, 服务)
SEARCHES = ("bj", "kj", "siji", "kd", "yyy", "fw")
#: the queue service every visit takes a ticket for (no identity needed, open on weekdays)
QUEUE_SERVICE = "career_guidance"


def _weekday(first: date, n: int) -> date:
    """The ``n``-th weekday from ``first`` (Monday to Friday, when the counters work)."""
    d = first
    while n or d.weekday() >= 5:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


class Visits:
    """Drives ``app`` (a started KioskApp on its attract screen) through one visit after another.

    Each visit takes its ticket on a day of its own (the queue's clock moves a weekday on), so
    no daily quota, per-person limit or long-queue question ever changes what a visit does."""

    def __init__(self, app, first_day: date = date(2031, 1, 6)) -> None:  # noqa: ANN001 - KioskApp
        self.app = app
        self.first_day = first_day
        self.done = 0
        self._clock = app.services.queue.clock

    def idle(self) -> None:
        """Wait until no background job of the app is running."""
        wait_until(lambda: self.app.background.pending == 0, "background jobs")

    def visit(self) -> None:
        app, n = self.app, self.done
        printer = app.printer
        assert printer is not None and app.card_simulator is not None, "the visit needs the simulated devices"
        self._start()
        app.demo_lay_card()
        wait_until(lambda: app.visits.current.identity is not None, "the ID card to be read")
        detail = self._search_and_open(SEARCHES[n % len(SEARCHES)])
        printed = printer.printed
        tap(detail.ids.print_button)
        wait_until(lambda: printer.printed > printed and app.background.pending == 0, "the printed vacancy")
        self._ticket(_weekday(self.first_day, n))
        tap(app.screen("queue_ticket").ids.header.ids.logout)
        wait_until(lambda: app.nav.current == "attract" and app.visits.current.identity is None, "the logout")
        app.services.queue.clock = self._clock
        self.idle()
        self.done += 1

    def _start(self) -> None:
        app = self.app
        tap(app.screen("attract").ids.start)
        wait_until(lambda: app.nav.current == "home" and app.background.pending == 0, "the home screen")

    def _search_and_open(self, letters: str):  # noqa: ANN202 - the detail screen
        app = self.app
        tap(app.screen("home").tile("jobs"))
        listing = app.screen("vacancy_list")
        rv = listing.ids.rv
        wait_until(lambda: bool(rv.data) and app.background.pending == 0, "the vacancy rows")
        tap(listing.ids.scope_city)  # the whole city: every word finds jobs, however few are seeded
        tap(listing.ids.search_box)
        for ch in letters:
            tap(listing.ids.keyboard.key(ch))
        wait_until(lambda: not listing.loading and listing.scope == "city" and f"“{letters}”" in listing.summary
                   and bool(rv.data)
                   and app.background.pending == 0, f"the jobs found for {letters!r}")
        tap(listing.ids.keyboard_done)
        pump(3)
        tap(max(rv.layout_manager.children, key=lambda w: w.y))
        detail = app.screen("vacancy_detail")
        wait_until(lambda: detail.vacancy is not None and app.background.pending == 0, "the vacancy's page")
        detail.ids.scroll.scroll_y = 0
        pump(2)
        return detail

    def _ticket(self, day: date) -> None:
        app = self.app
        # 10:00 in Tianjin on that day
        app.services.queue.clock = lambda: datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
        printed = app.printer.printed
        tap(app.screen("vacancy_detail").ids.header.ids.home_button)
        wait_until(lambda: app.nav.current == "home", "the home screen")
        tap(app.screen("home").tile("queue"))
        services = app.screen("queue_services")
        wait_until(lambda: app.nav.current == "queue_services" and app.background.pending == 0
                   and any(r.code == QUEUE_SERVICE for r in services.ids.rows.children), "the queue's services")
        tap(services.row(QUEUE_SERVICE))
        ticket = app.screen("queue_ticket")
        wait_until(lambda: app.nav.current == "queue_ticket" and app.printer.printed > printed
                   and app.background.pending == 0, "the printed ticket")
        assert ticket.ticket is not None and not ticket.print_failed, ticket.print_status
