"""The kiosk's synthetic media: the pattern's frame code survives the colour conversion the
encoder does, the tone goes silent when muted, and odd widths convert without row padding."""

from __future__ import annotations

import asyncio

from kiosk.video.media import AudioOut, PatternTrack, ToneTrack, frame_from_rgb, read_code, rgb_bytes


def test_pattern_carries_its_frame_number():
    sent = []

    async def frames():
        t = PatternTrack(sent=lambda n, ts: sent.append(n))
        return [await t.recv() for _ in range(3)]

    got = asyncio.run(frames())
    assert sent == [0, 1, 2] and (got[2].width, got[2].height) == (640, 480)
    yuv = got[2].reformat(format="yuv420p")  # what the VP8 encoder gets
    assert read_code(rgb_bytes(yuv), 640) == 2


def test_tone_and_mute():
    async def two():
        t = ToneTrack()
        loud = await t.recv()
        t.muted = True
        return loud, await t.recv()

    loud, quiet = asyncio.run(two())
    assert loud.samples == 960 and loud.sample_rate == 48000
    assert any(bytes(loud.planes[0])) and not any(bytes(quiet.planes[0])[:1920])


def test_odd_width_has_no_row_padding():
    rgb = bytes(range(256)) * (641 * 3 * 5 // 256) + bytes(641 * 3 * 5 % 256)
    frame = frame_from_rgb(rgb, 641, 5)
    assert frame.planes[0].line_size > 641 * 3
    assert rgb_bytes(frame) == rgb


def test_audio_out_none_drops_frames_quietly(caplog):
    async def one():
        return await ToneTrack().recv()

    out = AudioOut("none")
    out.write(asyncio.run(one()))
    assert out.frames == 1 and not caplog.records


def test_audio_out_missing_device_logs_once(caplog):
    async def one():
        return await ToneTrack().recv()

    out = AudioOut("alsa:no-such-device-here")
    frame = asyncio.run(one())
    for _ in range(3):
        out.write(frame)
    assert out.frames == 3
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "video.audio_out" in errors[0].getMessage()
