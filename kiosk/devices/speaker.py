"""Spoken call announcements: a chime, then the text in Mandarin, offline.

Speech comes from espeak-ng (Debian package espeak-ng, voice ``cmn``) through a subprocess,
played with ``aplay`` (alsa-utils). Announcements queue on their own thread. While the kiosk
is reading an ID card or printing, ``hold()`` keeps them waiting, so the sound never cuts into
a resident's transaction; they play as soon as the hold is released.

With no voice or no player installed the kiosk still works: it logs one clear line saying what
to install, and the banner on screen still shows every call.
"""

from __future__ import annotations

import logging
import math
import queue
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

RATE = 22050


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
    def __init__(self, voice: str = "cmn", speed_wpm: int = 140, player: str | None = "aplay",
                 workdir: Path | None = None) -> None:
        self.voice = voice
        self.speed = speed_wpm
        self.espeak = shutil.which("espeak-ng")
        self.player = shutil.which(player) if player else None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="kiosk-speaker-"))
        self.chime = self.workdir / "chime.wav"  # written by the speaker thread, not at start-up
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._holds = 0
        self._released = threading.Condition()
        self.spoken: list[str] = []  # what was announced, for the staff screen and the tests
        self._thread: threading.Thread | None = None
        if not self.espeak:
            log.warning("no voice: espeak-ng is not installed (apt-get install espeak-ng); calls are shown, not spoken")
        if player and not self.player:
            log.warning("no audio player: %s is not installed (apt-get install alsa-utils); calls are not heard", player)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kiosk-speaker", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)
        if self._thread:
            self._thread.join(timeout=5)
            self._thread = None

    def say(self, text: str) -> None:
        self._queue.put(text)

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

    def synthesize(self, text: str, out: Path) -> bool:
        if not self.espeak:
            return False
        r = subprocess.run([self.espeak, "-v", self.voice, "-s", str(self.speed), "-w", str(out), text],
                           capture_output=True, timeout=20, check=False)
        if r.returncode != 0:
            log.error("espeak-ng failed (%s): %s", r.returncode, r.stderr.decode(errors="replace")[:200])
            return False
        return True

    def _play(self, path: Path) -> None:
        if self.player:
            r = subprocess.run([self.player, "-q", str(path)], capture_output=True, timeout=30, check=False)
            if r.returncode != 0:
                log.warning("audio player failed (%s): %s", r.returncode, r.stderr.decode(errors="replace")[:200])

    def _run(self) -> None:
        write_chime(self.chime)
        n = 0
        while True:
            text = self._queue.get()
            if text is None:
                return
            with self._released:
                self._released.wait_for(lambda: self._holds == 0)
            n += 1
            speech = self.workdir / f"call-{n % 4}.wav"
            self._play(self.chime)
            if self.synthesize(text, speech):
                self._play(speech)
            self.spoken.append(text)
