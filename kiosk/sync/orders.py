"""Remote commands from central (``protocol.Order``), as the kiosk takes them.

Each order is checked before anything is done: it must be signed with this kiosk's own secret
and name this kiosk, so an order made up on the way, or meant for another kiosk, is refused and
logged. Each id is done once: its result is kept (``DONE_KEY``) before it is reported, and an
order central sends again because the report was lost is answered from there, not done twice.
What an order does is the composition's business (``kiosk.central_link`` hands the handlers in):
a handler takes the order's arguments and returns an ``Outcome``; an exception is a refusal whose
message is the reason.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.sync import protocol as p

log = logging.getLogger(__name__)

DONE_KEY = "orders.done"
#: results kept for orders central may still send again
KEEP_DONE = 100


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str = ""
    lines: tuple[str, ...] = ()
    #: run after the result reached central (a restart must not lose its own report)
    then: Callable[[], None] | None = None


Handler = Callable[[dict], Outcome]


class OrderTaker:
    def __init__(self, store, client, kiosk_id: str, secret: str,  # noqa: ANN001 - SyncStore, CentralClient
                 handlers: dict[str, Handler]) -> None:
        self.store = store
        self.client = client
        self.kiosk_id = kiosk_id
        self._secret = secret
        self.handlers = handlers

    def take(self, orders: list[p.Order]) -> list[str]:
        """Do (or answer again) each order in turn; returns the ids answered."""
        answered = []
        for order in orders:
            if not self._genuine(order):
                continue
            done = self._done()
            if order.id in done:
                outcome = Outcome(done[order.id]["ok"], done[order.id]["detail"])
            else:
                outcome = self._do(order)
                done[order.id] = {"ok": outcome.ok, "detail": outcome.detail}
                self.store.set_setting(DONE_KEY, json.dumps(dict(list(done.items())[-KEEP_DONE:])))
            try:
                self.client.call("POST", f"{p.PREFIX}/orders/{order.id}/result", p.OrderResultReply,
                                 body=p.OrderResult(ok=outcome.ok, detail=outcome.detail[:200],
                                                    lines=[line[:400] for line in outcome.lines][-2000:]))
            except Exception as e:  # noqa: BLE001 - reported again when central sends the order again
                log.warning("the result of order %s (%s) did not reach central: %s", order.id, order.kind, e)
                continue
            answered.append(order.id)
            if outcome.then is not None:
                outcome.then()
        return answered

    def _genuine(self, order: p.Order) -> bool:
        if order.kiosk_id != self.kiosk_id:
            log.warning("refused order %s: it is for kiosk %s, not this one", order.id, order.kiosk_id)
            return False
        want = p.order_signature(self._secret, order.id, order.kiosk_id, order.kind, order.args, order.issued_at)
        if not hmac.compare_digest(want, order.signature):
            log.warning("refused order %s (%s): the signature does not match this kiosk's secret", order.id, order.kind)
            return False
        return True

    def _done(self) -> dict[str, dict]:
        try:
            done = json.loads(self.store.get_setting(DONE_KEY, "{}") or "{}")
        except ValueError:
            done = {}
        return done if isinstance(done, dict) else {}

    def _do(self, order: p.Order) -> Outcome:
        handler = self.handlers.get(order.kind)
        if handler is None:
            return Outcome(False, f"this kiosk cannot do {order.kind}")
        log.info("order %s: %s %s", order.id, order.kind, sorted(order.args))
        try:
            return handler(dict(order.args))
        except Exception as e:  # noqa: BLE001 - any failure is the order's refusal, with its reason
            log.warning("order %s (%s) refused: %s", order.id, order.kind, e)
            return Outcome(False, str(e)[:200] or type(e).__name__)
