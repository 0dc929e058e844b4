"""Composition root: builds the services and the screens, and wires them together.

This module and ``kiosk/commands/run.py`` are the only places that know about every layer.
Import it only after ``kiosk.bootstrap.bootstrap`` has run (Kivy reads its settings on import).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import StringProperty
from kivy.core.window import Window
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import FadeTransition, NoTransition, ScreenManager

from kiosk.background import Background
from kiosk.config import KioskConfig
from kiosk.core.calls import Call, RecentCalls, announcement_text
from kiosk.central_link import CentralLink
from kiosk.core.appointments import AppointmentDesk
from kiosk.core.callback import CallbackDesk
from kiosk.core.counter import CounterDesk
from kiosk.core.printing import PrintDesk
from kiosk.core.diagnostics import Diagnostics, Section, StatusRow, store_section
from kiosk.core.feedback import FeedbackBox
from kiosk.core.home_services import HomeServiceDesk
from kiosk.core.interest import InterestDesk
from kiosk.core.queue import QueueBook
from kiosk.core.registration import RegistrationDesk
from kiosk.core.stations import StationService
from kiosk.core.catalogue import Catalogue
from kiosk.core.jobfairs import JobFairService
from kiosk.core.session import VisitManager
from kiosk.core.search import Station
from kiosk.core.vacancies import VacancyService
from kiosk.fonts import FontPair
from kiosk.idle import IdleWatcher
from kiosk.screens.attract import AttractScreen
from kiosk.screens.base import KioskScreen
from kiosk.screens.idle_guard import IdleGuard
from kiosk.screens.navigator import Navigator
from kiosk.services import Services
from kiosk.store.outbox import OutboxCipher, add_event
from kiosk.devices.speaker import Speaker
from kiosk.widgets.call_banner import CallBanner
from kiosk.widgets.common import Toast

if TYPE_CHECKING:
    from kiosk.store.engine import Store

log = logging.getLogger(__name__)

IDLE_SCREEN = "attract"
#: Every other screen, by name → "module:class". They are imported and built right after the
#: attract screen's first frame (or at once when something asks for one), so the kiosk shows
#: its face without waiting for screens nobody has touched yet.
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
}


class KioskApp(App):
    #: masked identity of the logged-in resident ("" when nobody is), shown in every header
    identity_text = StringProperty("")

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

    def _start_card_reader(self) -> None:
        """The ID card reader (the simulator in the demo) on its own thread; cards log the resident in."""
        dev = self.kiosk_config.devices.idcard
        self.card_simulator = None
        self.card_reader = None
        if dev.backend == "simulated":
            from kiosk.devices.sim.sam_reader import SamReaderSimulator

            self.card_simulator = SamReaderSimulator()
            port = self.card_simulator.port
        elif dev.backend == "serial" and dev.port:
            port = dev.port
        else:
            return
        from kiosk.devices.idcard.reader import IdCardReader
        from kiosk.devices.idcard.service import CardReaderService

        self.card_reader = CardReaderService(
            lambda: IdCardReader(port, dev.baudrate),
            on_card=lambda who, _photo: Clock.schedule_once(lambda _dt: self._card_read(who), 0),
            on_refused=lambda msg: Clock.schedule_once(lambda _dt: self.toast.show(msg), 0),
        )
        self.card_reader.start()
        self.services.diagnostics.add(Section("身份证读卡器", lambda: [
            StatusRow("状态", {"ok": "正常", "offline": "无响应，正在重连"}.get(self.card_reader.state, "启动中"),
                      self.card_reader.state == "ok"),
            StatusRow("本次开机读卡次数", str(self.card_reader.reads)),
            StatusRow("最近错误", self.card_reader.last_error or "无"),
        ], {"测试读卡": self._test_read}))

    def _test_read(self) -> str:
        """Staff test (on a worker thread): the next card is described here (masked), nobody logs in."""
        from kiosk.devices.idcard.text_block import Identity
        from kiosk.devices.sim.cards import demo_card

        sim = self.card_simulator

        def lay() -> None:
            sim.remove_card()
            sim.lay_card(demo_card())

        got = self.card_reader.capture_next(timeout_s=15, then=lay if sim else None)
        if got is None:
            return "15 秒内没有读到证件。请把身份证平放在读卡区，并检查读卡器连接"
        if isinstance(got, Identity):
            return f"读卡器正常：{got.card_type_name} {got.masked_id_number}"
        return f"读卡器有响应，但证件被拒：{got}"

    def _start_printer(self) -> None:
        """The receipt printer (in the demo a virtual one, its receipts drawn as PNG into the data
        directory); jobs go through ``services.printer.print_receipt`` on the background worker."""
        from kiosk.devices.printer.service import printer_section
        from kiosk.devices.printer.setup import build_printer

        self.printer = self.printer_simulator = None
        try:
            self.printer, self.printer_simulator = build_printer(
                self.kiosk_config.devices.printer, self.store, self.kiosk_config.data_path / "printed")
        except ValueError as e:  # a wrong profile, backend or port: the kiosk runs on, staff see why
            log.error("receipt printer not started: %s", e)
            self.services.diagnostics.add(Section("打印机", lambda: [StatusRow("配置错误", str(e), False)]))
            return
        if self.printer is None:
            return
        self.services.printer = self.printer
        self.printer.start()
        self.services.diagnostics.add(printer_section(self.printer, self.kiosk_config.station))

    def _card_read(self, who) -> None:
        """A card was laid on the reader: it logs the resident in, wherever they are."""
        from kiosk.core.identity import Resident

        if self.manager.current == IDLE_SCREEN:
            return  # nobody is using the kiosk: a card left from before is ignored
        resident = Resident(who.id_number, who.birth_date, name=who.name, source="card")
        if self.manager.current == "login":
            self.screen("login").accept(resident)
        else:
            self.visits.set_identity(resident)
            self.toast.show("已读取身份证")

    def demo_lay_card(self) -> None:
        """Developer control of the demo: lay a generated card on the simulated reader."""
        from kiosk.devices.sim.cards import demo_card

        if self.card_simulator is not None:
            self.card_simulator.remove_card()
            self.card_simulator.lay_card(demo_card())

    def _start_scanner(self) -> None:
        """The QR scanner (the simulator in the demo) on its own thread: e-SSC codes log in, tickets show their place."""
        from kiosk.core.scans import ScanClassifier

        dev = self.kiosk_config.devices.scanner
        self.scanner_simulator = None
        self.scanner = None
        if dev.backend == "simulated":
            from kiosk.devices.sim.scanner import ScannerSimulator

            self.scanner_simulator = ScannerSimulator()
            dev = replace(dev, backend="serial", port=self.scanner_simulator.port)
        if dev.backend == "serial" and dev.port:
            from kiosk.devices.scanner.serial import SerialScanner

            def open_scanner():
                return SerialScanner(dev.port, dev.baudrate)
        elif dev.backend == "evdev":
            from kiosk.devices.scanner.evdev_wedge import EvdevWedgeScanner

            def open_scanner():
                return EvdevWedgeScanner(dev.port, grab=bool(dev.options.get("grab", True)))
        else:
            return
        from kiosk.devices.scanner.service import ScannerService

        classifier = ScanClassifier.from_config(self.kiosk_config)

        def on_scan(code: str) -> None:  # on the scanner thread: classify there, act on the main thread
            result = classifier.classify(code)
            Clock.schedule_once(lambda _dt: self._scanned(result), 0)

        self.scanner = ScannerService(
            open_scanner, on_scan=on_scan,
            on_refused=lambda msg: Clock.schedule_once(lambda _dt: self.toast.show(msg), 0),
        )
        self.scanner.start()
        self.visits.on_end(self.scanner.forget_last)
        actions = {"测试扫码": self._test_scan}
        self.services.diagnostics.add(Section("扫码器", lambda: [
            StatusRow("状态", {"ok": "正常", "offline": "无响应，正在重连"}.get(self.scanner.state, "启动中"),
                      self.scanner.state == "ok"),
            StatusRow("本次开机扫码次数", str(self.scanner.scans)),
            StatusRow("重复扫码（已忽略）", str(self.scanner.duplicates)),
            StatusRow("无效扫码", str(self.scanner.bad_scans)),
            StatusRow("最近错误", self.scanner.last_error or "无"),
        ], actions))

    def _test_scan(self) -> str:
        """Staff test (runs on a worker thread): the next scan is shown here, not used to log in."""
        from kiosk.core.scans import TEST_CODE, ScanClassifier

        sim = self.scanner_simulator
        code = self.scanner.capture_next(timeout_s=15, then=(lambda: sim.scan(TEST_CODE)) if sim else None)
        if code is None:
            return "15 秒内没有收到扫码。请检查扫码器连接、波特率和结束符（CR/LF）设置"
        kind = ScanClassifier.from_config(self.kiosk_config).classify(code).kind
        names = {"essc": "电子社保卡码", "ticket": "排队小票码", "job": "岗位码", "request": "上门·代办申请码",
                 "test": "测试码", "unknown": "未知码"}
        return f"扫码器正常：收到{names[kind.value]}（{len(code)} 个字符）"

    def _scanned(self, result) -> None:
        """A code was scanned (on the main thread): what happens depends on what it is."""
        from kiosk.core.scans import ScanKind, ticket_message

        self.idle.watcher.poke()
        if result.kind is ScanKind.TEST:
            self.toast.show("扫码器工作正常")
        elif not result.accepted:
            log.info("scanned code refused: %s", result.detail)
            self.toast.show(result.message)
        elif result.kind is ScanKind.ESSC:
            if self.manager.current == "login":
                self.screen("login").accept(result.resident)
                return
            self.visits.set_identity(result.resident)
            if self.manager.current == IDLE_SCREEN:
                self.nav.go("home", clear_history=True)
            self.toast.show("已读取电子社保卡")
        elif result.kind is ScanKind.TICKET:
            today = self.services.queue.now().date()
            self.background.submit(ticket_message, self.store, result.ref, today, on_done=self.toast.show)
        elif result.kind is ScanKind.JOB:
            if self.manager.current == IDLE_SCREEN:
                self.nav.go("home", clear_history=True)
            self.nav.go("vacancy_detail", vacancy_id=result.ref)
        elif result.kind is ScanKind.REQUEST:
            if self.manager.current == IDLE_SCREEN:
                self.nav.go("home", clear_history=True)
            self.nav.go("home_service", reference=result.ref)

    def demo_scan_essc(self) -> None:
        """Developer control of the demo: scan a generated e-social-security-card code."""
        from kiosk.devices.sim.scanner import demo_essc_code

        if self.scanner_simulator is not None:
            self.scanner_simulator.scan(demo_essc_code())

    def on_start(self) -> None:
        self._start_card_reader()
        self._start_printer()
        self.link.start()
        self._start_scanner()
        # the search index may need its distances measured (after install or a station move)
        Clock.schedule_once(lambda _dt: self.background.submit(self.services.vacancies.prepare), 1.0)

    def load_kv(self, filename: str | None = None) -> bool:
        return False  # each screen loads its own .kv

    def build(self):
        cfg = self.kiosk_config
        origin = Station.from_config(cfg.station)
        self.visits = VisitManager()
        self.background = Background(current_visit=lambda: self.visits.current.id)
        self.manager = ScreenManager(transition=FadeTransition(duration=0.15) if self.animate else NoTransition())
        self.toast = Toast(pos_hint={"center_x": 0.5, "y": 0.2})  # above every screen's button bar
        self.nav = Navigator(self.manager, toast=self.toast.show, on_change=self.toast.hide,
                             ensure=self.ensure_screens)
        self.services = Services(
            config=cfg,
            store=self.store,
            vacancies=VacancyService(self.store, origin),
            visits=self.visits,
            background=self.background,
            nav=self.nav,
            diagnostics=Diagnostics(),
            end_visit=self.end_visit,
            calls=RecentCalls(),
            queue=QueueBook(self.store, emit=lambda s, t, p: add_event(s, t, p)),
            stations=StationService(self.store, origin, cfg.station.id),
            registration=RegistrationDesk(self.store, self.outbox_cipher, cfg.station.id),
            feedback=FeedbackBox(self.store, cfg.station.id),
            interest=InterestDesk(self.store, self.outbox_cipher, cfg.station.id),
        )
        self.services.diagnostics.add(store_section(self.store, cfg))
        self.services.printing = PrintDesk(self.store, cfg, lambda: self.services.printer)
        self.services.counter = CounterDesk(self.services.queue, add_event, self.on_call, cipher=self.outbox_cipher)
        self.services.appointments = AppointmentDesk(self.store, self.services.queue, self.outbox_cipher, cfg.station.id)
        # fair times are Tianjin wall-clock times: the queue's corrected station clock, without the zone
        self.services.job_fairs = JobFairService(self.store, origin,
                                                 lambda: self.services.queue.now().replace(tzinfo=None))
        self.services.catalogue = Catalogue(self.store)
        self.services.home_services = HomeServiceDesk(self.store, self.outbox_cipher, cfg.station.id, cfg.station.district,
                                                      cfg.station.street, lambda: self.services.queue.now())
        self.services.callbacks = CallbackDesk(self.store, self.outbox_cipher, cfg.station.id)
        self.visits.on_end(self.services.callbacks.forget)
        self.link = CentralLink(
            cfg, self.store, self.outbox_cipher,
            on_status=lambda text: Clock.schedule_once(lambda _dt: self.screen(IDLE_SCREEN).set_sync_text(text), 0),
            on_call=self.on_call, health=self._device_health, on_config=self.services.queue.apply_config,
        )
        self.link.load_stored_config()
        self.services.diagnostics.add(self.link.section())
        self.manager.add_widget(AttractScreen(name=IDLE_SCREEN, services=self.services))
        self.manager.current = IDLE_SCREEN
        self.visits.on_end(self._reset_screens)
        self.visits.on_identity(lambda who: setattr(self, "identity_text", who.display if who else ""))
        self.idle = IdleGuard(
            IdleWatcher(cfg.idle.timeout_s, cfg.idle.countdown_s),
            is_idle_screen=lambda: self.manager.current == IDLE_SCREEN,
            end_visit=self.end_visit,
            is_busy=lambda: self.manager.current_screen.busy(),
        )
        Window.bind(on_request_close=self._refuse_close)
        Window.clearcolor = (1, 1, 1, 1)
        self.banner = CallBanner(pos_hint={"x": 0, "top": 1})
        self.speaker = Speaker(**self._speaker_options())
        self.speaker.start()
        root = FloatLayout()
        root.add_widget(self.manager)
        root.add_widget(self.toast)
        root.add_widget(self.banner)
        Window.bind(on_flip=self._first_flip)
        return root

    def _install_consult(self, _dt: float = 0) -> None:
        """After the first frame: the consultation's HTTP client and service; aiortc itself loads
        on the video thread a few seconds later still."""
        consult = self.services.consult = self._build_consult()
        if consult is not None:
            Clock.schedule_once(lambda _dt: consult.warm_up(), 5.0)

    def _build_consult(self):  # noqa: ANN202
        """The video consultation (None when ``[video] enabled = false``). With central not
        configured it still answers, always 'unreachable', so the screens offer the alternatives."""
        cfg = self.kiosk_config
        if not cfg.video.enabled:
            return None
        try:
            from kiosk.sync.client import CentralClient
            from kiosk.video.service import ConsultService
        except ImportError as e:  # aiortc/av missing: the kiosk runs on without video
            log.error("video consultation disabled: %s (pip install the [video] extra)", e)
            return None
        client = None
        if self.link.enabled:
            c = cfg.central
            client = CentralClient(c.url, c.kiosk_id, c.secret, connect_timeout_s=c.connect_timeout_s,
                                   read_timeout_s=c.read_timeout_s)
        consult = ConsultService(cfg.video, client, self.store, cfg.station.id)
        self.visits.on_end(consult.end_all)  # logout and the idle wipe end any call or place in line
        return consult

    def _device_health(self) -> dict:
        """Device states for the heartbeat (no personal data)."""
        devices = {}
        reader = getattr(self, "card_reader", None)
        if reader is not None:
            devices["idcard"] = {"state": reader.state, "detail": reader.last_error[:200]}
        printer = getattr(self, "printer", None)
        if printer is not None:
            devices["printer"] = {"state": str(printer.state)[:20], "detail": ""}
        scanner = getattr(self, "scanner", None)
        if scanner is not None:
            devices["scanner"] = {"state": str(scanner.state)[:20], "detail": ""}
        health: dict = {"devices": devices}
        if printer is not None:
            health["print_failures"] = printer.failed
        return health

    def outbox_cipher(self) -> OutboxCipher:
        """The key of personal outbox payloads, loaded on first use (on a worker thread)."""
        if self._cipher is None:
            self._cipher = OutboxCipher.from_data_dir(self.kiosk_config.data_path)
        return self._cipher

    def _speaker_options(self) -> dict:
        opts = self.kiosk_config.devices.speaker.options
        return {"voice": opts.get("voice", "cmn"), "player": opts.get("player", "aplay")}

    def on_call(self, call: Call) -> None:
        """A ticket was called (from any thread): banner on every screen, chime and voice."""
        Clock.schedule_once(lambda _dt: self._show_call(call), 0)

    def _show_call(self, call: Call) -> None:
        if not self.services.calls.add(call):
            return
        self.banner.show(call.banner_text, call.service_name)
        self.screen("attract").show_calls(self.services.calls.items())
        self.speaker.say(announcement_text(call))

    def ensure_screens(self, *_args) -> None:
        """Import and build the screens not built yet (once)."""
        import importlib

        for name, target in SCREENS.items():
            if not self.manager.has_screen(name):
                module, cls = target.split(":")
                screen_cls = getattr(importlib.import_module(module), cls)
                self.manager.add_widget(screen_cls(name=name, services=self.services))

    def screen(self, name: str) -> KioskScreen:
        if not self.manager.has_screen(name):
            self.ensure_screens()
        return self.manager.get_screen(name)

    def end_visit(self) -> None:
        """Forget everything about the current visit and show the attract screen."""
        log.info("visit ended; returning to the attract screen")
        self.visits.end()
        self.nav.reset_to(IDLE_SCREEN)

    def _reset_screens(self) -> None:
        from kivy.core.window import Window
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
        """Once the attract screen is on the glass, build the other screens."""
        if self.manager.current == IDLE_SCREEN and self.manager.current_screen.ids.brand.texture is not None:
            Window.unbind(on_flip=self._first_flip)
            Clock.schedule_once(self.ensure_screens, 0.1)
            Clock.schedule_once(self._install_consult, 0.1)
            cb, self._on_first_frame = self._on_first_frame, None
            if cb:
                cb()

    def on_stop(self) -> None:
        self.idle.stop()
        if getattr(self, "services", None) is not None and self.services.consult is not None:
            self.services.consult.stop()
        self.speaker.stop()
        if getattr(self, "card_reader", None):
            self.card_reader.stop()
        if getattr(self, "link", None):
            self.link.stop()
        if getattr(self, "card_simulator", None):
            self.card_simulator.close()
        if getattr(self, "printer", None):
            self.printer.stop()
        if getattr(self, "printer_simulator", None):
            self.printer_simulator.close()
        if getattr(self, "scanner", None):
            self.scanner.stop()
        if getattr(self, "scanner_simulator", None):
            self.scanner_simulator.close()
        self.background.shutdown()
