"""The QR / barcode scanner: serial (CR/LF-terminated lines) or a USB keyboard wedge (evdev)."""

from kiosk.devices.scanner.codec import (
    Debouncer,
    Incomplete,
    LineDecoder,
    NotText,
    ScanError,
    TooLong,
    decode_text,
)

__all__ = ["Debouncer", "Incomplete", "LineDecoder", "NotText", "ScanError", "TooLong", "decode_text"]
