"""The announcer speaks Mandarin offline, plays a chime first, and waits while a device is busy."""

from __future__ import annotations

import array
import shutil
import threading
import time
import wave

import pytest

from kiosk.devices.speaker import Speaker, write_chime
from kiosk.domain.calls import Call, announcement_text


def _energy(path) -> tuple[float, float]:
    with wave.open(str(path)) as w:
        seconds = w.getnframes() / w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    rms = (sum(s * s for s in samples[::50]) / max(1, len(samples[::50]))) ** 0.5
    return seconds, rms


def test_chime_is_real_sound(tmp_path):
    seconds, rms = _energy(write_chime(tmp_path / "c.wav"))
    assert 0.8 < seconds < 1.0 and rms > 1000


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_mandarin_speech_is_synthesized(tmp_path):
    sp = Speaker(player=None, workdir=tmp_path)
    out = tmp_path / "call.wav"
    assert sp.synthesize(announcement_text(Call("1", "A013", "2")), out)
    seconds, rms = _energy(out)
    assert seconds > 2.0 and rms > 300


def test_missing_voice_is_logged_once_and_calls_still_flow(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    sp = Speaker(workdir=tmp_path)
    assert "espeak-ng is not installed" in caplog.text and "alsa-utils" in caplog.text
    assert not sp.synthesize("测试", tmp_path / "x.wav")
    sp.start()
    sp.say("请，A零零一号")
    deadline = time.monotonic() + 5
    while not sp.spoken and time.monotonic() < deadline:
        time.sleep(0.01)
    sp.stop()
    assert sp.spoken == ["请，A零零一号"]


def test_announcements_wait_while_a_device_is_busy(tmp_path):
    sp = Speaker(player=None, workdir=tmp_path)
    sp.espeak = None  # timing of the hold only
    sp.start()
    held = threading.Event()
    release = threading.Event()

    def printing():
        with sp.hold():
            held.set()
            release.wait(5)

    t = threading.Thread(target=printing)
    t.start()
    held.wait(5)
    sp.say("请，A零零二号")
    time.sleep(0.3)
    assert sp.spoken == []  # not while the print runs
    release.set()
    t.join()
    deadline = time.monotonic() + 5
    while not sp.spoken and time.monotonic() < deadline:
        time.sleep(0.01)
    sp.stop()
    assert sp.spoken == ["请，A零零二号"]
