"""Building the call announcer from ``[devices.speaker]``.

Backends: ``espeak-ng`` (Mandarin speech from espeak-ng with ``options.voice``, at
``options.volume`` (0-200), played with ``options.player``, aplay by default; an empty player
synthesizes without playing) and ``none`` (calls are shown, not
spoken). Either way the speaker keeps the list of what it announced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.devices.registry import Backend, resolve
from kiosk.devices.speaker import DEFAULT_VOICE, Speaker

if TYPE_CHECKING:
    from kiosk.config import DeviceConfig

#: the speaker's name on the staff screen (a configuration error is shown under it)
TITLE = "语音播报"
REGISTRY: dict[str, str] = {
    "espeak-ng": "kiosk.devices.speaker_setup:espeak_ng",
}


def espeak_ng(cfg: DeviceConfig) -> Backend:
    voice, player = cfg.options.get("voice", DEFAULT_VOICE), cfg.options.get("player", "aplay")
    volume = int(cfg.options.get("volume", 100))
    if not 0 <= volume <= 200:
        raise ValueError(f"devices.speaker.options.volume: {volume} is out of range (0-200, espeak-ng's amplitude)")
    return Backend(lambda: Speaker(voice=voice, player=player, volume=volume))


def build_speaker(cfg: DeviceConfig) -> Speaker:
    """The speaker (not started) for ``cfg.backend``; raises ValueError for an unknown backend."""
    backend = resolve("speaker", REGISTRY, cfg)
    if backend is None:
        silent = Speaker(player=None)
        silent.espeak = None  # nothing is synthesized either
        return silent
    return backend.open()

