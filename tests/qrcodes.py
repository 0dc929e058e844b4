"""Reading the QR codes off a printed receipt's PNG or a screenshot, as a phone would."""

from __future__ import annotations

import zxingcpp


def qr_texts(img) -> list[str]:  # noqa: ANN001 - a PIL image
    """The text of every QR code in the image, sorted."""
    return sorted(r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode)
