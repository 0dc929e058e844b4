"""Simulated touches that go through Kivy's real input pipeline (used by the tour and the tests)."""

from __future__ import annotations

from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent


class SimulatedTouch(MotionEvent):
    _next_id = 1000

    def __init__(self, x: float, y: float) -> None:
        win = EventLoop.window
        SimulatedTouch._next_id += 1
        super().__init__("simulated", SimulatedTouch._next_id,
                         {"x": x / (win.width - 1.0), "y": y / (win.height - 1.0)},
                         is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def depack(self, args: dict) -> None:
        self.sx = args["x"]
        self.sy = args["y"]
        super().depack(args)

    def down(self) -> None:
        EventLoop.post_dispatch_input("begin", self)

    def move_to(self, x: float, y: float) -> None:
        win = EventLoop.window
        self.move({"x": x / (win.width - 1.0), "y": y / (win.height - 1.0)})
        EventLoop.post_dispatch_input("update", self)

    def up(self) -> None:
        EventLoop.post_dispatch_input("end", self)


def tap_at(x: float, y: float) -> None:
    """Press and release at window coordinates; call ``EventLoop.idle()`` to deliver."""
    t = SimulatedTouch(x, y)
    t.down()
    t.up()


def tap(widget) -> None:
    """Tap the centre of a widget (converted to window coordinates), scrolled into sight first
    as a person would (an option below the fold in 长辈模式's large type)."""
    reveal(widget)
    x, y = widget.to_window(*widget.center)
    tap_at(x, y)


def reveal(widget) -> None:
    """Scroll the innermost ScrollView holding ``widget`` until its centre is in sight."""
    from kivy.uix.scrollview import ScrollView

    p = widget.parent
    while p is not None and p is not p.parent:
        if isinstance(p, ScrollView):
            if p.parent is None:
                return  # a panel out of the tree: nothing to scroll
            left, bottom = p.parent.to_window(p.x, p.y)
            x, y = widget.to_window(*widget.center)
            if not (left <= x <= left + p.width and bottom <= y <= bottom + p.height):
                p.scroll_to(widget, padding=20, animate=False)
                p.update_from_scroll()
            return
        p = p.parent
