"""Spoken call announcements and screen guidance, in Mandarin, offline.

Speech comes from espeak-ng (Debian package espeak-ng) through a subprocess, played with
``aplay`` (alsa-utils). The voice is ``cmn-latn-pinyin``: espeak-ng's ``cmn`` voice reads the
pinyin of its own dictionary with English rules ("bao3" as "b-a-o three"), the pinyin voice
reads the same dictionary as Mandarin (``python -m kiosk bench voice`` counts both).

Two kinds of speech share one thread. A call announcement (``say``) is a chime and the text;
calls queue, and while the kiosk is reading an ID card or printing, ``hold()`` keeps them
waiting, so the sound never cuts into a resident's transaction. Guidance (``guide``) is the
screen's one line: only the newest is kept, and a call stops it mid-word.

With no voice or no player installed the kiosk still works: it logs one clear line saying what
to install, and the banner on screen still shows every call.
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

RATE = 22050
DEFAULT_VOICE = "cmn-latn-pinyin"
#: how often a playing guidance line checks whether a call wants the speaker
POLL_S = 0.05


def has_sound_card(cards: Path = Path("/proc/asound/cards")) -> bool:
    """Whether ALSA sees a sound card (a kiosk without one cannot guide by voice)."""
    try:
        text = cards.read_text()
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


def write_chime(path: Path, rate: int = RATE) -> Path:
    """A two-tone 'ding-dong' (E6 then C6), generated so no sound file ships with the code."""
    frames = bytearray()
    for freq, dur in ((1318.5, 0.35), (1046.5, 0.55)):
        n = int(rate * dur)
        for i in range(n):
            env = math.exp(-4.0 * i / n)
            frames += struct.pack("<h", int(12000 * env * math.sin(2 * math.pi * freq * i / rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


class Speaker:
    def __init__(self, voice: str = DEFAULT_VOICE, speed_wpm: int = 140, player: str | None = "aplay",
                 workdir: Path | None = None, volume: int = 100) -> None:
        self.voice = voice
        self.speed = speed_wpm
        self.volume = volume
        self.espeak = shutil.which("espeak-ng")
        self.player = shutil.which(player) if player else None
        #: an empty player renders the WAVs without playing them (a test bench, a silent demo)
        self.record_only = not player
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="kiosk-speaker-"))
        self.chime = self.workdir / "chime.wav"  # written by the speaker thread, not at start-up
        self._lock = threading.Condition()
        self._calls: deque[str] = deque()
        self._guidance: str | None = None
        #: the voice of the pending guidance line (None: ``voice``, the Mandarin one)
        self._guidance_voice: str | None = None
        self._stopping = False
        self._guide_proc: subprocess.Popen | None = None
        self._holds = 0
        self._released = threading.Condition()
        self.spoken: list[str] = []  # what was announced, for the staff screen and the tests
        #: guidance lines rendered (and played, if there is a player), newest last
        self.guided: list[str] = []
        #: the voice each guided line was rendered with
        self.guided_voices: list[str] = []
        self._next_voice: str | None = None
        #: the WAV of the last guidance line
        self.last_guidance_wav: Path | None = None
        self._thread: threading.Thread | None = None
        if not self.espeak:
            log.warning("no voice: espeak-ng is not installed (apt-get install espeak-ng); calls are shown, not spoken")
        if player and not self.player:
            log.warning("no audio player: %s is not installed (apt-get install alsa-utils); calls are not heard", player)

    def silent_reason(self, sound_card: bool | None = None) -> str:
        """Why spoken guidance cannot work here ("" when it can): shown on the staff screen."""
        if not self.espeak:
            return "未安装语音合成（espeak-ng），语音引导已关闭"
        if self.record_only:
            return ""
        if not self.player:
            return "未安装音频播放程序（alsa-utils），语音引导已关闭"
        if not (has_sound_card() if sound_card is None else sound_card):
            return "没有音频设备，语音引导已关闭"
        return ""

    def start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="kiosk-speaker", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._interrupt()
        if self._thread:
            self._thread.join(timeout=5)
            self._thread = None

    def say(self, text: str) -> None:
        """A call announcement: queued, and it stops any guidance being spoken."""
        with self._lock:
            self._calls.append(text)
            self._lock.notify_all()
        self._interrupt()

    def guide(self, text: str, voice: str | None = None) -> None:
        """A screen's guidance line: replaces any line not spoken yet, and the one being spoken.
        ``voice``: another espeak-ng voice for it (an English visit's ``en``)."""
        with self._lock:
            self._guidance, self._guidance_voice = text, voice
            self._lock.notify_all()
        self._interrupt()

    def hush(self) -> None:
        """Stop guidance (the visit ended, the resident turned the voice off)."""
        with self._lock:
            self._guidance = None
        self._interrupt()

    def _interrupt(self) -> None:
        proc = self._guide_proc
        if proc is not None and proc.poll() is None:
            proc.terminate()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """No announcement starts while held (ID read, printing)."""
        with self._released:
            self._holds += 1
        try:
            yield
        finally:
            with self._released:
                self._holds -= 1
                self._released.notify_all()

    def synthesize(self, text: str, out: Path, voice: str | None = None) -> bool:
        if not self.espeak:
            return False
        r = subprocess.run([self.espeak, "-v", voice or self.voice, "-s", str(self.speed), "-a", str(self.volume),
                            "-w", str(out), text], capture_output=True, timeout=20, check=False)
        if r.returncode != 0:
            log.error("espeak-ng failed (%s): %s", r.returncode, r.stderr.decode(errors="replace")[:200])
            return False
        return True

    def _play(self, path: Path) -> None:
        if self.player:
            r = subprocess.run([self.player, "-q", str(path)], capture_output=True, timeout=30, check=False)
            if r.returncode != 0:
                log.warning("audio player failed (%s): %s", r.returncode, r.stderr.decode(errors="replace")[:200])

    def _next(self) -> tuple[str, str] | None:
        with self._lock:
            self._lock.wait_for(lambda: self._stopping or self._calls or self._guidance is not None)
            if self._stopping:
                return None
            if self._calls:
                return "call", self._calls.popleft()
            text, self._guidance = self._guidance, None
            self._next_voice = self._guidance_voice
            return "guide", text

    def _superseded(self) -> bool:
        with self._lock:
            return self._stopping or bool(self._calls) or self._guidance is not None

    def _run(self) -> None:
        write_chime(self.chime)
        n = 0
        while (item := self._next()) is not None:
            kind, text = item
            n += 1
            if kind == "call":
                with self._released:
                    self._released.wait_for(lambda: self._holds == 0)
                speech = self.workdir / f"call-{n % 4}.wav"
                self._play(self.chime)
                if self.synthesize(text, speech):
                    self._play(speech)
                self.spoken.append(text)
            else:
                self._speak_guidance(text, self.workdir / f"guide-{n % 4}.wav", self._next_voice)

    def _speak_guidance(self, text: str, wav: Path, voice: str | None = None) -> None:
        if not self.synthesize(text, wav, voice) or self._superseded():
            return
        self.last_guidance_wav = wav
        self.guided.append(text)
        self.guided_voices.append(voice or self.voice)
        if not self.player:
            return
        proc = self._guide_proc = subprocess.Popen([self.player, "-q", str(wav)], stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.DEVNULL)
        try:
            while proc.poll() is None:
                if self._superseded():
                    proc.terminate()
                try:
                    proc.wait(timeout=POLL_S)
                except subprocess.TimeoutExpired:
                    continue
        finally:
            self._guide_proc = None
