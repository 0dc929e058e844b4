"""Request bodies are counted while they are read and refused past a size, before any JSON or
form parsing: a 50 MB upload costs central its first chunk, not 50 MB of memory.

A declared ``Content-Length`` over the limit is answered at once without reading anything; a
chunked body is cut off at the first chunk that passes it. The refusal is the protocol's error
reply (``too_large``), which the kiosk reads like any other.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the count passes the limit. An ``HTTPException`` so FastAPI's
    own body parsing lets it through to the app's error handler unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the body is over {limit} bytes")


class BodyLimit:
    """ASGI middleware: ``limits`` maps path prefixes to byte limits (the longest matching prefix
    wins); every other path gets ``default``."""

    def __init__(self, app: ASGIApp, *, default: int, limits: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.default = default
        self.limits = sorted(limits, key=lambda pl: -len(pl[0]))

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared == -1:
            await _reply(send, 400, "invalid_request", "Content-Length must be a whole number of bytes")
            return
        if declared is not None and declared > limit:
            await _reply(send, 413, "too_large", f"the body is over {limit} bytes")
            return
        counted = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal counted
            message = await receive()
            if message["type"] == "http.request":
                counted += len(message.get("body", b""))
                if counted > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BaseException as e:
            if started or not _is_too_large(e):
                raise
            await _reply(send, 413, "too_large", f"the body is over {limit} bytes")


def _is_too_large(e: BaseException) -> bool:
    if isinstance(e, BaseExceptionGroup):
        return all(_is_too_large(x) for x in e.exceptions)
    return isinstance(e, BodyTooLarge)


def _content_length(scope: Scope) -> int | None:
    """The declared length; -1 if it is not a plain number (or declared twice, differently)."""
    values = {v for k, v in scope.get("headers", ()) if k == b"content-length"}
    if not values:
        return None
    if len(values) > 1:
        return -1
    raw = values.pop()
    return int(raw) if raw.isdigit() and len(raw) <= 18 else -1


async def _reply(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message, "server_time": time.time()}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
