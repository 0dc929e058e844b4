"""What the kiosk prints for residents, and what it records about it.

Screens call these methods through the background worker (printing blocks). The ticket was
committed with its outbox event before anything is printed; the print's outcome is recorded
afterwards as ``ticket.printed`` or ``ticket.print_failed`` (and ``Ticket.printed``), so a
failure reaches the central system and the staff. The printer is any object with
``print_receipt(receipt) -> result`` (``printed``, ``message``, ``job_id``); with none, every
print falls back to the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain import receipts
from kiosk.domain.i18n import N_, _

NO_PRINTER = N_("本机暂时不能打印。请看屏幕上的信息，或用手机扫码保存")


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    message: str
    job_id: str = ""

    @property
    def text(self) -> str:
        """The message in the visit's language (``message`` stays Chinese: it goes to the staff)."""
        return _(self.message)

    @property
    def fallback(self) -> bool:
        return not self.printed


class PrintDesk:
    def __init__(self, store, config, printer: Callable[[], Any | None]) -> None:  # noqa: ANN001
        self.store = store
        self.config = config
        self._printer = printer

    def _print(self, receipt: receipts.Receipt) -> PrintOutcome:
        printer = self._printer()
        if printer is None:
            return PrintOutcome(False, NO_PRINTER)
        r = printer.print_receipt(receipt)
        return PrintOutcome(r.printed, r.message, r.job_id)

    def ticket(self, t, identity: str = "", now: datetime | None = None) -> PrintOutcome:  # noqa: ANN001
        """Print a queue ticket (``IssuedTicket``) and record the outcome with an outbox event."""
        from kiosk.store.models import Ticket
        from kiosk.store.outbox import add_event

        receipt = receipts.ticket(t, self.config.station, self.config.ticket_url(t.id), now or datetime.now(),
                                  identity)
        outcome = self._print(receipt)
        with self.store.session() as s:
            row = s.get(Ticket, t.id)
            if row is not None:
                row.printed = outcome.printed
            add_event(s, "ticket.printed" if outcome.printed else "ticket.print_failed",
                      {"ticket_id": t.id, "number": t.display_number, "job_id": outcome.job_id,
                       "reason": "" if outcome.printed else outcome.message[:80]})
        return outcome

    def vacancy(self, v, now: datetime | None = None) -> PrintOutcome:  # noqa: ANN001
        return self._print(receipts.vacancy(v, self.config.job_url(v.id), self.config.station, now or datetime.now()))

    def shortlist(self, vs: Sequence[Any], now: datetime | None = None) -> PrintOutcome:
        """The shortlist, with one QR for the whole list: its jobs go to central first as a
        ``shortlist.printed`` event under a random id (the id in the QR), then the paper."""
        from kiosk.domain.capability import new_token
        from kiosk.store.outbox import add_event

        shortlist_id = new_token()
        with self.store.session() as s:
            add_event(s, "shortlist.printed", {"station_id": self.config.station.id, "shortlist_id": shortlist_id,
                                               "vacancy_ids": [v.id for v in vs][:20]})
        return self._print(receipts.shortlist(vs, self.config.job_url, self.config.station, now or datetime.now(),
                                              list_url=self.config.shortlist_url(shortlist_id)))

    def interest_slip(self, v, done, now: datetime | None = None) -> PrintOutcome:  # noqa: ANN001
        """The slip that confirms a registered interest (``interest.InterestExpressed``): masked phone,
        reference, and the QR of the interest's own phone page."""
        return self._print(receipts.interest(v.title, v.employer, done.reference, done.masked_phone,
                                             self.config.station, self.config.interest_url(done.token),
                                             now or datetime.now()))

    def callback(self, done, now: datetime | None = None) -> PrintOutcome:  # noqa: ANN001
        """The 回电申请 slip (``callback.CallbackRequested``) with the QR of its phone page."""
        return self._print(receipts.callback(done.reference, done.topic, done.masked_phone, self.config.station,
                                             self.config.callback_url(done.token), now or datetime.now()))

    def appointment(self, booked, identity: str = "", now: datetime | None = None) -> PrintOutcome:  # noqa: ANN001
        """The booking confirmation (``appointments.Booked``), with a QR to it."""
        a = receipts.Appointment(booked.id, booked.service_name, booked.starts_at, self.config.station.address or
                                 self.config.station.name, booked.reference, identity,
                                 ("请提前 10 分钟到驿站，在自助机扫描本单二维码签到，优先取号",
                                  "不能前来请用手机扫码取消预约"))
        return self._print(receipts.appointment(a, self.config.station, self.config.appointment_url(booked.token),
                                                now or datetime.now()))

    def job_fair(self, f, now: datetime | None = None) -> PrintOutcome:  # noqa: ANN001
        """A job fair (``jobfairs.FairView``) with a QR to its page (the feed's, or central's)."""
        return self._print(receipts.job_fair(f, f.url or self.config.fair_url(f.id), self.config.station,
                                             now or datetime.now()))

    def catalogue_service(self, v, now: datetime | None = None) -> PrintOutcome:  # noqa: ANN001
        """The 办事指南 of one catalogue entry (``catalogue.ServiceView``)."""
        return self._print(receipts.catalogue_service(v, self.config.service_url(v.id), self.config.station,
                                                      now or datetime.now()))
    def service_request(self, submitted, street: str, identity: str = "",  # noqa: ANN001
                        now: datetime | None = None) -> PrintOutcome:
        """The home-visit / proxy confirmation (``home_services.Submitted``), with a QR to its status."""
        r = receipts.ServiceRequest(submitted.kind_name, submitted.reference, submitted.window.label,
                                    submitted.reason, street, identity, submitted.documents)
        return self._print(receipts.service_request(r, self.config.station,
                                                    self.config.service_request_url(submitted.reference,
                                                                                    submitted.token),
                                                    now or datetime.now()))
