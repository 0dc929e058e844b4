"""Each device kind is built from ``devices.<kind>.backend`` through its registry: the simulated
backends drive the real adapters over a pseudo-terminal; a wrong name or a missing port is a
clear error naming the key; ``none`` means the kiosk has no such device."""

from __future__ import annotations

import queue
import time

import pytest

from kiosk.config import DeviceConfig
from kiosk.devices.idcard.setup import build_card_reader
from kiosk.devices.scanner.setup import build_scanner
from kiosk.devices.speaker_setup import build_speaker
from kiosk.domain.scans import TEST_CODE


def _nothing(*_a) -> None:
    return None


def _wait(pred, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.parametrize("build", [
    lambda cfg: build_card_reader(cfg, _nothing, _nothing),
    lambda cfg: build_scanner(cfg, _nothing, _nothing, lambda _c: "unknown"),
])
def test_no_device_unknown_backend_and_missing_port(build):
    assert build(DeviceConfig(backend="none")) is None
    assert build(DeviceConfig(backend="")) is None
    with pytest.raises(ValueError, match=r"devices\.\w+\.backend: unknown backend 'bluetooth' \(known: simulated"):
        build(DeviceConfig(backend="bluetooth"))
    with pytest.raises(ValueError, match=r"devices\.\w+\.port: the serial backend needs a port"):
        build(DeviceConfig(backend="serial", port=""))


def test_simulated_card_reader_reads_a_card_and_stops_once():
    cards: queue.Queue = queue.Queue()
    reader = build_card_reader(DeviceConfig(backend="simulated"), lambda card, _photo: cards.put(card), _nothing)
    reader.start()
    try:
        reader.lay_demo_card()
        card = cards.get(timeout=15)
        assert len(card.id_number) == 18
        rows = {r.label: r.value for r in reader.section().rows()}
        assert rows["状态"] == "正常" and rows["本次开机读卡次数"] == "1"
        assert reader.health()["state"] == "ok"
    finally:
        reader.stop()
    reader.stop()  # idempotent
    assert not reader.service._thread.is_alive()


def test_simulated_scanner_hands_on_a_code_and_its_staff_test_names_the_kind():
    codes: queue.Queue = queue.Queue()
    scanner = build_scanner(DeviceConfig(backend="simulated"), codes.put, _nothing,
                            kind_of=lambda code: "test" if code == TEST_CODE else "unknown")
    scanner.start()
    try:
        assert _wait(lambda: scanner.service.state == "ok"), scanner.service.last_error
        scanner.simulator.scan("hello-kiosk")
        assert codes.get(timeout=15) == "hello-kiosk"
        assert scanner.test_scan() == f"扫码器正常：收到测试码（{len(TEST_CODE)} 个字符）"
        assert codes.empty()  # the staff test's scan logs nobody in
    finally:
        scanner.stop()
    scanner.stop()


def test_speaker_backends():
    speaker = build_speaker(DeviceConfig(backend="espeak-ng", options={"voice": "cmn", "player": ""}))
    assert speaker.voice == "cmn" and speaker.player is None
    silent = build_speaker(DeviceConfig(backend="none"))
    assert silent.espeak is None and silent.player is None
    with pytest.raises(ValueError, match="devices.speaker.backend: unknown backend 'festival'"):
        build_speaker(DeviceConfig(backend="festival"))
