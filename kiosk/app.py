"""Composition root: builds the services and the screens, and wires them together.

This module and ``kiosk/commands/run.py`` are the only places that know about every layer.
Import it only after ``kiosk.bootstrap.bootstrap`` has run (Kivy reads its settings on import).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import FadeTransition, NoTransition, ScreenManager

from kiosk import heap, systemd, version
from kiosk.background import Background
from kiosk.central_link import CentralLink
from kiosk.config import DeviceConfig, KioskConfig
from kiosk.consult_setup import late_consult
from kiosk.core.guidance import Guide, voice_section
from kiosk.core.session import VisitManager
from kiosk.devices import speaker_setup
from kiosk.devices.idcard import setup as idcard_setup
from kiosk.devices.idcard.setup import CardReader, build_card_reader
from kiosk.devices.printer import setup as printer_setup
from kiosk.devices.registry import config_error_section
from kiosk.devices.scanner import setup as scanner_setup
from kiosk.devices.scanner.setup import Scanner, build_scanner
from kiosk.devices.speaker_setup import build_speaker
from kiosk.domain import i18n
from kiosk.domain.calls import Call, announcement_text
from kiosk.domain.i18n import N_
from kiosk.domain.scans import ScanClassifier, ScanResult
from kiosk.domain.status import Section
from kiosk.fonts import FontPair
from kiosk.idle import IdleWatcher
from kiosk.input_routing import IDLE_SCREEN, LOGIN_SCREEN, Route, resident_from_card, route_card, route_scan
from kiosk.lifecycle import RunningParts
from kiosk.screens.attract import AttractScreen
from kiosk.screens.base import KioskScreen
from kiosk.screens.idle_guard import IdleGuard
from kiosk.screens.navigator import Navigator
from kiosk.services import build_services
from kiosk.store.outbox import OutboxCipher
from kiosk.widgets.call_banner import CallBanner
from kiosk.widgets.common import Toast
from kiosk.widgets.frame_rate import IdleFrameRate
from kiosk.widgets.look import T as LOOK
from kiosk.widgets.look import prune_dead_bindings
from kiosk.widgets.tr import tr as TR

if TYPE_CHECKING:
    from kiosk.devices.printer.service import PrinterService
    from kiosk.store.engine import Store

log = logging.getLogger(__name__)

#: Every other screen, by name → "module:class". A screen's module (and with it its .kv) is
#: imported and the screen built the first time something asks for it; the few of EARLY_SCREENS
#: are built in idle frames after the attract screen's first frame. Most visits never open the
#: rest, and each costs start-up time and memory.
SCREENS: dict[str, str] = {
    "home": "kiosk.screens.home:HomeScreen",
    "vacancy_list": "kiosk.screens.vacancy_list:VacancyListScreen",
    "vacancy_detail": "kiosk.screens.vacancy_detail:VacancyDetailScreen",
    "shortlist": "kiosk.screens.shortlist:ShortlistScreen",
    "login": "kiosk.screens.login:LoginScreen",
    "queue_services": "kiosk.screens.queue:QueueServicesScreen",
    "queue_ticket": "kiosk.screens.queue:QueueTicketScreen",
    "registration": "kiosk.screens.registration:RegistrationScreen",
    "stations": "kiosk.screens.stations:StationsScreen",
    "admin_login": "kiosk.screens.admin:AdminLoginScreen",
    "admin": "kiosk.screens.admin:AdminScreen",
    "staff_queue": "kiosk.screens.staff_queue:StaffQueueScreen",
    "appointment": "kiosk.screens.appointment:AppointmentScreen",
    "job_fairs": "kiosk.screens.job_fairs:JobFairListScreen",
    "job_fair_detail": "kiosk.screens.job_fairs:JobFairDetailScreen",
    "policy_list": "kiosk.screens.policy:PolicyListScreen",
    "policy_detail": "kiosk.screens.policy:PolicyDetailScreen",
    "home_service": "kiosk.screens.home_service:HomeServiceScreen",
    "consult_topic": "kiosk.screens.consult:ConsultTopicScreen",
    "consult_consent": "kiosk.screens.consult:ConsultConsentScreen",
    "consult_wait": "kiosk.screens.consult_call:ConsultWaitScreen",
    "consult_call": "kiosk.screens.consult_call:ConsultCallScreen",
    "consult_ended": "kiosk.screens.consult_call:ConsultEndedScreen",
    "consult_offer": "kiosk.screens.consult_offer:ConsultOfferScreen",
    "consult_callback": "kiosk.screens.consult_offer:CallbackScreen",
    "interest": "kiosk.screens.interest:InterestScreen",
    "employer": "kiosk.screens.employer:EmployerScreen",
}
#: what a typical visit opens (a job looked at, a card laid, a ticket taken), so the first tap
#: on them does not wait for the screen to be built
EARLY_SCREENS = ("home", "vacancy_list", "vacancy_detail", "login", "queue_services", "queue_ticket")
#: between two early screens: one is built per pass of the loop, so a touch in between is answered
EARLY_SCREEN_GAP_S = 0.05


HELP_IDLE, HELP_WAITING, HELP_COMING = i18n.N_("呼叫\n工作人员"), i18n.N_("已呼叫\n请稍等"), i18n.N_("工作人员\n马上就到")
#: how often an unanswered call for help is looked at (it rings again after kiosk.core.help.RERING_S)
HELP_TICK_S = 10
#: how often the app looks whether the nightly maintenance is due
MAINTENANCE_TICK_S = 300
#: how often the app looks whether a downloaded version may take over
UPDATE_TICK_S = 5
HELP_BANNERS = (N_("已呼叫工作人员，请稍等"), N_("工作人员马上就到"), N_("正在再次呼叫工作人员"))


class KioskApp(App):
    #: masked identity of the logged-in resident ("" when nobody is), shown in every header
    identity_text = StringProperty("")
    #: the header's 呼叫工作人员 button: what it says as the visit's call for help goes on
    help_text = StringProperty(HELP_IDLE)
    #: 长辈模式 for this visit: larger type and targets, higher contrast, more time, the voice on
    elder = BooleanProperty(False)
    #: 语音引导 for this visit (off when the kiosk cannot speak)
    voice_on = BooleanProperty(False)
    #: whether this kiosk can speak at all (no audio device: the voice switches are not shown)
    voice_possible = BooleanProperty(False)
    #: the language of this visit's screens (中/EN); Chinese again when the visit ends
    language = StringProperty(i18n.DEFAULT)

    def __init__(
        self,
        config: KioskConfig,
        store: Store,
        fonts: FontPair,
        animate: bool = True,
        on_first_frame: Callable[[], None] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.store = store
        self.fonts = fonts
        self.animate = animate
        self._on_first_frame = on_first_frame
        self.title = f"津彩e就业 · {config.station.name}"
        self._cipher: OutboxCipher | None = None
        #: everything that runs beside the main thread; ``stop_all`` ends it
        self.parts = RunningParts()
        self.printer: PrinterService | None = None
        self.printer_simulator: Any = None
        self.reader: CardReader | None = None
        self.qr_scanner: Scanner | None = None
        self._device_sections: list[Section] = []

    # --- composition --------------------------------------------------------------------------

    def load_kv(self, filename: str | None = None) -> bool:
        return False  # each screen loads its own .kv

    def build(self):
        cfg = self.kiosk_config
        self.visits = VisitManager(cfg.central.person_key_secret)
        self.background = Background(current_visit=lambda: self.visits.current.id)
        self.parts.add("background worker", self.background.shutdown)
        self.manager = ScreenManager(transition=FadeTransition(duration=0.15) if self.animate else NoTransition())
        self.toast = Toast(pos_hint={"center_x": 0.5, "y": 0.2})  # above every screen's button bar
        self.nav = Navigator(self.manager, toast=self.toast.show, on_change=self.toast.hide, ensure=self.screen)
        self.link = CentralLink(
            cfg, self.store, self.outbox_cipher,
            on_status=lambda text: Clock.schedule_once(lambda _dt: self.screen(IDLE_SCREEN).set_sync_text(text), 0),
            on_call=self.on_call, health=self._device_health,
            on_config=lambda data: self.services.queue.apply_config(data),
        )
        self._build_devices()
        self.link.order_handlers = self._order_handlers
        consult = late_consult(cfg, self.store, self.link.enabled)
        self.services = build_services(
            cfg, self.store, visits=self.visits, background=self.background, nav=self.nav,
            end_visit=self.end_visit, cipher=self.outbox_cipher, on_call=self.on_call, clock_offset_s=self.link.clock_offset_s,
            appointment_book=self._appointment_book,
            printer=self.printer, consult=consult,
        )
        if consult is not None:
            self.parts.add("video consultation", consult.stop)
        self.guide = self.services.guide = Guide(self.speaker)
        self.check_voice()
        self.link.load_stored_config()
        self.services.diagnostics.add(self.link.section())
        self.services.diagnostics.add(voice_section(self.guide))
        for section in self._device_sections:
            self.services.diagnostics.add(section)
        self.manager.add_widget(AttractScreen(name=IDLE_SCREEN, services=self.services))
        self.manager.current = IDLE_SCREEN
        self.visits.on_end(self._reset_screens)
        self.visits.on_end(self._end_modes)
        self.manager.bind(current=lambda *_a: Clock.schedule_once(lambda _dt: self.guide_screen(), 0))
        self.visits.on_identity(lambda who: setattr(self, "identity_text", who.display if who else ""))
        self.idle = IdleGuard(
            IdleWatcher(cfg.idle.timeout_s, cfg.idle.countdown_s),
            is_idle_screen=lambda: self.manager.current == IDLE_SCREEN,
            end_visit=self.end_visit,
            is_busy=lambda: self.manager.current_screen.busy(),
            on_countdown=lambda seconds, first: self.guide.countdown(seconds, first),
        )
        self.parts.add("idle guard", self.idle.stop)
        self.parts.add("idle frame rate", IdleFrameRate(self.manager, IDLE_SCREEN).stop)
        Window.bind(on_request_close=self._refuse_close)
        Window.clearcolor = (1, 1, 1, 1)
        self.banner = CallBanner(pos_hint={"x": 0, "top": 1})
        self.speaker.start()
        self.parts.add("speaker", self.speaker.stop)
        root = FloatLayout()
        root.add_widget(self.manager)
        root.add_widget(self.toast)
        root.add_widget(self.banner)
        Window.bind(on_flip=self._first_flip)
        return root

    def _build_devices(self) -> None:
        """Every device the config names, built (not started) by its kind's backend registry.
        A device the config names wrongly is left out; the staff screen says why."""
        from kiosk.core.printer_records import PrintJournal, printer_section

        cfg = self.kiosk_config
        devices = cfg.devices
        ui = Clock.schedule_once
        self.speaker = (self._device(speaker_setup.TITLE, lambda: build_speaker(devices.speaker))
                        or build_speaker(DeviceConfig(backend="none")))
        self.reader = self._device(idcard_setup.TITLE, lambda: build_card_reader(
            devices.idcard,
            on_card=lambda card, _photo: self._card_laid(card),
            on_refused=lambda msg: ui(lambda _dt: self.toast.show(msg), 0)))
        printer = self._device(printer_setup.TITLE, lambda: printer_setup.build_printer(
            devices.printer, self.store, cfg.data_path / "printed"))
        self.printer, self.printer_simulator = printer or (None, None)
        classifier = ScanClassifier.from_config(cfg)

        def on_scan(code: str) -> None:  # on the scanner thread: classify there, act on the main thread
            result = classifier.classify(code)
            ui(lambda _dt: self._scanned(result), 0)

        self.qr_scanner = self._device(scanner_setup.TITLE, lambda: build_scanner(
            devices.scanner, on_scan=on_scan, on_refused=lambda msg: ui(lambda _dt: self.toast.show(msg), 0),
            kind_of=lambda code: classifier.classify(code).kind.value))
        if self.reader is not None:
            self._device_sections.append(self.reader.section())
        if self.printer is not None:
            self.printer.listeners.append(PrintJournal(self.store))
            self._device_sections.append(printer_section(self.printer, cfg.station))
        if self.qr_scanner is not None:
            self._device_sections.append(self.qr_scanner.section())
            self.visits.on_end(self.qr_scanner.service.forget_last)

    def _device(self, title: str, build: Callable[[], Any]) -> Any:
        try:
            return build()
        except ValueError as e:  # a wrong backend, port or profile: the kiosk runs on, staff see why
            log.error("%s not started: %s", title, e)
            self._device_sections.append(config_error_section(title, e))
            return None

    def on_start(self) -> None:
        if self.reader is not None:
            self.reader.start()
            self.parts.add("ID card reader", self.reader.stop)
        if self.printer is not None:
            if self.printer_simulator is not None:
                self.parts.add("virtual printer", self.printer_simulator.close)
            self.printer.start()
            self.parts.add("printer", self.printer.stop)
        if self.qr_scanner is not None:
            self.qr_scanner.start()
            self.parts.add("QR scanner", self.qr_scanner.stop)
        Clock.schedule_interval(self._help_tick, HELP_TICK_S)
        self._maintaining = False
        Clock.schedule_interval(self._maintenance_tick, MAINTENANCE_TICK_S)

    def _start_link(self, _dt: float = 0) -> None:
        """After the first frame: the sync worker and the protocol's models are not on its way.
        A new version on trial learns here that the attract screen came up."""
        self.link.start()
        self.parts.add("link to central", self.link.stop)
        if self.link.updater is not None:
            self.link.updater.attract_shown()
            Clock.schedule_interval(self._update_tick, UPDATE_TICK_S)

    def stop_all(self) -> list[str]:
        """Stop every device, thread and service, last started first; idempotent."""
        return self.parts.stop_all()

    def on_stop(self) -> None:
        systemd.notify("STOPPING=1")
        self.stop_all()

    def _tell_service_manager(self) -> None:
        """Ready once the attract screen is on the glass; then the watchdog's heartbeat, from this
        loop, so a hung screen stops it (kiosk.systemd). The version is looked up on the worker:
        from a checkout, importlib.metadata reads every installed package's metadata first."""
        systemd.notify("READY=1\nSTATUS=attract screen shown")
        self.background.submit(lambda: systemd.notify(f"STATUS=attract screen shown, version {version()}"))
        interval = systemd.watchdog_interval()
        if interval:
            Clock.schedule_interval(lambda _dt: systemd.notify("WATCHDOG=1"), interval)

    # --- the devices' inputs, routed by kiosk.input_routing --------------------------------------

    @property
    def card_reader(self):
        """The reader's service (None: no reader)."""
        return self.reader.service if self.reader is not None else None

    @property
    def card_simulator(self):
        """The simulated reader (demo only)."""
        return self.reader.simulator if self.reader is not None else None

    @property
    def scanner(self):
        """The scanner's service (None: no scanner)."""
        return self.qr_scanner.service if self.qr_scanner is not None else None

    @property
    def scanner_simulator(self):
        """The simulated scanner (demo only)."""
        return self.qr_scanner.simulator if self.qr_scanner is not None else None

    def _card_laid(self, card) -> None:
        resident = resident_from_card(card)
        Clock.schedule_once(lambda _dt: self._apply(route_card(self.manager.current, resident)), 0)

    def _scanned(self, result: ScanResult) -> None:
        """A code was scanned (on the main thread): a scan counts as activity, then it is routed."""
        self.idle.watcher.poke()
        self._apply(route_scan(self.manager.current, result))

    def _apply(self, route: Route) -> None:
        """Carry out a routed card or scan, on the main thread."""
        if route.to_login is not None:
            self.screen(LOGIN_SCREEN).accept(route.to_login)
            return
        if route.log_in is not None:
            self.visits.set_identity(route.log_in)
        if route.start_visit:
            self.nav.go("home", clear_history=True)
        if route.open:
            self.nav.go(route.open, **route.params)
        if route.ticket:
            from kiosk.core.queue import ticket_message

            today = self.services.queue.now().date()
            self.background.submit(ticket_message, self.store, route.ticket, today, on_done=self.toast.show)
        if route.check_in:
            self.background.submit(self.services.appointments.check_in, route.check_in, on_done=self._checked_in,
                                   on_error=self._check_in_failed)
        if route.toast:
            self.toast.show(i18n._(route.toast))

    def _checked_in(self, outcome) -> None:  # noqa: ANN001 - appointments.CheckedIn
        """A scanned appointment was checked in at central: its priority ticket, or why there is none."""
        if outcome.ticket is not None:
            if self.manager.current == IDLE_SCREEN:
                self.nav.go("home", clear_history=True)
            self.nav.go("queue_ticket", ticket=outcome.ticket)
        self.toast.show(outcome.message)

    def _check_in_failed(self, e: BaseException) -> None:
        from kiosk.domain.bookings import BookingRefused

        if isinstance(e, BookingRefused):
            self.toast.show(str(e))
        else:
            log.warning("appointment check-in failed: %s", type(e).__name__)
            self.toast.show(i18n._("现在连不上预约系统，无法签到。请取号，或向工作人员出示预约号"))

    def demo_lay_card(self) -> None:
        """Developer control of the demo: lay a generated card on the simulated reader."""
        if self.reader is not None:
            self.reader.lay_demo_card()

    def demo_scan_essc(self) -> None:
        """Developer control of the demo: scan a generated e-social-security-card code."""
        if self.qr_scanner is not None:
            self.qr_scanner.scan_demo_essc()

    # --- after the first frame ------------------------------------------------------------------

    def _install_consult(self, _dt: float = 0) -> None:
        """After the first frame: the consultation's HTTP client and service. aiortc and PyAV,
        and the camera and microphone, wait for a resident who opens the consultation's topics
        (``ConsultTopicScreen``): loaded, they hold about 35 MB that most days never use."""
        consult = self.services.consult
        if consult is not None and hasattr(consult, "install"):
            consult.install()

    def _appointment_book(self):  # noqa: ANN202
        """Where bookings go: central, through the link's signed client; the demo's in-memory
        stand-in when the demo runs without central; None (cannot book) otherwise."""
        worker = getattr(self.link, "worker", None)
        if worker is not None:
            from kiosk.sync.appointments import CentralAppointments

            current = getattr(self, "_central_appointments", None)
            if current is None or current.client is not worker.client:
                current = self._central_appointments = CentralAppointments(worker.client)
            return current
        if self.kiosk_config.demo.enabled and not self.link.enabled:
            if getattr(self, "_demo_appointments", None) is None:
                from kiosk.core.appointment_demo import DemoAppointments

                self._demo_appointments = DemoAppointments(self.services.queue)
            return self._demo_appointments
        return None

    def _device_health(self) -> dict:
        """Device states for the heartbeat (no personal data)."""
        devices = {}
        if self.reader is not None:
            devices["idcard"] = self.reader.health()
        if self.printer is not None:
            devices["printer"] = {"state": str(self.printer.state)[:20], "detail": ""}
        if self.qr_scanner is not None:
            devices["scanner"] = self.qr_scanner.health()
        health: dict = {"devices": devices, **self._machine_health()}
        if self.printer is not None:
            health["print_failures"] = self.printer.failed
        return health

    def _machine_health(self) -> dict:
        """Database size, free disk and memory, for the fleet page."""
        import shutil

        import psutil

        data = self.kiosk_config.data_path
        db = self.kiosk_config.database_path
        return {"db_size_mb": round(db.stat().st_size / 2**20, 1) if db.exists() else 0,
                "disk_free_mb": round(shutil.disk_usage(data).free / 2**20, 1),
                "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1)}

    def outbox_cipher(self) -> OutboxCipher:
        """The key of personal outbox payloads, loaded on first use (on a worker thread)."""
        if self._cipher is None:
            self._cipher = OutboxCipher.for_config(self.kiosk_config)
        return self._cipher

    def on_call(self, call: Call) -> None:
        """A ticket was called (from any thread): banner on every screen, chime and voice."""
        Clock.schedule_once(lambda _dt: self._show_call(call), 0)

    def _show_call(self, call: Call) -> None:
        if call.kind == "help":
            self._help_answered(call)
            return
        if not self.services.calls.add(call):
            return
        self.banner.show(call.banner_text, call.service_name)
        self.screen("attract").show_calls(self.services.calls.items())
        self.speaker.say(announcement_text(call))

    def call_for_help(self, where: str = "") -> None:
        """呼叫工作人员 from the screen the resident is on: the words and a chime here at once (a
        person will come even if central is unreachable); the event for central's console is
        written on the background worker."""
        screen = self.manager.current_screen
        title = getattr(getattr(screen, "ids", {}).get("header"), "title", "") if screen is not None else ""
        self.banner.show(i18n._(HELP_BANNERS[0]), i18n._("请留在终端前，工作人员会来帮您"))
        self.speaker.say("已呼叫工作人员，请稍等")
        self.help_text = HELP_WAITING
        self.background.submit(self.services.help.call, where or title or (screen.name if screen is not None else ""))

    def _order_handlers(self) -> dict:
        """What this kiosk does for city IT's remote commands (kiosk.remote)."""
        from kiosk import remote
        from kiosk.logsetup import RECENT

        cfg = self.kiosk_config
        printer = self.printer
        return {"set_config": remote.set_config(cfg), "upload_logs": remote.upload_logs(RECENT.last),
                "restart": remote.restart(lambda: Clock.schedule_once(lambda _dt: self.stop(), 0)),
                "test_print": remote.test_print((lambda: printer.test_print(cfg.station)) if printer else None),
                "reboot": remote.reboot(self.store, cfg.maintenance.window)}

    def _maintenance_tick(self, _dt: float) -> None:
        """The nightly maintenance, between visits only (kiosk.core.maintenance)."""
        desk, window = self.services.maintenance, self.kiosk_config.maintenance.window
        if desk is None or not window or self._maintaining or self.manager.current != IDLE_SCREEN:
            return
        self._maintaining = True

        def finished(*_a) -> None:
            self._maintaining = False

        now = self.services.queue.now()

        def night() -> None:
            desk.run_if_due(now, window)
            desk.reboot_if_due(now, window, self.kiosk_config.maintenance.reboot_command)

        self.background.submit(night, on_done=finished,
                               on_error=lambda e: (log.error("nightly maintenance failed: %s", e), finished()))

    def _update_tick(self, _dt: float) -> None:
        """A version installed in the background takes over between visits (kiosk.sync.updates):
        the app stops, and the launcher starts the new version on trial."""
        from kiosk.core.maintenance import in_window

        updater = self.link.updater
        if not updater.ready():
            return
        quiet = self.manager.current == IDLE_SCREEN and not self._maintaining
        night = in_window(self.services.queue.now(), self.kiosk_config.maintenance.window)
        if updater.switch_if_quiet(quiet, night):
            self.stop()

    def _help_tick(self, _dt: float) -> None:
        """Ring again for a call nobody answered; tell staff on the attract screen."""
        for call in self.services.help.due():
            self.speaker.say("有居民在自助终端呼叫工作人员，请工作人员过来")
            if call is self.services.help.current:
                self.banner.show(i18n._("正在再次呼叫工作人员"), i18n._("请留在终端前，工作人员会来帮您"))
        waiting = self.services.help.waiting_long()
        self.screen(IDLE_SCREEN).staff_alert = f"有 {len(waiting)} 次呼叫工作人员未应答" if waiting else ""

    def _help_answered(self, call: Call) -> None:
        if self.services.help.answered(call.help_id):
            self.banner.show(i18n._("工作人员马上就到"),
                             i18n._("{counter} 号窗口的工作人员正在过来").format(counter=call.counter)
                             if call.counter != "-" else "")
            self.speaker.say("工作人员马上就到")
            self.help_text = HELP_COMING

    # --- 长辈模式 and 语音引导 ------------------------------------------------------------------

    def set_elder(self, on: bool) -> None:
        """长辈模式 on or off. Type, targets and colours change in place (what was typed stays),
        the idle time grows, and the voice comes on with it where the kiosk can speak."""
        on = bool(on)
        idle = self.kiosk_config.idle
        prune_dead_bindings(self, ["elder", "voice_on", "voice_possible"])
        LOOK.switch(on)
        self.elder = on
        if on:
            self.idle.set_times(idle.elder_timeout_s, idle.elder_countdown_s)
        else:
            self.idle.set_times(idle.timeout_s, idle.countdown_s)
        self.set_voice(on, tell=False)

    def check_voice(self) -> bool:
        """Whether the kiosk can speak; without, the voice switches are not offered."""
        why = self.guide.why_not()
        if why:
            log.warning("语音引导 is off: %s", why)
        self.voice_possible = not why
        return self.voice_possible

    def set_voice(self, on: bool, tell: bool = True) -> None:
        """语音引导 on or off; asked for where the kiosk cannot speak, the resident is told."""
        prune_dead_bindings(self, ["voice_on"])
        self.voice_on = self.guide.set_on(on)
        if on and not self.voice_on and tell:
            self.toast.show(i18n._("这台终端现在不能播放声音，请看屏幕上的文字；需要帮助请点“呼叫工作人员”"))
        if self.voice_on:
            self.guide_screen()

    def guide_screen(self) -> None:
        """Say the current screen's line (kept for 再听一遍 even while the voice is off)."""
        screen = self.manager.current_screen
        if isinstance(screen, KioskScreen):
            self.guide.say(screen.guidance())

    def repeat_guidance(self) -> None:
        self.guide.repeat()

    def set_language(self, lang: str) -> None:
        """中/EN: every text on every screen changes in place; what was typed stays."""
        TR.switch(lang)
        self.language = i18n.language()
        if self.voice_on:
            self.guide_screen()  # the screen again, in the language (and the voice) just chosen

    def _end_modes(self) -> None:
        if self.elder:
            self.set_elder(False)
        if self.language != i18n.DEFAULT:
            self.set_language(i18n.DEFAULT)
        self.guide.forget()
        self.voice_on = False

    def screen(self, name: str) -> KioskScreen:
        """The screen ``name``, built the first time it is asked for. It comes up in the visit's
        language and mode: its kv reads them from ``tr`` and ``T`` as it is applied."""
        if not self.manager.has_screen(name) and name in SCREENS:
            import importlib

            module, cls = SCREENS[name].split(":")
            screen_cls = getattr(importlib.import_module(module), cls)
            self.manager.add_widget(screen_cls(name=name, services=self.services))
        return self.manager.get_screen(name)

    def _build_early_screens(self, names: list[str]) -> None:
        """Build ``names`` one per pass of the loop, EARLY_SCREEN_GAP_S apart."""
        while names and self.manager.has_screen(names[0]):
            names.pop(0)
        if names:
            self.screen(names.pop(0))
            Clock.schedule_once(lambda _dt: self._build_early_screens(names), EARLY_SCREEN_GAP_S)

    def end_visit(self) -> None:
        """Forget everything about the current visit and show the attract screen."""
        log.info("visit ended; returning to the attract screen")
        self.visits.end()
        self.help_text = HELP_IDLE
        if self.banner.text in HELP_BANNERS or self.banner.text in {i18n._(t) for t in HELP_BANNERS}:  # the call for help was this visit's; a ticket call stays
            self.banner.hide()
        self.nav.reset_to(IDLE_SCREEN)
        self.background.submit(heap.give_back)

    def _reset_screens(self) -> None:
        from kivy.uix.modalview import ModalView

        # an open dialog (a consent, the filter panel) belongs to the visit: a tap on it after
        # the visit ended would act for nobody, or show the last resident's choices
        for w in list(Window.children):
            if isinstance(w, ModalView):
                w.dismiss(animation=False)
        for screen in self.manager.screens:
            screen.reset()

    def _refuse_close(self, *_args, source: str | None = None, **_kw) -> bool:
        """Esc, Alt+F4 and a keyboard-wedge scanner sending Esc must not close a kiosk."""
        log.info("window close requested (%s) and refused", source)
        return True

    def _first_flip(self, *_args) -> None:
        """Once the attract screen is on the glass: the link to central, the desks not made yet,
        the early screens and the consultation, each in a pass of the loop of its own."""
        if self.manager.current == IDLE_SCREEN and self.manager.current_screen.ids.brand.texture is not None:
            Window.unbind(on_flip=self._first_flip)
            self._tell_service_manager()
            self.manager.current_screen.on_glass()
            # the search index may need its distances measured (after install or a station move)
            Clock.schedule_once(lambda _dt: self.background.submit(self.services.vacancies.prepare), 1.0)
            Clock.schedule_once(self._start_link, 0)
            # the desks' imports on the worker, not in a frame of the attract screen
            Clock.schedule_once(lambda _dt: self.background.submit(self.services.build_desks), EARLY_SCREEN_GAP_S)
            Clock.schedule_once(lambda _dt: self._build_early_screens(list(EARLY_SCREENS)), 0.1)
            Clock.schedule_once(self._install_consult, 0.1)
            cb, self._on_first_frame = self._on_first_frame, None
            if cb:
                cb()
