"""The services a screen may use, handed to every screen by the app (no global app object), and
``build_services``, the one place they are built.

The desks (queue, vacancies, registration, ...) are ``Desk`` attributes: each is made the first
time it is used, so their modules are not imported on the way to the attract screen's first
frame; the app builds the rest (``build_desks``, on the background worker) just after that frame.
Making one imports its module and stores references, nothing more (no I/O), so a first use on the
main thread cannot block it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

if TYPE_CHECKING:
    from kiosk.background import Background
    from kiosk.config import KioskConfig
    from kiosk.core.appointments import AppointmentDesk
    from kiosk.core.callback import CallbackDesk
    from kiosk.core.catalogue import Catalogue
    from kiosk.core.counter import CounterDesk
    from kiosk.core.feedback import FeedbackBox
    from kiosk.core.guidance import Guide
    from kiosk.core.help import HelpDesk
    from kiosk.core.home_services import HomeServiceDesk
    from kiosk.core.interest import InterestDesk
    from kiosk.core.jobfairs import JobFairService
    from kiosk.core.maintenance import MaintenanceDesk
    from kiosk.core.printing import PrintDesk
    from kiosk.core.queue import QueueBook
    from kiosk.core.registration import RegistrationDesk
    from kiosk.core.session import VisitManager
    from kiosk.core.stations import StationService
    from kiosk.core.vacancies import VacancyService
    from kiosk.devices.printer.service import PrinterService
    from kiosk.domain.calls import Call, RecentCalls
    from kiosk.domain.consult import ConsultCalls
    from kiosk.domain.status import Diagnostics
    from kiosk.screens.navigator import Navigator
    from kiosk.store.engine import Store
    from kiosk.store.outbox import OutboxCipher


T = TypeVar("T")


class Desk(Generic[T]):
    """A service of ``Services`` made on first use, once, whichever thread asks first."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, services: Services | None, owner: type | None = None) -> T:
        if services is None:
            return self  # type: ignore[return-value]
        with services.building:
            if self.name not in services.__dict__:
                services.__dict__[self.name] = services.makers[self.name]()
        return services.__dict__[self.name]


@dataclass
class Services:
    config: KioskConfig
    store: Store
    visits: VisitManager
    background: Background
    nav: Navigator
    diagnostics: Diagnostics
    #: forget the visit and return to the attract screen
    end_visit: Callable[[], None]
    calls: RecentCalls
    #: the receipt printer (None: the kiosk has none); ``print_receipt`` blocks, so screens call
    #: it through ``background.submit`` and offer the on-screen fallback when it returns not printed
    printer: PrinterService | None
    #: remote video consultation (None: video disabled in config)
    consult: ConsultCalls | None
    #: 语音引导 (set by the app once the speaker is built)
    guide: Guide | None = None
    #: desk name → what makes it (see ``Desk``)
    makers: dict[str, Callable[[], Any]] = field(default_factory=dict, repr=False)
    #: held while a desk is made; re-entrant, as one desk's maker uses another desk
    building: threading.RLock = field(default_factory=threading.RLock, repr=False)

    vacancies: ClassVar[Desk[VacancyService]] = Desk()
    queue: ClassVar[Desk[QueueBook]] = Desk()
    stations: ClassVar[Desk[StationService]] = Desk()
    registration: ClassVar[Desk[RegistrationDesk]] = Desk()
    feedback: ClassVar[Desk[FeedbackBox]] = Desk()
    interest: ClassVar[Desk[InterestDesk]] = Desk()
    #: prints tickets, vacancies and shortlists and records the outcome (blocking: background only)
    printing: ClassVar[Desk[PrintDesk]] = Desk()
    #: the staff panel's calling when central is unreachable
    counter: ClassVar[Desk[CounterDesk]] = Desk()
    appointments: ClassVar[Desk[AppointmentDesk]] = Desk()
    #: 招聘会 and 政策与服务 (the service catalogue), from their feeds
    job_fairs: ClassVar[Desk[JobFairService]] = Desk()
    catalogue: ClassVar[Desk[Catalogue]] = Desk()
    #: 上门服务 and 代理服务 requests, and their status from central
    home_services: ClassVar[Desk[HomeServiceDesk]] = Desk()
    #: 回电申请 when no advisor can take a video call
    callbacks: ClassVar[Desk[CallbackDesk]] = Desk()
    #: 呼叫工作人员: the visit's call for help and staff's answer
    help: ClassVar[Desk[HelpDesk]] = Desk()
    #: the nightly tidy-up (retention, the database, temp files, the printer's status)
    maintenance: ClassVar[Desk[MaintenanceDesk]] = Desk()

    def made(self, name: str) -> bool:
        return name in self.__dict__

    def forget_visit(self) -> None:
        """What the desks hold of the visit that ended (a desk not made yet holds nothing)."""
        for name in ("callbacks", "help"):
            if self.made(name):
                getattr(self, name).forget()

    def build_desks(self) -> None:
        """Make every desk not made yet."""
        for name in self.makers:
            getattr(self, name)


def build_services(cfg: KioskConfig, store: Store, *, visits: VisitManager, background: Background,
                   nav: Navigator, end_visit: Callable[[], None], cipher: Callable[[], OutboxCipher],
                   on_call: Callable[[Call], None], clock_offset_s: Callable[[], float],
                   appointment_book: Callable[[], Any], printer: PrinterService | None,
                   consult: ConsultCalls | None, clock: Callable[[], datetime] | None = None) -> Services:
    """Every service, wired (the desks made on first use). The station's clock (``clock``, the
    system's UTC time by default) is corrected by central's: the queue's day and numbers, fair
    times and request dates all come from ``queue.now()``, which adds ``clock_offset_s()``, the
    offset the link to central measured."""
    from kiosk.core.diagnostics import store_section
    from kiosk.domain.calls import RecentCalls
    from kiosk.domain.status import Diagnostics

    station = cfg.station
    diagnostics = Diagnostics()
    diagnostics.add(store_section(store, cfg))
    services = Services(config=cfg, store=store, visits=visits, background=background, nav=nav,
                        diagnostics=diagnostics, end_visit=end_visit, calls=RecentCalls(), printer=printer,
                        consult=consult)

    def origin():  # noqa: ANN202 - a kiosk.domain.search.Station
        from kiosk.domain.search import Station

        return Station.from_config(station)

    def queue() -> QueueBook:
        from kiosk.core.queue import QueueBook
        from kiosk.domain.queue_rules import utc_now
        from kiosk.store.outbox import add_event

        return QueueBook(store, emit=add_event, clock=clock or utc_now, clock_offset_s=clock_offset_s)

    def vacancies() -> VacancyService:
        from kiosk.core.vacancies import VacancyService

        return VacancyService(store, origin(), lambda: services.queue.now().date())

    def stations() -> StationService:
        from kiosk.core.stations import StationService

        return StationService(store, origin(), station.id)

    def registration() -> RegistrationDesk:
        from kiosk.core.registration import RegistrationDesk

        return RegistrationDesk(store, cipher, station.id, cfg.central.person_key_secret.encode())

    def feedback() -> FeedbackBox:
        from kiosk.core.feedback import FeedbackBox

        return FeedbackBox(store, station.id)

    def interest() -> InterestDesk:
        from kiosk.core.interest import InterestDesk

        return InterestDesk(store, cipher, station.id)

    def printing() -> PrintDesk:
        from kiosk.core.printing import PrintDesk

        return PrintDesk(store, cfg, lambda: services.printer)

    def counter() -> CounterDesk:
        from kiosk.core.counter import CounterDesk
        from kiosk.store.outbox import add_event

        return CounterDesk(services.queue, add_event, on_call, cipher=cipher)

    def appointments() -> AppointmentDesk:
        from kiosk.core.appointments import AppointmentDesk

        return AppointmentDesk(appointment_book, store, services.queue, cipher, station.id)

    def job_fairs() -> JobFairService:
        from kiosk.core.jobfairs import JobFairService

        # fair times are Tianjin wall-clock times: the queue's corrected station clock, without the zone
        return JobFairService(store, origin(), lambda: services.queue.now().replace(tzinfo=None))

    def catalogue() -> Catalogue:
        from kiosk.core.catalogue import Catalogue

        return Catalogue(store)

    def home_services() -> HomeServiceDesk:
        from kiosk.core.home_services import HomeServiceDesk

        return HomeServiceDesk(store, cipher, station.id, station.district, station.street,
                               lambda: services.queue.now())

    def callbacks() -> CallbackDesk:
        from kiosk.core.callback import CallbackDesk

        return CallbackDesk(store, cipher, station.id)

    def help_desk() -> HelpDesk:
        from kiosk.core.help import HelpDesk

        return HelpDesk(store, station.id, lambda: services.queue.now())

    def maintenance() -> MaintenanceDesk:
        from kiosk.core.maintenance import MaintenanceDesk

        return MaintenanceDesk(
            store, printer_state=lambda: services.printer.check_status().value if services.printer else "none",
            search_index=lambda: services.vacancies.tidy_for_the_day())

    services.makers.update(
        queue=queue, vacancies=vacancies, stations=stations, registration=registration, feedback=feedback,
        interest=interest, printing=printing, counter=counter, appointments=appointments, job_fairs=job_fairs,
        catalogue=catalogue, home_services=home_services, callbacks=callbacks, help=help_desk,
        maintenance=maintenance)
    visits.on_end(services.forget_visit)
    if consult is not None:
        visits.on_end(consult.end_all)  # logout and the idle wipe end any call or place in line
    return services
