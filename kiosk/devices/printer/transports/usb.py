"""A printer on USB bulk endpoints, through python-escpos's ``Usb`` class (needs pyusb).

Configured with ``options = {usb_vendor = 0x0416, usb_product = 0x5011, in_ep = 0x81,
out_ep = 0x03}``; many clones use other endpoints than python-escpos's defaults (0x82/0x01).
Only python-escpos's byte sink (``_raw``) and reader (``_read``) are used: the kiosk renders the
bytes itself. When the kernel's usblp driver owns the printer, the ``file`` backend on
``/dev/usb/lp0`` is the simpler choice.
"""

from __future__ import annotations

import os
import tempfile
import time

from kiosk.devices.printer.transports import LinkGone


class UsbTransport:
    bidirectional = True

    def __init__(self, vendor: int, product: int, in_ep: int = 0x82, out_ep: int = 0x01, timeout_ms: int = 5000) -> None:
        if not vendor or not product:
            raise ValueError("devices.printer.options: the USB printer needs usb_vendor and usb_product")
        self.vendor, self.product, self.in_ep, self.out_ep, self.timeout_ms = vendor, product, in_ep, out_ep, timeout_ms
        self.description = f"USB {vendor:04x}:{product:04x}"
        self._p = None

    def open(self) -> None:
        try:
            import usb.core  # noqa: F401 - pyusb, only needed for this backend
        except ImportError:
            raise LinkGone("the usb backend needs pyusb (pip install pyusb) and libusb; "
                           "or use the file backend on /dev/usb/lp0") from None
        # one fixed place for python-escpos's capabilities pickle, not a new temp dir per start
        os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.gettempdir())
        from escpos.printer import Usb

        try:
            self._p = Usb(self.vendor, self.product, timeout=self.timeout_ms, in_ep=self.in_ep, out_ep=self.out_ep)
            self._p.open()
        except Exception as e:  # noqa: BLE001 - escpos wraps usb errors in several classes
            self._p = None
            raise LinkGone(f"cannot open USB printer {self.description}: {e}") from None

    def _printer(self):
        if self._p is None:
            raise LinkGone(f"{self.description} is not open")
        return self._p

    def write(self, data: bytes) -> None:
        try:
            self._printer()._raw(data)
        except LinkGone:
            raise
        except Exception as e:  # noqa: BLE001
            raise LinkGone(f"{self.description}: {e}") from None

    def read(self, size: int, timeout_s: float) -> bytes:
        p = self._printer()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                data = bytes(p.device.read(self.in_ep, 16, max(1, int((deadline - time.monotonic()) * 1000))))
            except Exception as e:  # noqa: BLE001
                if "timeout" in str(e).lower() or "timed out" in str(e).lower():
                    return b""
                raise LinkGone(f"{self.description}: {e}") from None
            if data:
                return data[:size]
        return b""

    def flush_input(self) -> None:
        pass

    def close(self) -> None:
        if self._p is not None:
            try:
                self._p.close()
            except Exception:  # noqa: BLE001
                pass
            self._p = None


def _int(v) -> int:
    return int(v, 0) if isinstance(v, str) else int(v)


def from_config(cfg) -> UsbTransport:
    o = cfg.options
    return UsbTransport(_int(o.get("usb_vendor", 0)), _int(o.get("usb_product", 0)), _int(o.get("in_ep", 0x82)),
                        _int(o.get("out_ep", 0x01)))
