"""Text as it should be heard: numbers, times, ranges and units read the way people say them.

espeak-ng reads digits as Chinese numbers already ("3500" → 三千五百), but it drops a decimal
point, reads "09:30" as 九 三十, says "slash" for "/" and skips the dash of a range. These
rewrites run before the text reaches the voice.
"""

from __future__ import annotations

import re

_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)")
_RANGE = re.compile(r"(\d)\s*[-~～－—至]\s*(\d)")
_DECIMAL = re.compile(r"(\d)\.(\d)")
_PER = {"/月": "每月", "/天": "每天", "/日": "每天", "/小时": "每小时", "/时": "每小时", "/年": "每年", "/次": "每次"}
_UNITS = ((re.compile(r"(\d)\s*km\b", re.I), r"\1公里"), (re.compile(r"(\d)\s*m\b"), r"\1米"),
          (re.compile(r"(\d+(?:\.\d+)?)\s*%"), r"百分之\1"))
_PAUSES = re.compile(r"\s*[·•|/\\…—\n]+\s*")


def _clock(m: re.Match) -> str:
    hour, minute = int(m.group(1)), int(m.group(2))
    if minute == 0:
        return f"{hour}点"
    if minute == 30:
        return f"{hour}点半"
    return f"{hour}点零{minute}分" if minute < 10 else f"{hour}点{minute}分"


def speakable(text: str) -> str:
    """``text`` rewritten for the voice: 09:30 → 9点半, 3500-5000元/月 → 3500到5000元每月,
    1.2公里 → 1点2公里; symbols that would be spelled out become pauses."""
    out = _RANGE.sub(r"\1到\2", text)
    out = _TIME.sub(_clock, out)
    for per, words in _PER.items():
        out = out.replace(per, words)
    out = _DECIMAL.sub(r"\1点\2", out)
    for pattern, repl in _UNITS:
        out = pattern.sub(repl, out)
    out = _PAUSES.sub("，", out)
    return re.sub(r"，{2,}", "，", out).strip("， ")
