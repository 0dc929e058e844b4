"""预约服务: choose a service, a day and a time; identity and consent; a reference and a slip.

Three steps on one screen: services → times → done. Booking needs identity: the screen sends
the resident to the identity screen and comes back to the chosen time. The slots are central's
(one request per service: every day's slots at once); when central cannot be reached the fourth
panel, ``offline``, says so and offers a queue ticket or a call-back instead.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from kivy.properties import ObjectProperty, StringProperty

from kiosk import theme
from kiosk.domain.bookings import UNAVAILABLE_MESSAGE, Booked, BookingRefused, BookingUnavailable, Slot
from kiosk.domain.i18n import N_, _
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import BigButton, keep
from kiosk.widgets.dialog import ConfirmDialog
from kiosk.widgets.look import T as LOOK
from kiosk.widgets.visibility import set_shown

log = logging.getLogger(__name__)



WEEK_NAMES = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))


def day_label(d: date, today: date) -> str:
    name = _("今天") if d == today else _("明天") if (d - today).days == 1 else _(WEEK_NAMES[d.weekday()])
    return f"{name}\n" + _("{m}月{d}日").format(m=d.month, d=d.day)


class AppointmentScreen(KioskScreen):
    step = StringProperty("service")  # service | time | done | offline
    service_code = StringProperty("")
    service_name = StringProperty("")
    message = StringProperty("")
    day = ObjectProperty(None, allownone=True)
    booked: Booked | None = ObjectProperty(None, allownone=True)
    qr_data = StringProperty("")
    print_status = StringProperty("")
    _resume: tuple[str, str] | None = None

    def __init__(self, **kwargs) -> None:
        self._availability: dict[date, list[Slot]] = {}
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget) -> None:
        # strong references: ids are weak, and the panels leave the tree while hidden
        self._panels = {name: self.ids[name + "_panel"].__self__ for name in ("service", "time", "done", "offline")}
        self.on_step(self, self.step)

    def on_step(self, _inst, step: str) -> None:
        for name, panel in getattr(self, "_panels", {}).items():
            set_shown(panel, name == step)

    def set_params(self, service: str = "", slot: str = "", **_params) -> None:
        """After the identity screen: ``service`` and ``slot`` (ISO time) resume the booking."""
        self._resume = (service, slot) if service and slot else None

    def activate(self) -> None:
        if self._resume:
            code, slot = self._resume
            self._resume = None
            self.choose_service(code)
            self.confirm(datetime.fromisoformat(slot))
        elif self.step not in ("done", "offline"):
            self.show_services()

    # -- step 1: the service
    def show_services(self) -> None:
        self.step, self.message = "service", _("请选择要预约的业务")
        box = self.ids.services
        box.clear_widgets()
        for svc in self.services.appointments.services:
            b = BigButton(text=svc.name)
            b.bind(on_release=lambda _b, code=svc.code: self.choose_service(code))
            box.add_widget(b)

    def choose_service(self, code: str, keep_day: date | None = None) -> None:
        desk = self.services.appointments
        self.service_code = code
        self.service_name = desk.queue.services[code].name
        self.step, self.message = "time", _("正在查询可以预约的时间…")
        self.ids.days.clear_widgets()
        self.ids.slots.clear_widgets()
        self.services.background.submit(desk.availability, code,
                                        on_done=lambda avail: self._show_days(avail, keep_day),
                                        on_error=self._failed)

    # -- step 2: the day and the time
    def _show_days(self, availability: dict[date, list[Slot]], keep_day: date | None = None) -> None:
        self._availability = availability
        box = self.ids.days
        box.clear_widgets()
        if not availability:
            self.message = _("{service}最近 7 天都约满了，请直接取号或到服务窗口咨询").format(service=_(self.service_name))
            return
        today = self.services.appointments.queue.now().date()
        for d in availability:
            b = keep(BigButton(text=day_label(d, today), halign="center"), font_size=LOOK.FONT_SMALL)
            b.day = d
            b.bind(on_release=lambda btn: self.choose_day(btn.day))
            box.add_widget(b)
        self.choose_day(keep_day if keep_day in availability else next(iter(availability)))

    def choose_day(self, d: date) -> None:
        self.day = d
        for b in self.ids.days.children:
            b.bg_color = theme.BRAND if b.day == d else theme.DISABLED
        self.message = _("{service} · {m}月{d}日：请选一个时间").format(service=_(self.service_name), m=d.month, d=d.day)
        self._show_slots(self._availability.get(d, []))

    def _show_slots(self, slots: list[Slot]) -> None:
        box = self.ids.slots
        box.clear_widgets()
        for slot in slots:
            text = f"{slot.starts_at:%H:%M}\n" + (_("余 {n} 位").format(n=slot.left) if slot.left else _("已约满"))
            b = keep(BigButton(text=text, halign="center", disabled=not slot.left), font_size=LOOK.FONT_SMALL)
            b.slot = slot.starts_at
            b.bind(on_release=lambda btn: self.confirm(btn.slot))
            box.add_widget(b)

    def slot_button(self, hhmm: str) -> BigButton:
        return next(b for b in self.ids.slots.children if b.text.startswith(hhmm))

    # -- identity, consent, booking
    def confirm(self, starts_at: datetime) -> None:
        who = self.services.visits.current.identity
        if who is None:
            self.go("login", next="appointment", purpose=_("预约需要先验证身份"),
                    next_params={"service": self.service_code, "slot": starts_at.isoformat()})
            return
        text = (_("预约：{service}\n时间：{when}\n\n").format(service=_(self.service_name),
                                                             when=starts_at.strftime(_("%m月%d日 %H:%M")))
                + _("您的身份证号将提交给{station}和天津市就业服务系统，仅用于办理本次预约").format(
                    station=self.services.config.station.name))
        self.dialog = ConfirmDialog(title=_("确认预约"), message=text, yes_text=_("同意并预约"), no_text=_("不预约"),
                                    on_yes=lambda: self._book(starts_at))
        self.dialog.open(animation=False)

    def _book(self, starts_at: datetime) -> None:
        who = self.services.visits.current.identity
        key = self.services.visits.person_key()
        self.message = _("正在预约…")
        self.services.background.submit(self.services.appointments.book, who, key, self.service_code, starts_at,
                                        on_done=self._booked, on_error=self._refused)

    def _refused(self, e: BaseException) -> None:
        if not isinstance(e, BookingRefused):
            self._failed(e)
            return
        day = self.day
        self.choose_service(self.service_code, keep_day=day)  # central's slots again: this one may be full now
        self.message = str(e)

    def _failed(self, e: BaseException) -> None:
        """Central cannot be asked (or answered nonsense): no booking now; a ticket or a call-back instead."""
        if not isinstance(e, BookingUnavailable):
            log.warning("appointment step failed: %s", type(e).__name__)
        self.step, self.message = "offline", UNAVAILABLE_MESSAGE

    def take_ticket(self) -> None:
        self.go("queue_services")

    def ask_callback(self) -> None:
        self.go("consult_callback", topic=N_("预约服务"))

    def _booked(self, booked: Booked) -> None:
        self.booked = booked
        self.step = "done"
        self.qr_data = self.services.config.appointment_url(booked.token)
        self.message = _("预约成功")
        self.print_status = _("正在打印预约确认单…")
        who = self.services.visits.current.identity
        self.services.background.submit(self.services.printing.appointment, booked, who.display if who else "",
                                        on_done=self._printed)

    def _printed(self, outcome) -> None:  # noqa: ANN001
        self.print_status = (outcome.text if outcome.printed
                             else outcome.text + _("。请记住预约号：") + self.booked.reference)

    def reset(self) -> None:
        self.step, self.message = "service", ""
        self.service_code = self.service_name = ""
        self.day = None
        self._availability = {}
        self.booked = None
        self.qr_data = self.print_status = ""
        self._resume = None
        for box in ("services", "days", "slots"):
            self.ids[box].clear_widgets()


load_kv(__file__)
