"""The kiosk's HTTP client for the central service: signed requests, timeouts, validated replies.

Errors come in three kinds the worker treats differently:

* ``Unavailable``: network errors, timeouts, 5xx, 429 — try again later (with Retry-After);
* ``BadReply``: the server answered, but not with what the protocol says — counted, logged
  without the body, retried later; nothing of it is applied;
* ``Refused``: a 4xx the kiosk cannot fix by retrying now (bad secret, unknown kiosk): shown
  on the staff screen.

No retries happen here (urllib3's are off): the outbox retries with the same event ids, which
is what makes a retry safe.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from kiosk.sync import protocol as p

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


class SyncError(Exception):
    pass


class Unavailable(SyncError):
    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class BadReply(SyncError):
    pass


class Refused(SyncError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


class CursorExpired(SyncError):
    pass


class NotModified(SyncError):
    pass


def _retry_after(resp: requests.Response) -> float | None:
    raw = resp.headers.get("Retry-After", "")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


class CentralClient:
    def __init__(self, base_url: str, kiosk_id: str, secret: str, *, connect_timeout_s: float = 5.0,
                 read_timeout_s: float = 30.0) -> None:
        if not kiosk_id or not secret:
            raise ValueError("central.kiosk_id and central.secret must be set (python -m central register-kiosk)")
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self._secret = secret
        self.timeout = (connect_timeout_s, read_timeout_s)
        #: server clock minus ours, learned from every reply; kiosks often have no RTC
        self.clock_offset_s = 0.0
        self.bad_replies = 0
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = requests.Session()
            s.headers["User-Agent"] = f"jincai-kiosk/{self.kiosk_id}"
        return s

    def close(self) -> None:
        s = getattr(self._local, "session", None)
        if s is not None:
            s.close()

    def call(self, method: str, path: str, model: type[M], *, params: dict[str, Any] | None = None,
             body: BaseModel | None = None, headers: dict[str, str] | None = None,
             read_timeout_s: float | None = None) -> tuple[M, requests.Response]:
        """One signed request; returns the validated reply and the raw response."""
        data = body.model_dump_json().encode() if body is not None else b""
        resp = self._send(method, path, params, data, headers or {}, read_timeout_s)
        if resp.status_code == 401 and self._skew_refusal(resp):
            resp = self._send(method, path, params, data, headers or {}, read_timeout_s)
        self._check_status(resp)
        try:
            return model.model_validate_json(resp.content), resp
        except ValidationError as e:
            self.bad_replies += 1
            where = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['type']}" for err in e.errors()[:3])
            log.warning("central sent a reply to %s %s that does not match the protocol (%d bytes): %s",
                        method, path, len(resp.content), where)
            raise BadReply(f"reply to {path} does not match the protocol: {where}") from None

    def download(self, path: str, dest: Path, *, max_bytes: int,
                 progress: Callable[[int], None] | None = None) -> int:
        """A signed GET streamed into ``dest`` (at most ``max_bytes``); returns the bytes written.
        A connection lost part way raises Unavailable and leaves what came in ``dest``."""
        resp = self._send("GET", path, None, b"", {}, None, stream=True)
        with resp:
            self._check_status(resp)
            written = 0
            try:
                with open(dest, "wb") as f:
                    for block in resp.iter_content(1 << 16):
                        written += len(block)
                        if written > max_bytes:
                            raise Refused(413, "too_large", f"central sent more than the {max_bytes} bytes expected")
                        f.write(block)
                        if progress is not None:
                            progress(written)
            except (requests.RequestException, ValueError) as e:
                raise Unavailable(f"the download broke off after {written} bytes: {type(e).__name__}") from None
        return written

    def _send(self, method: str, path: str, params: dict[str, Any] | None, data: bytes, headers: dict[str, str],
              read_timeout_s: float | None, *, stream: bool = False) -> requests.Response:
        req = requests.Request(method, self.base_url + path, params=params, data=data or None,
                               headers={"Content-Type": "application/json", **headers})
        prepared = self.session.prepare_request(req)
        ts = f"{time.time() + self.clock_offset_s:.3f}"
        nonce = secrets.token_hex(16)
        prepared.headers.update({
            p.H_KIOSK: self.kiosk_id, p.H_TIMESTAMP: ts, p.H_NONCE: nonce,
            p.H_SIGNATURE: p.sign(self._secret, method, prepared.path_url, ts, nonce, data),
        })
        timeout = self.timeout if read_timeout_s is None else (self.timeout[0], read_timeout_s)
        sent = time.time()
        try:
            resp = self.session.send(prepared, timeout=timeout, stream=stream)
            if not stream:
                _ = resp.content  # read the whole body here, so a reset mid-body is a network error
        except (requests.RequestException, OSError, ValueError) as e:
            # ValueError: urllib3 raises a few unwrapped ones on a garbled status line
            raise Unavailable(f"{type(e).__name__}: {str(e)[:160]}") from None
        self._learn_clock(resp, sent, time.time())
        return resp

    def _learn_clock(self, resp: requests.Response, sent: float, received: float) -> None:
        try:
            server = float(resp.headers.get(p.H_SERVER_TIME, ""))
        except ValueError:
            return
        self.clock_offset_s = server - (sent + received) / 2

    def _skew_refusal(self, resp: requests.Response) -> bool:
        try:
            err = p.ErrorReply.model_validate_json(resp.content)
        except ValidationError:
            return False
        if err.error != "clock_skew":
            return False
        log.warning("central refused our clock (offset now %.1f s); signing again with its time", self.clock_offset_s)
        return True

    def _check_status(self, resp: requests.Response) -> None:
        code = resp.status_code
        if 200 <= code < 300:
            return
        if code == 304:
            raise NotModified()
        if code == 429 or code >= 500:
            raise Unavailable(f"central answered {code}", _retry_after(resp))
        if code == 422:
            raise Refused(code, "invalid_request", resp.text[:200])
        try:
            err = p.ErrorReply.model_validate_json(resp.content)
        except ValidationError:
            self.bad_replies += 1
            raise BadReply(f"central answered {code} without a protocol error body") from None
        if code == 410 and err.error == "cursor_expired":
            raise CursorExpired(err.message)
        raise Refused(code, err.error, err.message)

