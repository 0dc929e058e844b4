"""The stations' today: Tianjin's date, which is not the test machine's between 16:00 and 24:00 UTC."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.domain.queue_rules import STATION_TZ


def station_today() -> date:
    return datetime.now(STATION_TZ).date()
