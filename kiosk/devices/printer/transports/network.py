"""A printer on the network: raw TCP to port 9100 (JetDirect / "RAW" printing).

``port = "192.168.1.50"`` or ``"192.168.1.50:9100"``. Most network printers answer DLE EOT on
the same connection. A refused or reset connection is LinkGone.
"""

from __future__ import annotations

import select
import socket

from kiosk.devices.printer.transports import LinkGone

DEFAULT_PORT = 9100


class NetworkTransport:
    bidirectional = True

    def __init__(self, host: str, port: int = DEFAULT_PORT, timeout_s: float = 10.0) -> None:
        if not host:
            raise ValueError("devices.printer.port: the network printer needs an address (host or host:9100)")
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.description = f"网络 {host}:{port}"
        self._sock: socket.socket | None = None

    def open(self) -> None:
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        except OSError as e:
            raise LinkGone(f"cannot connect to {self.host}:{self.port}: {e}") from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise LinkGone(f"{self.host}:{self.port} is not connected")
        return self._sock

    def write(self, data: bytes) -> None:
        s = self._socket()
        try:
            s.settimeout(self.timeout_s)
            s.sendall(data)
        except TimeoutError:
            raise TimeoutError(f"{self.host}:{self.port}: the printer did not take the data") from None
        except OSError as e:
            raise LinkGone(f"{self.host}:{self.port}: {e}") from None

    def read(self, size: int, timeout_s: float) -> bytes:
        s = self._socket()
        try:
            ready, _, _ = select.select([s], [], [], timeout_s)
            if not ready:
                return b""
            data = s.recv(size)
        except OSError as e:
            raise LinkGone(f"{self.host}:{self.port}: {e}") from None
        if not data:
            raise LinkGone(f"{self.host}:{self.port}: the printer closed the connection")
        return data

    def flush_input(self) -> None:
        s = self._socket()
        try:
            while select.select([s], [], [], 0)[0]:
                if not s.recv(4096):
                    raise LinkGone(f"{self.host}:{self.port}: the printer closed the connection")
        except OSError as e:
            if isinstance(e, LinkGone):
                raise
            raise LinkGone(f"{self.host}:{self.port}: {e}") from None

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None


def from_config(cfg) -> NetworkTransport:
    host, _, port = cfg.port.rpartition(":") if ":" in cfg.port else (cfg.port, "", "")
    return NetworkTransport(host, int(port or DEFAULT_PORT), float(cfg.options.get("timeout_s", 10.0)))
