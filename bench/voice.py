"""The offline Mandarin voices compared: ``python -m kiosk bench voice [--runs 3]``.

Every line the kiosk says (each screen's guidance, a queue call, a vacancy read aloud, the idle
countdown) goes through each candidate voice. Per voice: how many of its syllables espeak-ng
could not read as Mandarin (its phoneme output switches to English, ``(en)``, and spells the
pinyin: "bao3" as "b-a-o three"), and the median time to render a line to a WAV. The baseline
is the voice the kiosk used before, ``cmn``, measured in the same run. Progress goes to stderr.

Voices whose package ships no model (piper-tts, sherpa-onnx, kokoro: their Mandarin models are
downloaded at first use) and engines with no Mandarin in Debian 12 (festival, pico) are not
candidates: a kiosk must speak without the network.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

VOICES = ("cmn", "cmn-latn-pinyin")
BASELINE = "cmn"


def lines() -> list[str]:
    from kiosk.core.guidance import ACTIONS, COUNTDOWN
    from kiosk.domain.calls import Call, announcement_text
    from kiosk.domain.spoken import speakable

    said = [speakable(a) for a in ACTIONS.values()]
    said.append(announcement_text(Call("1", "A013", "2")))
    said.append(speakable("岗位：保洁员。工资：3500-4500元/月。离这里1.2公里，步行大约15分钟。招聘单位：天津和美物业服务有限公司。"
                          "上班时间：08:00-17:00，单休"))
    said.append(COUNTDOWN.format(s=30))
    return said


def _syllables(phonemes: str) -> tuple[int, int]:
    """(syllables read as Mandarin, syllables that fell to English) in espeak-ng's -x output."""
    mandarin = english = 0
    lang = "(cmn)"
    for part in re.split(r"(\(\w+\))", phonemes):
        if re.fullmatch(r"\(\w+\)", part):
            lang = part
            continue
        n = len(re.findall(r"_\|", part))
        if lang == "(en)":
            english += n
        else:
            mandarin += n
    return mandarin, english


def measure(voice: str, said: list[str], runs: int, workdir: Path) -> dict:
    espeak = shutil.which("espeak-ng")
    mandarin = english = 0
    render_ms: list[float] = []
    seconds = 0.0
    for i, text in enumerate(said):
        out = subprocess.run([espeak, "-v", voice, "-x", "-q", text], capture_output=True, text=True, check=True)
        m, e = _syllables(out.stdout)
        mandarin, english = mandarin + m, english + e
        wav = workdir / f"{voice}-{i}.wav"
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([espeak, "-v", voice, "-w", str(wav), text], capture_output=True, check=True)
            render_ms.append((time.perf_counter() - t0) * 1000)
        with wave.open(str(wav), "rb") as w:
            seconds += w.getnframes() / w.getframerate()
    total = mandarin + english
    return {"lines": len(said), "syllables": total, "english_fallback": english,
            "english_fallback_share": round(english / max(1, total), 3),
            "render_ms_median": round(statistics.median(render_ms), 1), "speech_s_total": round(seconds, 1)}


def main(argv: list[str]) -> dict:
    p = argparse.ArgumentParser(prog="python -m kiosk bench voice")
    p.add_argument("--runs", type=int, default=3, help="renders of each line per voice (median taken)")
    args = p.parse_args(argv)
    if not shutil.which("espeak-ng"):
        return {"ok": False, "error": "espeak-ng is not installed (apt-get install espeak-ng)"}
    said = lines()
    out: dict = {"voices": {}}
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        for voice in VOICES:
            print(f"voice {voice}: {len(said)} lines x {args.runs} renders ...", file=sys.stderr, flush=True)
            out["voices"][voice] = measure(voice, said, args.runs, Path(tmp))
    base = out["voices"][BASELINE]
    for name, fig in out["voices"].items():
        fig["render_vs_baseline"] = round(fig["render_ms_median"] / max(0.1, base["render_ms_median"]), 2)
    out["chosen"] = min(VOICES, key=lambda v: out["voices"][v]["english_fallback"])
    return out
