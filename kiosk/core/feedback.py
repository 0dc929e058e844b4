"""Satisfaction ratings (好差评) after a service: anonymous ``feedback.given`` events."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store.engine import Store


class FeedbackBox:
    def __init__(self, store: Store, station_id: str) -> None:
        self.store = store
        self.station_id = station_id

    def give(self, service: str, score: int) -> str:
        """Record a 1-5 rating of ``service``; no identity is attached to it."""
        from kiosk.store.outbox import add_event

        if not 1 <= score <= 5:
            raise ValueError(f"a rating is 1 to 5, not {score}")
        with self.store.session() as s:
            return add_event(s, "feedback.given", {"station_id": self.station_id, "service": service, "score": score})
