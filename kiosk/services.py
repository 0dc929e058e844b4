"""The services a screen may use, handed to every screen by the app (no global app object)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.background import Background
    from kiosk.core.appointments import AppointmentDesk
    from kiosk.core.callback import CallbackDesk
    from kiosk.domain.calls import RecentCalls
    from kiosk.core.catalogue import Catalogue
    from kiosk.core.jobfairs import JobFairService
    from kiosk.domain.consult import ConsultCalls
    from kiosk.core.counter import CounterDesk
    from kiosk.config import KioskConfig
    from kiosk.core.diagnostics import Diagnostics
    from kiosk.core.feedback import FeedbackBox
    from kiosk.core.home_services import HomeServiceDesk
    from kiosk.core.interest import InterestDesk
    from kiosk.core.printing import PrintDesk
    from kiosk.core.queue import QueueBook
    from kiosk.core.registration import RegistrationDesk
    from kiosk.core.stations import StationService
    from kiosk.core.session import VisitManager
    from kiosk.core.vacancies import VacancyService
    from kiosk.devices.printer.service import PrinterService
    from kiosk.screens.navigator import Navigator
    from kiosk.store.engine import Store


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
    printer: PrinterService | None = None
    #: prints tickets, vacancies and shortlists and records the outcome (blocking: background only)
    printing: PrintDesk | None = None
    #: the staff panel's calling when central is unreachable
    counter: CounterDesk | None = None
    appointments: AppointmentDesk | None = None
    #: 招聘会 and 政策与服务 (the service catalogue), from their feeds
    job_fairs: JobFairService | None = None
    catalogue: Catalogue | None = None
    #: 上门服务 and 代理服务 requests, and their status from central
    home_services: HomeServiceDesk | None = None
    #: 回电申请 when no advisor can take a video call
    callbacks: CallbackDesk | None = None
    #: remote video consultation (None: video disabled in config)
    consult: ConsultCalls | None = None
