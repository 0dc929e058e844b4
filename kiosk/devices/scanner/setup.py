"""Building the QR scanner from ``[devices.scanner]``, and what the staff screen says about it.

Backends: ``simulated`` (the scanner simulator on a pseudo-terminal, read as a serial scanner),
``serial`` (a scanner in serial/CDC mode on ``port``), ``evdev`` (a keyboard-wedge scanner read
from its input device node, ``options.grab`` keeps its keystrokes from the window), ``none``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.devices.registry import Backend, needs_port, resolve
from kiosk.domain.status import Section, StatusRow

if TYPE_CHECKING:
    from kiosk.config import DeviceConfig
    from kiosk.devices.scanner.service import ScannerService

REGISTRY: dict[str, str] = {
    "simulated": "kiosk.devices.scanner.setup:simulated",
    "serial": "kiosk.devices.scanner.setup:serial",
    "evdev": "kiosk.devices.scanner.setup:evdev",
}
#: the scanner's section on the staff screen
TITLE = "扫码器"
TEST_SCAN_S = 15
STATES = {"ok": "正常", "offline": "无响应，正在重连"}
#: what the staff test says a code was, by ``ScanKind`` value
KIND_NAMES = {"essc": "电子社保卡码", "ticket": "排队小票码", "job": "岗位码", "request": "上门·代办申请码",
              "appointment": "预约确认码",
              "test": "测试码", "unknown": "未知码"}


def simulated(cfg: DeviceConfig) -> Backend:
    from kiosk.devices.scanner.serial import SerialScanner
    from kiosk.devices.sim.scanner import ScannerSimulator

    sim = ScannerSimulator()
    port = sim.port
    return Backend(lambda: SerialScanner(port, cfg.baudrate), sim)


def serial(cfg: DeviceConfig) -> Backend:
    from kiosk.devices.scanner.serial import SerialScanner

    port = needs_port("scanner", cfg)
    return Backend(lambda: SerialScanner(port, cfg.baudrate))


def evdev(cfg: DeviceConfig) -> Backend:
    from kiosk.devices.scanner.evdev_wedge import EvdevWedgeScanner

    port = needs_port("scanner", cfg)
    grab = bool(cfg.options.get("grab", True))
    return Backend(lambda: EvdevWedgeScanner(port, grab=grab))


@dataclass
class Scanner:
    """The scanner's service thread and, in the demo, the simulated scanner it reads."""

    service: ScannerService
    #: the kind of a code (a ``ScanKind`` value), for the staff test
    kind_of: Callable[[str], str]
    simulator: object | None = None
    _stopped: threading.Event = field(default_factory=threading.Event, repr=False)

    def start(self) -> None:
        self.service.start()

    def stop(self) -> None:
        """Idempotent: the thread first, then the simulator it reads from."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.service.stop()
        if self.simulator is not None:
            self.simulator.close()

    def health(self) -> dict:
        return {"state": str(self.service.state)[:20], "detail": ""}

    def section(self) -> Section:
        s = self.service
        return Section(TITLE, lambda: [
            StatusRow("状态", STATES.get(s.state, "启动中"), s.state == "ok"),
            StatusRow("本次开机扫码次数", str(s.scans)),
            StatusRow("重复扫码（已忽略）", str(s.duplicates)),
            StatusRow("无效扫码", str(s.bad_scans)),
            StatusRow("最近错误", s.last_error or "无"),
        ], {"测试扫码": self.test_scan})

    def test_scan(self) -> str:
        """Staff test (on a worker thread): the next scan is shown here, not used to log in."""
        from kiosk.domain.scans import TEST_CODE

        sim = self.simulator
        code = self.service.capture_next(timeout_s=TEST_SCAN_S, then=(lambda: sim.scan(TEST_CODE)) if sim else None)
        if code is None:
            return f"{TEST_SCAN_S} 秒内没有收到扫码。请检查扫码器连接、波特率和结束符（CR/LF）设置"
        return f"扫码器正常：收到{KIND_NAMES.get(self.kind_of(code), '未知码')}（{len(code)} 个字符）"

    def scan_demo_essc(self) -> None:
        """The demo's control: a generated e-social-security-card code on the simulator."""
        from kiosk.devices.sim.scanner import demo_essc_code

        if self.simulator is not None:
            self.simulator.scan(demo_essc_code())


def build_scanner(cfg: DeviceConfig, on_scan: Callable[[str], None], on_refused: Callable[[str], None],
                  kind_of: Callable[[str], str]) -> Scanner | None:
    """The scanner (not started) for ``cfg.backend``; None when the kiosk has none. Raises
    ValueError for a backend or port that cannot work."""
    backend = resolve("scanner", REGISTRY, cfg)
    if backend is None:
        return None
    from kiosk.devices.scanner.service import ScannerService

    return Scanner(ScannerService(backend.open, on_scan=on_scan, on_refused=on_refused), kind_of, backend.simulator)
