"""窗口叫号 on the kiosk: staff call, recall, skip and finish tickets when central is unreachable.

Reached from the staff screen (PIN). Each step runs on the background worker and is committed
with its outbox event; the call is shown and announced at once.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from kiosk import theme
from kiosk.core.counter import CounterError, CounterTicket
from kiosk.domain.queue_rules import OTHER_GROUP
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import BigButton, keep
from kiosk.widgets.visibility import set_shown

COUNTERS = ("1", "2", "3", "4", "5", "6")
#: reasons to choose from for "其他" (the panel has no Chinese keyboard; the console takes free text)
OTHER_NOTES = ("行动不便", "身体不适", "携带幼儿", "负责人同意")
MAX_NUMBERS = 60  # waiting numbers offered (in calling order; the list scrolls)


class PriorityDialog(ModalView):
    """设为优先: pick a waiting number, the group (and for 其他 a reason), confirm."""

    message = StringProperty("")

    def __init__(self, tickets: list[CounterTicket], groups: tuple[str, ...],
                 on_mark: Callable[[str, str, str], None], **kw) -> None:
        super().__init__(**kw)
        self._on_mark = on_mark
        self.ticket_id = self.group = self.note = ""
        self._pick(self.ids.numbers, [(t.id, t.number) for t in tickets[:MAX_NUMBERS]], "ticket_id")
        self._pick(self.ids.groups, [(g, g) for g in groups], "group")
        if not tickets:
            self.message = "现在没有可以设为优先的号"

    def _pick(self, box, choices: list[tuple[str, str]], attr: str) -> None:  # noqa: ANN001
        for value, text in choices:
            b = keep(BigButton(text=text, bg_color=theme.BRAND), font_size=theme.FONT_BODY)
            b.value = value
            b.bind(on_release=lambda btn, box=box, attr=attr: self._chosen(box, attr, btn))
            box.add_widget(b)

    def _chosen(self, box, attr: str, btn) -> None:  # noqa: ANN001
        for b in box.children:
            b.bg_color = theme.ACCENT if b is btn else theme.BRAND
        setattr(self, attr, btn.value)
        if attr == "group":  # the reasons show only for 其他
            notes = self.ids.notes
            if self.group == OTHER_GROUP and not notes.children:
                self._pick(notes, [(n, n) for n in OTHER_NOTES], "note")
            elif self.group != OTHER_GROUP:
                notes.clear_widgets()
                self.note = ""
        self.message = ""

    def button(self, box: str, text: str) -> BigButton:
        """The choice showing ``text`` (numbers scrolled into view)."""
        b = next(b for b in self.ids[box].children if b.text == text)
        if box == "numbers":
            self.ids.numbers_scroll.scroll_to(b, padding=0, animate=False)
        return b

    def confirm(self) -> None:
        if not self.ticket_id:
            self.message = "请先选择号码"
        elif not self.group:
            self.message = "请选择优先的类别"
        elif self.group == OTHER_GROUP and not self.note:
            self.message = "选“其他”时请选一个原因"
        else:
            self.dismiss(animation=False)
            self._on_mark(self.ticket_id, self.group, self.note if self.group == OTHER_GROUP else "")


class StaffQueueScreen(KioskScreen):
    counter = StringProperty("1")
    current_text = StringProperty("")
    waiting_text = StringProperty("")
    message = StringProperty("")
    #: calls for help nobody answered yet (kiosk.core.help), oldest first
    help_text = StringProperty("")

    def on_kv_post(self, base_widget) -> None:
        self._help_row = self.ids.help_row.__self__
        set_shown(self._help_row, False)

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

    def _show_help(self) -> None:
        first, n = self.services.help.oldest_unanswered()
        if first is not None:
            where = f"（在“{first.screen}”页面）" if first.screen else ""
            self.help_text = f"自助终端有居民呼叫工作人员{where}" + (f"，共 {n} 次" if n > 1 else "")
        set_shown(self._help_row, first is not None)

    def answer_help(self) -> None:
        """我马上过去 on the kiosk itself (central may be unreachable): the oldest call is answered."""
        first, _n = self.services.help.oldest_unanswered()
        if first is None:
            return
        self.services.background.submit(self.services.help.answer_here, first.id, self.counter,
                                        on_done=self._answered_here)

    def _answered_here(self, done: bool) -> None:
        if done:
            self.message = "已应答一次呼叫"
        self._show_help()

    def refresh(self) -> None:
        self._show_help()
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
        self.waiting_text = (f"等候 {total} 人：" + "，".join(f"{names.get(c, c)} {n}" for c, n in sorted(waiting.items()))
                             if total else "暂无等候")

    def act(self, step: str) -> None:
        desk, counter = self.services.counter, self.counter
        fn = {"call": desk.call_next, "recall": desk.recall, "start": desk.start, "no_show": desk.no_show,
              "finish": desk.finish}[step]
        self.services.background.submit(fn, counter, on_done=lambda r: self._done(step, r), on_error=self._failed)

    def ask_priority(self) -> None:
        """设为优先: the waiting numbers that are not priority yet, in calling order."""
        desk = self.services.counter
        self.services.background.submit(desk.waiting_tickets, on_done=self._ask_priority, on_error=self._failed)

    def _ask_priority(self, waiting: list[CounterTicket]) -> None:
        self.dialog = PriorityDialog([t for t in waiting if not t.priority], self.services.queue.policy.priority_groups,
                                     self._mark)
        self.dialog.open(animation=False)

    def _mark(self, ticket_id: str, group: str, note: str) -> None:
        desk, counter = self.services.counter, self.counter
        self.services.background.submit(desk.mark_priority, ticket_id, group, note, counter,
                                        on_done=lambda t: self._done("priority", t), on_error=self._failed)

    def _done(self, step: str, ticket) -> None:  # noqa: ANN001
        if ticket is None:
            self.message = "没有等候的号"
        else:
            self.message = {"call": "已叫 {n}", "recall": "已重呼 {n}", "start": "{n} 开始办理",
                            "no_show": "{n} 已过号", "finish": "{n} 办理完成，已记入服务记录",
                            "priority": "{n} 已设为优先，排在非优先号之前"}[step].format(n=ticket.number)
        self.refresh()

    def _failed(self, e: BaseException) -> None:
        self.message = str(e) if isinstance(e, CounterError) else f"操作失败：{type(e).__name__}"
        self.refresh()

    def reset(self) -> None:
        dialog = getattr(self, "dialog", None)
        if dialog is not None and dialog.parent:
            dialog.dismiss(animation=False)
        self.message = ""
        self.current_text = ""
        self.waiting_text = ""


load_kv(__file__)
