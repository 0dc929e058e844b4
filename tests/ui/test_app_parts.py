"""The composition root: Services complete from the start, every running part known to the one
stop_all, and the station's clock following the link to central."""

from __future__ import annotations

from dataclasses import fields

import pytest

from kiosk.consult_setup import LateConsult
from kiosk.services import Services
from tests.appfixture import wait_until

pytestmark = pytest.mark.ui


def test_services_are_built_complete(kiosk_app):
    services = kiosk_app.services
    missing = [f.name for f in fields(Services) if getattr(services, f.name) is None]
    assert missing == []  # the demo has every device and video on
    assert services.printer is kiosk_app.printer
    assert isinstance(services.consult, LateConsult)
    wait_until(lambda: services.consult.built, what="the consultation service, built after the first frame")


def test_every_running_part_is_stopped_by_stop_all_last_started_first(kiosk_app):
    wait_until(lambda: "link to central" in kiosk_app.parts.names, what="the link, started after the first frame")
    assert kiosk_app.parts.names == [
        "background worker", "video consultation", "idle guard", "idle frame rate", "speaker",
        "ID card reader", "virtual printer", "printer", "QR scanner", "link to central",
    ]


def test_the_queue_takes_its_clock_offset_from_the_link_to_central(kiosk_app):
    assert kiosk_app.services.queue.clock_offset_s == kiosk_app.link.clock_offset_s
