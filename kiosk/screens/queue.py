"""排队取号: choose a service, take a ticket, see the number (printed, and on screen)."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.domain import i18n
from kiosk.domain.i18n import _
from kiosk.domain.queue_rules import Decision, IssuedTicket, Refusal, ServiceStatus
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.dialog import ConfirmDialog


class ServiceRow(ButtonBehavior, BoxLayout):
    code = StringProperty("")
    name = StringProperty("")
    state_text = StringProperty("")
    open_now = BooleanProperty(True)
    needs_id = BooleanProperty(False)


def status_text(st: ServiceStatus) -> str:
    if not st.open_now:
        return _("现在不办理 · 办理时间：{hours}").format(hours=st.hours_text)
    if st.remaining_quota == 0:
        return _("今天的号已取完")
    if st.waiting == 0:
        return _("现在无需等候")
    return _("前面 {n} 人 · 约等 {m} 分钟").format(n=st.waiting, m=st.wait_minutes)


class QueueServicesScreen(KioskScreen):
    message = StringProperty("")
    _resume: str | None = None

    def set_params(self, choose: str | None = None, **_params) -> None:
        """``choose``: take this service's ticket as soon as the screen shows (after login)."""
        self._resume = choose

    def activate(self) -> None:
        self.ids.rows.clear_widgets()  # no stale row may be tapped while fresh ones load
        self.message = _("正在查询各项业务的排队情况…")
        queue = self.services.queue
        self.services.background.submit(lambda: [queue.status(c) for c in queue.services], on_done=self._show)

    def _show(self, statuses: list[ServiceStatus]) -> None:
        box = self.ids.rows
        box.clear_widgets()
        for st in statuses:
            row = ServiceRow(code=st.service.code, name=st.service.name, state_text=status_text(st),
                             open_now=st.open_now and st.remaining_quota > 0,
                             needs_id=st.service.identity_required)
            row.bind(on_release=lambda r: self.choose(r.code))
            box.add_widget(row)
        self.message = _("请选择您要办理的业务")
        if self._resume:
            code, self._resume = self._resume, None
            self.choose(code)

    def row(self, code: str) -> ServiceRow:
        return next(r for r in self.ids.rows.children if r.code == code)

    def choose(self, code: str, confirmed: bool = False) -> None:
        queue = self.services.queue
        person = self.services.visits.person()
        self.services.background.submit(queue.issue, code, person, confirmed,
                                        on_done=lambda result: self._issued(code, result))

    def _issued(self, code: str, result: IssuedTicket | Decision) -> None:
        if isinstance(result, IssuedTicket):
            self.go("queue_ticket", ticket=result)
            return
        if result.refusal is Refusal.CONFIRM_LONG_QUEUE:
            self.dialog = ConfirmDialog(title=_("排队人数较多"), message=result.message, yes_text=_("仍要取号"),
                                        no_text=_("先不取了"), on_yes=lambda: self.choose(code, confirmed=True))
            self.dialog.open(animation=False)
            return
        if result.refusal is Refusal.NEEDS_IDENTITY:
            name = self.services.queue.services[code].name
            self.go("login", next="queue_services", next_params={"choose": code},
                    purpose=_("办理“{name}”需要先验证身份").format(name=_(name)))
            return
        self.dialog = ConfirmDialog(title=_("暂时不能取号"), message=result.message, yes_text=_("知道了"),
                                    no_text=_("返回首页"), on_yes=lambda: None, on_no=self.home)
        self.dialog.open(animation=False)

    def reset(self) -> None:
        self._resume = None
        self.ids.rows.clear_widgets()
        self.message = ""


class QueueTicketScreen(KioskScreen):
    ticket: IssuedTicket | None = ObjectProperty(None, allownone=True)
    qr_data = StringProperty("")
    print_status = StringProperty("")

    #: the printer failed: the screen is the ticket now (the number must be remembered)
    print_failed = BooleanProperty(False)

    def set_params(self, ticket: IssuedTicket | None = None, **_params) -> None:
        self.ticket = ticket
        self.print_failed = False
        self.qr_data = self.services.config.ticket_url(ticket.id) if ticket else ""
        if ticket is None:
            return
        self.print_status = _("正在打印凭条…")
        who = self.services.visits.current.identity
        masked = getattr(who, "display", "") if who else ""
        self.services.background.submit(self.services.printing.ticket, ticket, masked,
                                        on_done=self._printed, on_error=self._print_error)

    def guidance(self) -> str | None:
        """The number, digit by digit as the hall calls it, and how many are ahead."""
        from kiosk.domain.calls import spoken_number

        line = super().guidance()
        if self.ticket is None or line is None or i18n.language() != i18n.DEFAULT:
            return line
        ahead = (f"前面还有{self.ticket.people_ahead}人" if self.ticket.people_ahead
                 else "现在不用等")
        return f"您的号码是{spoken_number(self.ticket.display_number)}，{ahead}。{line}"

    def _printed(self, outcome) -> None:
        self.print_failed = outcome.fallback
        self.print_status = (outcome.text if outcome.printed
                             else outcome.text + _("。请记住您的号码：") + self.ticket.display_number)

    def _print_error(self, _e: BaseException) -> None:
        self.print_failed = True
        self.print_status = _("凭条没有打印出来。请记住您的号码，或用手机扫码查看")

    def reset(self) -> None:
        self.ticket = None
        self.qr_data = ""
        self.print_status = ""
        self.print_failed = False


load_kv(__file__)
