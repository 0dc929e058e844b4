"""Building the ID card reader from ``[devices.idcard]``, and what the staff screen says about it.

Backends: ``simulated`` (the SAM simulator on a pseudo-terminal, spoken to exactly as a serial
reader), ``serial`` (a real SAM reader on ``port``), ``none``.
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
    from kiosk.devices.idcard.service import CardReaderService
    from kiosk.devices.idcard.text_block import Identity

REGISTRY: dict[str, str] = {
    "simulated": "kiosk.devices.idcard.setup:simulated",
    "serial": "kiosk.devices.idcard.setup:serial",
}
#: the reader's section on the staff screen
TITLE = "身份证读卡器"
TEST_READ_S = 15
STATES = {"ok": "正常", "offline": "无响应，正在重连"}


def simulated(cfg: DeviceConfig) -> Backend:
    from kiosk.devices.idcard.reader import IdCardReader
    from kiosk.devices.sim.sam_reader import SamReaderSimulator

    sim = SamReaderSimulator()
    port = sim.port
    return Backend(lambda: IdCardReader(port, cfg.baudrate), sim)


def serial(cfg: DeviceConfig) -> Backend:
    from kiosk.devices.idcard.reader import IdCardReader

    port = needs_port("idcard", cfg)
    return Backend(lambda: IdCardReader(port, cfg.baudrate))


@dataclass
class CardReader:
    """The reader's service thread and, in the demo, the simulated reader it talks to."""

    service: CardReaderService
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
        return {"state": self.service.state, "detail": self.service.last_error[:200]}

    def section(self) -> Section:
        r = self.service
        return Section(TITLE, lambda: [
            StatusRow("状态", STATES.get(r.state, "启动中"), r.state == "ok"),
            StatusRow("本次开机读卡次数", str(r.reads)),
            StatusRow("最近错误", r.last_error or "无"),
        ], {"测试读卡": self.test_read})

    def test_read(self) -> str:
        """Staff test (on a worker thread): the next card is described here (masked), nobody logs in."""
        from kiosk.devices.idcard.text_block import Identity

        got = self.service.capture_next(timeout_s=TEST_READ_S, then=self.lay_demo_card if self.simulator else None)
        if got is None:
            return f"{TEST_READ_S} 秒内没有读到证件。请把身份证平放在读卡区，并检查读卡器连接"
        if isinstance(got, Identity):
            return f"读卡器正常：{got.card_type_name} {got.masked_id_number}"
        return f"读卡器有响应，但证件被拒：{got}"

    def lay_demo_card(self) -> None:
        """The demo's control (and the staff test in the demo): a generated card on the simulator."""
        from kiosk.devices.sim.cards import demo_card

        if self.simulator is not None:
            self.simulator.remove_card()
            self.simulator.lay_card(demo_card())


def build_card_reader(cfg: DeviceConfig, on_card: Callable[[Identity, bytes], None],
                      on_refused: Callable[[str], None]) -> CardReader | None:
    """The reader (not started) for ``cfg.backend``; None when the kiosk has none. Raises
    ValueError for a backend or port that cannot work."""
    backend = resolve("idcard", REGISTRY, cfg)
    if backend is None:
        return None
    from kiosk.devices.idcard.service import CardReaderService

    return CardReader(CardReaderService(backend.open, on_card=on_card, on_refused=on_refused), backend.simulator)
