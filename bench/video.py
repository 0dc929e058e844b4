"""A 640x480 video consultation on this machine: ``python -m kiosk bench video [--seconds 20]``.

Central runs as ``python -m central serve`` in its own process; the advisor is headless Chromium
(fake camera and microphone) on the advisor console; this process is the kiosk: the aiortc peer
sending the 640x480 test pattern and tone, and a Kivy window laid out as the call screen: a
``VideoView`` filling the stage for the advisor's frames (the picture and its bars), a small one
for the kiosk's own picture, paced by the large one, and the controls' opaque panel (under Xvfb, or SDL's offscreen driver when there is no display). The advisor's fake
camera sends 30 frames a second (``--advisor-fps``). ``--frames yuv|rgb`` overrides what the
views ask for (rgb24 when GL runs in software, yuv420p planes for the shader on a GPU), to
compare the two paths.

Figures (medians of one-second samples over the measured window, after a warm-up):

* ``fps_received``: advisor video frames the kiosk decoded per second;
* ``fps_rendered``: frames blitted into the kiosk's texture per second;
* ``frame_latency_ms``: kiosk camera → advisor screen, end to end (encode, network, decode,
  render): the pattern carries its frame number, the browser reads it off each frame it shows,
  both sides stamp with this machine's clock;
* ``cpu_percent``: the kiosk process's CPU during the call (100 = one core);
  same-run baseline ``idle_cpu_percent``: the same process and window before the call;
* ``cpu_by_thread``: where that CPU went (100 = one core), by thread: the Kivy main thread, the
  video loop, aiortc's codec threads, the RGB conversion thread, Mesa's llvmpipe threads ...
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KIOSK_ID, SECRET, STATION = "bench-kiosk", "bench-secret-0123456789", "TJ-HP-NSJ-01"
ADVISOR, PASSWORD = "bench-advisor", "bench-pass"


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _central(db_url: str, port: int) -> subprocess.Popen:
    py = [sys.executable, "-m", "central", "--db", db_url]
    subprocess.run([*py, "register-kiosk", KIOSK_ID, "--station", STATION, "--secret", SECRET], cwd=PROJECT_ROOT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([*py, "add-advisor", ADVISOR, "--password", PASSWORD], cwd=PROJECT_ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen([*py, "serve", "--port", str(port), "--quiet", "--demo"], cwd=PROJECT_ROOT,
                            stderr=subprocess.DEVNULL)
    import requests

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/advisor/login", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("central did not start")


def _threads_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds so far of each of this process's threads, by thread id, with a name."""
    import threading

    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
            comm = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[int(tid)] = (names.get(int(tid), comm), (int(fields[11]) + int(fields[12])) / tick)
    return out


def _cpu_by_thread(before: dict, after: dict, seconds: float) -> dict[str, float]:
    """Percent of one core per thread name (threads of one pool summed), busiest first."""
    import re

    total: dict[str, float] = {}
    for tid, (name, cpu) in after.items():
        used = cpu - before.get(tid, (name, 0.0))[1]
        key = re.sub(r"[-_]\d+$", "", name)
        total[key] = total.get(key, 0.0) + used
    return {k: round(100 * v / seconds, 1) for k, v in sorted(total.items(), key=lambda kv: -kv[1]) if v > 0}


def _window(width: int, height: int):  # noqa: ANN202
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "maxfps", "30")
    Config.set("graphics", "multisamples", "0")  # as the kiosk runs (kiosk/bootstrap.py)
    Config.set("kivy", "log_level", "warning")
    from kivy.base import EventLoop, runTouchApp
    from kivy.core.window import Window
    from kivy.graphics import Callback, Color, Rectangle
    from kivy.uix.widget import Widget

    from kiosk.widgets.opaque import blend, no_blend
    from kiosk.widgets.video_view import BAR_COLOR, VideoView

    # as on the call screen: the controls' opaque panel below (portrait) or beside (landscape)
    # the stage, the advisor's view filling the stage (the picture and its bars), the resident's
    # picture in the stage's corner; every pixel of the window is drawn with each frame
    if height > width:
        panel_pos, panel_size = (0, 0), (width, CONTROLS_H)
        stage_pos, stage_size = (0, CONTROLS_H), (width, height - CONTROLS_H)
    else:
        side = min(560, width * 0.32)
        panel_pos, panel_size = (width - side, 0), (side, height)
        stage_pos, stage_size = (0, 0), (width - side, height)
    panel = Widget(size_hint=(None, None), pos=panel_pos, size=panel_size)
    with panel.canvas:
        Callback(no_blend)
        Color(0.12, 0.13, 0.16, 1)
        Rectangle(pos=panel_pos, size=panel_size)
        Callback(blend)
    Window.add_widget(panel)
    Window.clearcolor = BAR_COLOR  # the stage's bars, as the call screen clears them
    view = VideoView(bars=False, size_hint=(None, None), size=stage_size, pos=stage_pos)
    Window.add_widget(view)
    local_w = min(stage_size[0] * 0.3, 420)
    local = VideoView(mirror=True, paced_by=view, size_hint=(None, None), size=(local_w, local_w * 3 / 4),
                      pos=(stage_pos[0] + stage_size[0] - local_w - 24, stage_pos[1] + 24))
    Window.add_widget(local)
    Window.bind(on_flip=lambda *_: REDRAWS.__setitem__(0, REDRAWS[0] + 1))
    runTouchApp(embedded=True)
    return view, local, EventLoop


#: the call screen's controls panel in portrait (1080x1920: 354 px)
CONTROLS_H = 354
LOOP_TURNS = [0]
#: redraws of the window (a loop turn redraws only when something changed)
REDRAWS = [0]


def _spin(event_loop, seconds: float, each_second=None) -> None:  # noqa: ANN001
    """Run the Kivy loop (capped at 30 fps by maxfps) for ``seconds``, calling ``each_second``."""
    end = time.monotonic() + seconds
    tick = time.monotonic() + 1
    while time.monotonic() < end:
        event_loop.idle()
        LOOP_TURNS[0] += 1
        if each_second and time.monotonic() >= tick:
            tick += 1
            each_second()


def main(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m kiosk bench video")
    ap.add_argument("--seconds", type=float, default=20.0, help="measured call time")
    ap.add_argument("--warmup", type=float, default=4.0, help="call time before measuring (the encoders ramp up)")
    ap.add_argument("--idle-seconds", type=float, default=6.0, help="idle baseline before the call")
    ap.add_argument("--window", default="1080x1920", help="the kiosk window (default: the portrait screen)")
    ap.add_argument("--advisor-fps", type=int, default=30, help="frames a second of the advisor's fake camera")
    ap.add_argument("--frames", choices=("auto", "yuv", "rgb"), default="auto",
                    help="how frames reach the views: as the views ask (auto), yuv420p planes to the GPU "
                         "shader, or rgb24 converted on the CPU")
    args = ap.parse_args(argv)

    import psutil
    from playwright.sync_api import sync_playwright

    from kiosk.config import VideoConfig
    from kiosk.domain.consult import ConsultListener, ConsultState
    from kiosk.sync.client import CentralClient
    from kiosk.video import harness
    from kiosk.video.service import ConsultService

    load_start = os.getloadavg()[0]
    w, _, h = args.window.partition("x")
    view, local, event_loop = _window(int(w), int(h))
    blits: list[float] = []
    blit = view._blit

    def timed_blit(*a) -> None:  # noqa: ANN002
        t = time.perf_counter()
        blit(*a)
        blits.append((time.perf_counter() - t) * 1000)

    view._blit = timed_blit  # the view's trigger calls it, then draws the paced preview's frame
    import logging

    # Kivy leaves the root logger at DEBUG; aiortc logs every RTP packet there
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("aiortc", "aioice", "urllib3", "kivy"):
        logging.getLogger(name).setLevel(logging.WARNING)
    proc = psutil.Process()
    sent: dict[int, float] = {}

    class Listener(ConsultListener):
        def takes_yuv(self, local_: bool = False) -> bool:
            target = local if local_ else view
            return {"auto": target.yuv, "yuv": target.draws_yuv, "rgb": False}[args.frames]

        def on_remote_frame(self, frame) -> None:  # noqa: ANN001
            view.push(frame)

        def on_local_frame(self, frame) -> None:  # noqa: ANN001
            local.push(frame)

    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-video-") as d:
        _say("starting central ...")
        central = _central(f"sqlite:///{Path(d) / 'central.sqlite3'}", port)
        try:
            svc = ConsultService(VideoConfig(enabled=True), CentralClient(url, KIOSK_ID, SECRET), None, STATION,
                                 frame_sent=lambda n, t: sent.__setitem__(n & 0xFFFF, t))
            svc.media  # noqa: B018 - wait for aiortc to load before the idle baseline
            _say(f"idle baseline: {args.idle_seconds:.0f} s of the kiosk window with no call ...")
            proc.cpu_percent(None)
            idle_cpu: list[float] = []
            idle_turns: list[int] = []

            def idle_sample() -> None:
                idle_cpu.append(proc.cpu_percent(None))
                idle_turns.append(LOOP_TURNS[0])
                LOOP_TURNS[0] = 0

            LOOP_TURNS[0] = 0
            _spin(event_loop, args.idle_seconds, idle_sample)
            with sync_playwright() as pw:
                browser = harness.launch(pw, camera_fps=args.advisor_fps)
                page = harness.advisor_login(browser, url, ADVISOR, PASSWORD)
                call = svc.start("求职指导", None, Listener())
                page.wait_for_function("document.querySelectorAll('#waiting button').length === 1", timeout=20000)
                page.click("#b-next")
                deadline = time.monotonic() + 30
                while call.state is not ConsultState.IN_CALL:
                    if time.monotonic() > deadline or call.state.value in ("ended", "failed"):
                        raise RuntimeError(f"the call did not connect ({call.state.value})")
                    _spin(event_loop, 0.1)
                _say(f"in call; warming up {args.warmup:.0f} s, then measuring {args.seconds:.0f} s ...")
                harness.install_latency_probe(page)
                _spin(event_loop, args.warmup)
                samples: list[tuple[float, int, int, float]] = []
                last = [call.video_frames_received, view.frames_rendered]
                proc.cpu_percent(None)
                t0 = time.monotonic()
                measure_from = time.time()
                threads_before = _threads_cpu()

                turns: list[int] = []
                redraws: list[int] = []
                blits.clear()

                def sample() -> None:
                    got, drawn = call.video_frames_received, view.frames_rendered
                    samples.append((proc.cpu_percent(None), got - last[0], drawn - last[1], time.monotonic()))
                    last[:] = [got, drawn]
                    turns.append(LOOP_TURNS[0])
                    redraws.append(REDRAWS[0])
                    LOOP_TURNS[0] = REDRAWS[0] = 0

                LOOP_TURNS[0] = REDRAWS[0] = 0

                _spin(event_loop, args.seconds, sample)
                measured = time.monotonic() - t0
                by_thread = _cpu_by_thread(threads_before, _threads_cpu(), measured)
                shown = harness.latency_samples(page)
                browser_frames = harness.counters(page)["framesRendered"]
                call.hang_up()
                call.wait_finished(15)
                browser.close()
            svc.stop()
        finally:
            central.terminate()
            central.wait(timeout=10)

    lat = []
    for n, shown_ms in shown:  # the browser's clock: ms since the epoch
        t = shown_ms / 1000
        if n in sent and measure_from <= t and 0 <= t - sent[n] < 5:
            lat.append((t - sent[n]) * 1000)
    cpu = [c for c, *_ in samples]
    return {
        "fps_received": statistics.median(s[1] for s in samples),
        "fps_rendered": statistics.median(s[2] for s in samples),
        "frame_latency_ms": round(statistics.median(lat), 1) if lat else None,
        "frame_latency_p90_ms": round(statistics.quantiles(lat, n=10)[-1], 1) if len(lat) >= 10 else None,
        "latency_samples": len(lat),
        "cpu_percent": round(statistics.median(cpu), 1),
        "idle_cpu_percent": round(statistics.median(idle_cpu), 1) if idle_cpu else None,
        "cpu_cores": psutil.cpu_count(),
        "cpu_by_thread": by_thread,
        "frames": "yuv420p" if Listener().takes_yuv() else "rgb24",
        "advisor_camera_fps": args.advisor_fps,
        # the Kivy main loop's turns per second (maxfps 30) in the call and idle, and one blit's cost
        "ui_loop_fps": statistics.median(turns) if turns else None,
        "idle_ui_loop_fps": statistics.median(idle_turns) if idle_turns else None,
        # the window's redraws per second in the call: each costs llvmpipe a full 1080x1920 frame
        "ui_redraws_per_s": statistics.median(redraws) if redraws else None,
        "blit_ms": round(statistics.median(blits), 2) if blits else None,
        "advisor_fps_rendered_mean": round(browser_frames / (measured + args.warmup), 1),
        "seconds": round(measured, 1),
        "resolution": "640x480",
        # the machine is shared: the 1-minute load average at the start and end of the run
        "load_avg_1m": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "ok": bool(samples) and bool(lat),
    }
