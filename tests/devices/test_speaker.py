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


def _slow_player(tmp_path):
    """A stand-in for aplay that takes 30 s to "play" (and can be stopped), so a test sees the cut."""
    player = tmp_path / "slowplay"
    player.write_text("#!/bin/sh\nexec sleep 30\n")
    player.chmod(0o755)
    return str(player)


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_a_call_stops_guidance_mid_word_and_is_announced(tmp_path):
    sp = Speaker(player=_slow_player(tmp_path), workdir=tmp_path)
    sp._play = lambda _path: None  # the call's chime and words: not through the 30 s stand-in
    sp.start()
    try:
        sp.guide("找工作。请点上面的工种")
        deadline = time.monotonic() + 20
        while sp._guide_proc is None and time.monotonic() < deadline:
            time.sleep(0.01)
        playing = sp._guide_proc
        assert playing is not None and playing.poll() is None and sp.guided == ["找工作。请点上面的工种"]
        sp.say("请，A零零三号，到2号窗口办理")
        while not sp.spoken and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sp.spoken == ["请，A零零三号，到2号窗口办理"]
        assert playing.poll() is not None  # the guidance was cut, not waited for
    finally:
        sp.stop()


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_only_the_newest_guidance_is_spoken(tmp_path):
    sp = Speaker(player=None, workdir=tmp_path)
    release = threading.Event()
    real = sp.synthesize

    def slow_first(text, out, voice=None):
        release.wait(10)
        return real(text, out, voice)

    sp.synthesize = slow_first
    sp.start()
    try:
        sp.guide("首页")
        sp.guide("找工作")  # arrives while 首页 waits or is being rendered
        sp.guide("岗位详情")
        release.set()
        deadline = time.monotonic() + 20
        while "岗位详情" not in sp.guided and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sp.guided[-1] == "岗位详情" and "找工作" not in sp.guided
        seconds, rms = _energy(sp.last_guidance_wav)
        assert seconds > 0.5 and rms > 300
    finally:
        sp.stop()


def test_why_the_kiosk_cannot_guide(tmp_path):
    sp = Speaker(player="sh", workdir=tmp_path)
    if sp.espeak:
        assert sp.silent_reason(sound_card=False) == "没有音频设备，语音引导已关闭"
        assert sp.silent_reason(sound_card=True) == ""
        assert Speaker(player=None, workdir=tmp_path).silent_reason(sound_card=False) == ""  # renders WAVs only
    sp.espeak = None
    assert "espeak-ng" in sp.silent_reason(sound_card=True)
