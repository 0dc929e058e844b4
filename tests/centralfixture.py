"""The one real central service of the tests: started on loopback by ``running_central``, with
the people and settings a test module asks for through the ``central`` marker.

    pytestmark = pytest.mark.central(advisors=True, advisor_stale_s=4.0)

``advisors``: the two advisors below (one in the station's pool, one in another pool);
``advisor_stale_s``: how long central counts a silent console as online; ``station_name``: the
name in the station's config; ``setup``: a function called with the running ``Central`` before
the first test sees it (staff, station config, seeded data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

ADVISOR = ("adv-wang", "pass-1234", "王顾问")
OTHER_POOL_ADVISOR = ("adv-zhao", "pass-5678", "赵顾问")
MARKER = "central"


@dataclass(frozen=True)
class CentralOptions:
    advisors: bool = False
    advisor_stale_s: float | None = None
    station_name: str | None = None
    setup: Callable | None = None


def options_for(node: pytest.Item | pytest.Collector) -> CentralOptions:
    mark = node.get_closest_marker(MARKER)
    return CentralOptions(**mark.kwargs) if mark else CentralOptions()


@contextmanager
def central_server(db_url: str, options: CentralOptions, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """A running central on ``db_url`` with ``options`` applied (policy changes undone after)."""
    from central import consult
    from central.models import StationConfig
    from tests.sync.centralserver import STATION, running_central

    if options.advisor_stale_s is not None:
        monkeypatch.setattr(consult.POLICY, "advisor_stale_s", options.advisor_stale_s)
    with running_central(db_url) as c:
        with c.db.session() as s:
            if options.advisors:
                consult.add_advisor(s, ADVISOR[0], ADVISOR[1], display_name=ADVISOR[2])
                consult.add_advisor(s, OTHER_POOL_ADVISOR[0], OTHER_POOL_ADVISOR[1], pool="binhai",
                                    display_name=OTHER_POOL_ADVISOR[2])
            if options.station_name is not None:
                row = s.get(StationConfig, STATION)
                row.config = {**row.config, "name": options.station_name}
        if options.setup is not None:
            options.setup(c)
        yield c
