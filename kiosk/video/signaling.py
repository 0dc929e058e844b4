"""The kiosk's consultation signaling over the signed central client (blocking; the session runs
these calls in its loop's executor)."""

from __future__ import annotations

from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient

BASE = p.PREFIX + "/consult"


class Signaling:
    def __init__(self, client: CentralClient) -> None:
        self.client = client

    def availability(self, topic: str) -> p.ConsultAvailability:
        return self.client.call("GET", BASE + "/availability", p.ConsultAvailability, params={"topic": topic},
                                read_timeout_s=10)[0]

    def create(self, topic: str, identified: bool) -> p.ConsultStatus:
        return self.client.call("POST", BASE + "/requests", p.ConsultStatus,
                                body=p.ConsultCreate(topic=topic, identified=identified), read_timeout_s=10)[0]

    def status(self, request_id: str, since: int = 0, wait: float = 0) -> p.ConsultStatus:
        return self.client.call("GET", f"{BASE}/requests/{request_id}", p.ConsultStatus,
                                params={"since": since, "wait": wait} if wait else {"since": since},
                                read_timeout_s=wait + 10)[0]

    def offer(self, request_id: str, sdp: str, generation: int) -> p.ConsultStatus:
        return self.client.call("POST", f"{BASE}/requests/{request_id}/offer", p.ConsultStatus,
                                body=p.ConsultOffer(sdp=sdp, generation=generation), read_timeout_s=10)[0]

    def end(self, request_id: str, reason: str) -> p.ConsultStatus:
        return self.client.call("POST", f"{BASE}/requests/{request_id}/end", p.ConsultStatus,
                                body=p.ConsultEnd(reason=reason), read_timeout_s=10)[0]
