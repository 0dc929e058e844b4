"""窗口叫号 on the kiosk: staff call, recall, skip and finish tickets when central is unreachable.

Reached from the staff screen (PIN). Each step runs on the background worker and is committed
with its outbox event; the call is shown and announced at once.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.core.counter import CounterError
from kiosk.screens.base import KioskScreen, load_kv

COUNTERS = ("1", "2", "3", "4", "5", "6")


class StaffQueueScreen(KioskScreen):
    counter = StringProperty("1")
    current_text = StringProperty("")
    waiting_text = StringProperty("")
    message = StringProperty("")

    def activate(self) -> None:
        self.refresh()
        self._ev = Clock.schedule_interval(lambda _dt: self.refresh(), 2.0)

    def deactivate(self) -> None:
        ev = getattr(self, "_ev", None)
        if ev is not None:
            ev.cancel()

    def choose_counter(self, counter: str) -> None:
        self.counter = counter
        self.message = ""
        self.refresh()

    def refresh(self) -> None:
        desk, counter = self.services.counter, self.counter
        self.services.background.submit(lambda: (desk.current(counter), desk.waiting()), on_done=self._show)

    def _show(self, state) -> None:  # noqa: ANN001
        current, waiting = state
        names = {c: s.name for c, s in self.services.queue.services.items()}
        if current is None:
            self.current_text = f"{self.counter} 号窗口空闲"
        else:
            verb = "已叫号，等候到窗口" if current.status == "called" else "正在办理"
            self.current_text = f"{current.number}  {current.service_name} · {verb}"
        total = sum(waiting.values())
        self.waiting_text = ("等候 %d 人：" % total + "，".join(f"{names.get(c, c)} {n}" for c, n in sorted(waiting.items()))
                             if total else "暂无等候")

    def act(self, step: str) -> None:
        desk, counter = self.services.counter, self.counter
        fn = {"call": desk.call_next, "recall": desk.recall, "start": desk.start, "no_show": desk.no_show,
              "finish": desk.finish}[step]
        self.services.background.submit(fn, counter, on_done=lambda r: self._done(step, r), on_error=self._failed)

    def _done(self, step: str, ticket) -> None:  # noqa: ANN001
        if ticket is None:
            self.message = "没有等候的号"
        else:
            self.message = {"call": "已叫 {n}", "recall": "已重呼 {n}", "start": "{n} 开始办理",
                            "no_show": "{n} 已过号", "finish": "{n} 办理完成，已记入服务记录"}[step].format(n=ticket.number)
        self.refresh()

    def _failed(self, e: BaseException) -> None:
        self.message = str(e) if isinstance(e, CounterError) else f"操作失败：{type(e).__name__}"
        self.refresh()

    def reset(self) -> None:
        self.message = ""
        self.current_text = ""
        self.waiting_text = ""


load_kv(__file__)
