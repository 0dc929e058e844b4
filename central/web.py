"""What the staff and advisor consoles' pages share: no caching, no framing, same-origin posts."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse

NO_STORE = {"Cache-Control": "no-store"}


def html_page(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={**NO_STORE, "X-Frame-Options": "DENY",
                                                           "Referrer-Policy": "same-origin"})


def same_origin(request: Request) -> bool:
    """A form post or fetch from the console's own pages (no Origin header counts: old browsers)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")
