"""Watches the ID card reader on its own thread and hands each new card to the UI.

Unplugging the USB-serial adapter shows up as timeouts or OSErrors (some of which pyserial
does not wrap); the service then closes the port and opens it again every few seconds until
the reader answers, and reports its state for the staff screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.devices.idcard.frame import FrameError
from kiosk.devices.idcard.reader import IdCardReader, ReaderError, ReaderTimeout
from kiosk.devices.idcard.text_block import Identity, InvalidCard

log = logging.getLogger(__name__)

POLL_S = 0.4
RECONNECT_S = 3.0


class CardReaderService:
    def __init__(self, open_reader: Callable[[], IdCardReader], on_card: Callable[[Identity, bytes], None],
                 on_refused: Callable[[str], None] = lambda _m: None, reconnect_s: float = RECONNECT_S) -> None:
        self._open = open_reader
        self.reconnect_s = reconnect_s
        self._on_card = on_card
        self._on_refused = on_refused
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = "starting"
        self.last_error = ""
        self.reads = 0
        self._capture: list | None = None
        self._capture_done = threading.Event()
        self._lock = threading.Lock()

    def capture_next(self, timeout_s: float, then: Callable[[], None] | None = None) -> Identity | str | None:
        """Staff test read: the next card (or refusal message) comes back here instead of logging
        anyone in; None if no card came within ``timeout_s``. ``then`` runs once armed."""
        with self._lock:
            self._capture = []
            self._capture_done.clear()
        try:
            if then is not None:
                then()
            self._capture_done.wait(timeout_s)
            with self._lock:
                got = self._capture
            return got[0] if got else None
        finally:
            with self._lock:
                self._capture = None

    def _captured(self, item: Identity | str) -> bool:
        with self._lock:
            if self._capture is None:
                return False
            self._capture.append(item)
            self._capture_done.set()
            return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="idcard-reader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        reader: IdCardReader | None = None
        while not self._stop.is_set():
            try:
                if reader is None:
                    reader = self._open()
                result = reader.poll()
                self.state = "ok"
                if result is not None:
                    self.reads += 1
                    if not self._captured(result[0]):
                        self._on_card(*result)
            except InvalidCard as e:
                self.last_error = str(e)
                if not self._captured(f"这张证件无法使用：{e}"):
                    self._on_refused(f"这张证件无法使用：{e}")
            except ReaderError as e:
                self.last_error = str(e)
                if not self._captured(str(e)):
                    self._on_refused(str(e))
            except (ReaderTimeout, FrameError, OSError, Exception) as e:  # noqa: BLE001 - unplug raises many kinds
                self.state = "offline"
                self.last_error = f"{type(e).__name__}: {e}"
                log.warning("ID card reader not answering (%s); reconnecting in %.0f s", self.last_error,
                            self.reconnect_s)
                if reader is not None:
                    try:
                        reader.close()
                    except Exception:  # noqa: BLE001
                        pass
                    reader = None
                self._stop.wait(self.reconnect_s)
                continue
            self._stop.wait(POLL_S)
        if reader is not None:
            reader.close()
