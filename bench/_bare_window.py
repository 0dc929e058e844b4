"""Baseline for ``bench startup``: a bare Kivy window showing one Chinese label, same font,
same size, same environment as the kiosk. Reports like the kiosk does, then exits."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    out = os.environ["KIOSK_BENCH_FIRST_FRAME"]
    font = os.environ["KIOSK_BENCH_FONT"]
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    width, _, height = os.environ.get("KIOSK_BENCH_WINDOW", "1080x1920").partition("x")
    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, font)
    import psutil
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.uix.label import Label

    class Bare(App):
        def build(self):
            self.label = Label(text="津彩e就业 轻触屏幕开始", font_size=72)
            Window.bind(on_flip=self.flipped)
            return self.label

        def flipped(self, *_):
            if self.label.texture is None:
                return
            Window.unbind(on_flip=self.flipped)
            proc = psutil.Process()
            now = time.time()
            Path(out).write_text(json.dumps({"first_frame_s": now - float(os.environ["KIOSK_BENCH_T0"]),
                                             "rss_mb": proc.memory_info().rss / 2**20}))
            self.stop()

    Bare().run()


if __name__ == "__main__":
    sys.exit(main())
