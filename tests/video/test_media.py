"""The kiosk's synthetic media: the pattern is drawn in the encoder's yuv420p and its frame code
reads back in RGB, the tone goes silent when muted, odd widths convert without row padding, and
a frame reaches the screen as views of its planes or as rgb24."""

from __future__ import annotations

import asyncio

from kiosk.video.media import (
    AudioOut,
    PatternTrack,
    PreviewTap,
    ToneTrack,
    frame_from_rgb,
    read_code,
    remote_frame,
    rgb_bytes,
)


def test_pattern_carries_its_frame_number():
    sent = []

    async def frames():
        t = PatternTrack(sent=lambda n, ts: sent.append(n))
        return [await t.recv() for _ in range(3)]

    got = asyncio.run(frames())
    assert sent == [0, 1, 2] and (got[2].width, got[2].height) == (640, 480)
    assert got[2].format.name == "yuv420p"  # what the VP8 encoder takes, with nothing to convert
    assert read_code(rgb_bytes(got[2]), 640) == 2
    rgb = rgb_bytes(got[0])
    bars = [tuple(rgb[(300 * 640 + x) * 3:(300 * 640 + x) * 3 + 3]) for x in (40, 120, 600)]
    assert [tuple(round(c / 40) for c in px) for px in bars] == [(6, 6, 6), (6, 6, 0), (0, 0, 0)]


def test_frame_for_the_screen_as_planes_or_rgb():
    async def one():
        return await PatternTrack(width=402, height=240).recv()

    frame = asyncio.run(one())
    planes = remote_frame(frame, 1.0, yuv=True)
    assert planes.yuv and planes.rgb == b"" and planes.strides == tuple(p.line_size for p in frame.planes)
    assert all(isinstance(p, memoryview) for p in planes.planes)  # views of the decoder's frame, no copy
    assert bytes(planes.planes[0][:402]) == bytes(frame.planes[0])[:402]
    rgb = remote_frame(frame, 1.0, yuv=False)
    assert not rgb.yuv and len(rgb.rgb) == 402 * 240 * 3 and read_code(rgb.rgb, 402) == 0


def test_preview_shows_the_chosen_rate_of_the_cameras_frames():
    shown = []

    async def pull(fps: int, n: int) -> list[int]:  # n frames of a camera at fps, in real time
        camera = PatternTrack(width=400, height=240, fps=fps)
        tap = PreviewTap(camera, shown.append, fps=10)
        return [read_code(rgb_bytes(await tap.recv()), 400) for _ in range(n)]

    passed = asyncio.run(pull(30, 30))
    assert passed == list(range(30))  # every frame still goes to the encoder
    assert len(shown) == 10 and [read_code(f.rgb, 400) for f in shown] == list(range(0, 30, 3))
    shown.clear()
    asyncio.run(pull(15, 15))  # a rate that does not divide: 10 a second still, on average
    assert [read_code(f.rgb, 400) for f in shown] == [0, 2, 3, 5, 6, 8, 9, 11, 12, 14]


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
