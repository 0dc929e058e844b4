"""Watches the QR / barcode scanner on its own thread and hands each scan to a callback.

The scanner (serial or keyboard-wedge) is opened, read in short waits, and its bytes go through
the ``LineDecoder`` and the ``Debouncer``. Bad input (garbage, an over-long line, a scan without
its suffix) is counted, kept as ``last_error`` for the staff screen, passed to ``on_refused``
with a message for the resident, and the service carries on. Unplugging shows up as an OSError
(some of which pyserial does not wrap) or a SerialException; the service then closes the port
and opens it again every few seconds until the scanner is back. It runs all day unattended.

Scanned texts may be personal (an e-social-security-card token): nothing here logs them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from kiosk.devices.scanner.codec import DEBOUNCE_S, Debouncer, LineDecoder, ScanError

log = logging.getLogger(__name__)

RECONNECT_S = 3.0


class Scanner(Protocol):
    port_name: str

    def read_chunk(self) -> bytes: ...

    def close(self) -> None: ...


class _Capture:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.code: str | None = None


class ScannerService:
    def __init__(self, open_scanner: Callable[[], Scanner], on_scan: Callable[[str], None],
                 on_refused: Callable[[str], None] = lambda _m: None, reconnect_s: float = RECONNECT_S,
                 debounce_s: float = DEBOUNCE_S, decoder: LineDecoder | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._open = open_scanner
        self._on_scan = on_scan
        self._on_refused = on_refused
        self.reconnect_s = reconnect_s
        self.decoder = decoder or LineDecoder()
        self.debouncer = Debouncer(debounce_s)
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._capture: _Capture | None = None
        self._lock = threading.Lock()
        self.state = "starting"
        self.last_error = ""
        self.scans = 0  # accepted scans
        self.duplicates = 0  # the same code again within the debounce window, ignored
        self.bad_scans = 0  # garbage, over-long, incomplete
        self.reconnects = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="qr-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def forget_last(self) -> None:
        """A visit ended: the next resident may scan the code the last one did."""
        self.debouncer.forget()

    def capture_next(self, timeout_s: float, then: Callable[[], None] | None = None) -> str | None:
        """Staff test: wait for the next scan and return it instead of handing it on (None: none came).

        ``then`` runs once the capture is armed (the demo uses it to make the simulator scan)."""
        capture = _Capture()
        with self._lock:
            self._capture = capture
        try:
            if then is not None:
                then()
            capture.done.wait(timeout_s)
        finally:
            with self._lock:
                if self._capture is capture:
                    self._capture = None
        return capture.code

    def _deliver(self, code: str) -> None:
        with self._lock:
            capture, self._capture = self._capture, None
        if capture is not None:
            capture.code = code
            capture.done.set()
            return
        try:
            self._on_scan(code)
        except Exception:  # a bug in the consumer must not stop the scanner
            log.exception("the scan consumer failed")

    def _refuse(self, error: ScanError) -> None:
        self.bad_scans += 1
        self.last_error = f"{type(error).__name__}: {error}"
        log.warning("unusable scan: %s", self.last_error)
        try:
            self._on_refused(error.message)
        except Exception:
            log.exception("the scan consumer failed")

    def _run(self) -> None:
        scanner: Scanner | None = None
        while not self._stop.is_set():
            try:
                if scanner is None:
                    scanner = self._open()
                    self.decoder.reset()
                    if self.state == "offline":
                        self.reconnects += 1
                        log.info("QR scanner on %s is back", scanner.port_name)
                    self.state = "ok"
                data = scanner.read_chunk()
                now = self._clock()
                for item in self.decoder.feed(data, now) + self.decoder.expire(now):
                    if isinstance(item, ScanError):
                        self._refuse(item)
                    elif self.debouncer.accept(item, now):
                        self.scans += 1
                        self._deliver(item)
                    else:
                        self.duplicates += 1
            except Exception as e:  # noqa: BLE001 - unplug raises SerialException, OSError, termios.error …
                error = f"{type(e).__name__}: {e}"
                # once per outage, not every few seconds all day long
                level = logging.DEBUG if self.state == "offline" and error == self.last_error else logging.WARNING
                log.log(level, "QR scanner not available (%s); retrying every %.0f s", error, self.reconnect_s)
                self.state = "offline"
                self.last_error = error
                if scanner is not None:
                    try:
                        scanner.close()
                    except Exception:  # noqa: BLE001
                        pass
                    scanner = None
                self._stop.wait(self.reconnect_s)
        if scanner is not None:
            try:
                scanner.close()
            except Exception:  # noqa: BLE001
                pass
