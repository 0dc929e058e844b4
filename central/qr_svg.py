"""A QR code as inline SVG for the pages central prints (the 推荐单, an employer's link): drawn on
the server by the ``qrcode`` package the kiosk already uses, so a page loads nothing else."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    text = img.to_string(encoding="unicode")
    return text[text.index("<svg"):]
