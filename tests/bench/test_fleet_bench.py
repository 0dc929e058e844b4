"""The fleet bench, short: PostgreSQL and central with two workers, a few kiosks for a few
seconds. Every request answered, every staff call delivered to its station's kiosk. (The figures,
and the old 0.2 s re-check beside them, are the full run's business: `bench fleet --kiosks 500`.)"""

from __future__ import annotations

import pytest

from bench import fleet
from tests.sync.pg import find_bin_dir

pytestmark = pytest.mark.skipif(find_bin_dir() is None, reason="PostgreSQL server binaries not found")

SHORT = ["--kiosks", "8", "--seconds", "12", "--heartbeat-s", "3", "--feed-s", "3", "--call-every-s", "0.5",
         "--vacancies", "300", "--workers", "2", "--initial-loads", "2", "--warmup-s", "2"]


def test_every_request_answered_and_every_call_delivered() -> None:
    out = fleet.main(SHORT)
    assert out["calls_wake"] == "LISTEN/NOTIFY"
    assert out["errors"] == 0, out["error_kinds"]
    assert out["call_delivery"]["n"] > 0 and out["call_delivery"]["not_delivered"] == 0
    for what in ("heartbeat", "feed", "events", "initial_load"):
        assert out["endpoints"][what]["n"] > 0, what
    assert out["db_connections_max"] > 0
