"""The services a screen may use, handed to every screen by the app (no global app object), and
``build_services``, the one place they are built: complete, every field set at construction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

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


@dataclass
class Services:
    config: KioskConfig
    store: Store
    vacancies: VacancyService
    visits: VisitManager
    background: Background
    nav: Navigator
    diagnostics: Diagnostics
    #: forget the visit and return to the attract screen
    end_visit: Callable[[], None]
    calls: RecentCalls
    queue: QueueBook
    stations: StationService
    registration: RegistrationDesk
    feedback: FeedbackBox
    interest: InterestDesk
    #: the receipt printer (None: the kiosk has none); ``print_receipt`` blocks, so screens call
    #: it through ``background.submit`` and offer the on-screen fallback when it returns not printed
    printer: PrinterService | None
    #: prints tickets, vacancies and shortlists and records the outcome (blocking: background only)
    printing: PrintDesk
    #: the staff panel's calling when central is unreachable
    counter: CounterDesk
    appointments: AppointmentDesk
    #: 招聘会 and 政策与服务 (the service catalogue), from their feeds
    job_fairs: JobFairService
    catalogue: Catalogue
    #: 上门服务 and 代理服务 requests, and their status from central
    home_services: HomeServiceDesk
    #: 回电申请 when no advisor can take a video call
    callbacks: CallbackDesk
    #: remote video consultation (None: video disabled in config)
    consult: ConsultCalls | None
    #: 呼叫工作人员: the visit's call for help and staff's answer
    help: HelpDesk | None = None
    #: 语音引导 (set by the app once the speaker is built)
    guide: Guide | None = None
    #: the nightly tidy-up (retention, the database, temp files, the printer's status)
    maintenance: MaintenanceDesk | None = None


def build_services(cfg: KioskConfig, store: Store, *, visits: VisitManager, background: Background,
                   nav: Navigator, end_visit: Callable[[], None], cipher: Callable[[], OutboxCipher],
                   on_call: Callable[[Call], None], clock_offset_s: Callable[[], float],
                   appointment_book: Callable[[], Any], printer: PrinterService | None,
                   consult: ConsultCalls | None, clock: Callable[[], datetime] | None = None) -> Services:
    """Every service, wired. The station's clock (``clock``, the system's UTC time by default)
    is corrected by central's: the queue's day and numbers, fair times and request dates all
    come from ``queue.now()``, which adds ``clock_offset_s()``, the offset the link to central measured."""
    from kiosk.core.appointments import AppointmentDesk
    from kiosk.core.callback import CallbackDesk
    from kiosk.core.catalogue import Catalogue
    from kiosk.core.counter import CounterDesk
    from kiosk.core.diagnostics import store_section
    from kiosk.core.feedback import FeedbackBox
    from kiosk.core.home_services import HomeServiceDesk
    from kiosk.core.interest import InterestDesk
    from kiosk.core.jobfairs import JobFairService
    from kiosk.core.printing import PrintDesk
    from kiosk.core.queue import QueueBook
    from kiosk.core.registration import RegistrationDesk
    from kiosk.core.stations import StationService
    from kiosk.core.vacancies import VacancyService
    from kiosk.domain.calls import RecentCalls
    from kiosk.domain.queue_rules import utc_now
    from kiosk.domain.search import Station
    from kiosk.domain.status import Diagnostics
    from kiosk.store.outbox import add_event

    station = cfg.station
    origin = Station.from_config(station)
    queue = QueueBook(store, emit=add_event, clock=clock or utc_now, clock_offset_s=clock_offset_s)
    callbacks = CallbackDesk(store, cipher, station.id)
    visits.on_end(callbacks.forget)
    diagnostics = Diagnostics()
    diagnostics.add(store_section(store, cfg))
    services = Services(
        config=cfg,
        store=store,
        vacancies=VacancyService(store, origin, lambda: queue.now().date()),
        visits=visits,
        background=background,
        nav=nav,
        diagnostics=diagnostics,
        end_visit=end_visit,
        calls=RecentCalls(),
        queue=queue,
        stations=StationService(store, origin, station.id),
        registration=RegistrationDesk(store, cipher, station.id, cfg.central.person_key_secret.encode()),
        feedback=FeedbackBox(store, station.id),
        interest=InterestDesk(store, cipher, station.id),
        printer=printer,
        printing=PrintDesk(store, cfg, lambda: services.printer),
        counter=CounterDesk(queue, add_event, on_call, cipher=cipher),
        appointments=AppointmentDesk(appointment_book, store, queue, cipher, station.id),
        # fair times are Tianjin wall-clock times: the queue's corrected station clock, without the zone
        job_fairs=JobFairService(store, origin, lambda: queue.now().replace(tzinfo=None)),
        catalogue=Catalogue(store),
        home_services=HomeServiceDesk(store, cipher, station.id, station.district, station.street, queue.now),
        callbacks=callbacks,
        consult=consult,
    )
    from kiosk.core.maintenance import MaintenanceDesk

    services.maintenance = MaintenanceDesk(
        store, printer_state=lambda: services.printer.check_status().value if services.printer else "none")
    from kiosk.core.help import HelpDesk

    services.help = HelpDesk(store, station.id, queue.now)
    visits.on_end(services.help.forget)
    if consult is not None:
        visits.on_end(consult.end_all)  # logout and the idle wipe end any call or place in line
    return services
