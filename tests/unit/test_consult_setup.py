"""services.consult is there from the start and builds the real service when first needed."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from kiosk.config import load_config
from kiosk.consult_setup import LateConsult, late_consult
from kiosk.domain.consult import ConsultCalls, ConsultListener

CFG = load_config(env={})


def test_video_off_means_no_consultation():
    assert late_consult(replace(CFG, video=replace(CFG.video, enabled=False)), None, False) is None


def test_topics_at_once_the_service_on_first_use_and_one_stop():
    late = late_consult(CFG, None, central_enabled=False)
    assert isinstance(late, ConsultCalls) and not late.built
    assert late.topics == tuple(CFG.video.topics) and late.identity_required == frozenset(
        CFG.video.identity_required_topics)
    late.end_all()  # a visit ending before anyone asked builds nothing
    assert not late.built
    try:
        # central not configured: the real service answers 'unreachable'
        assert late.availability(late.topics[0]).reason == "unreachable"
        assert late.built and late.current is None  # the built service's own attributes show through
        late.unreachable_after_s = 3.0
        assert late.install().unreachable_after_s == 3.0
    finally:
        late.stop()
    late.stop()


def test_nothing_is_built_after_stop():
    late = late_consult(CFG, None, central_enabled=False)
    late.stop()
    assert late.install() is None and not late.built
    assert late.availability(late.topics[0]).reason == "unreachable"


def test_video_libraries_missing_means_unreachable_not_a_crash(caplog):
    def build():
        raise ImportError("No module named 'aiortc'")

    late = LateConsult(("求职指导",), frozenset(), build)
    with caplog.at_level(logging.ERROR, logger="kiosk.consult_setup"):
        assert late.availability("求职指导").reason == "unreachable"
    assert "video consultation disabled" in caplog.text
    with pytest.raises(RuntimeError, match="cannot run"):
        late.start("求职指导", None, ConsultListener())
    late.warm_up()
    late.stop()


def test_start_passes_how_the_resident_identified():
    started = []

    class Service:
        def start(self, topic, person_key, listener, identity="none"):  # noqa: ANN001, ANN202
            started.append((topic, person_key, identity))

    late = LateConsult(("政策咨询",), frozenset({"政策咨询"}), Service)
    late.start("政策咨询", "key", ConsultListener(), identity="idcard")
    assert started == [("政策咨询", "key", "idcard")]
