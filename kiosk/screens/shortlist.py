"""我的清单: the vacancies a resident kept during this visit, each with a QR for a phone."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.printing import NO_PRINTER, PrintOutcome
from kiosk.domain.i18n import _
from kiosk.domain.vacancy_views import VacancyView
from kiosk.screens.base import KioskScreen, load_kv


class ShortlistCard(BoxLayout):
    vacancy_id = StringProperty("")
    title = StringProperty("")
    salary = StringProperty("")
    employer = StringProperty("")
    place = StringProperty("")
    qr_data = StringProperty("")


class ShortlistScreen(KioskScreen):
    summary = StringProperty("")

    def activate(self) -> None:
        ids = list(self.services.visits.current.shortlist)
        self.summary = _("正在读取…") if ids else _("清单是空的。在岗位详情里点“加入清单”，就能把岗位放到这里。")
        self.ids.cards.clear_widgets()
        if ids:
            vac = self.services.vacancies
            self.services.background.submit(lambda: [vac.get(i) for i in ids], on_done=self._show)

    def _show(self, views: list[VacancyView | None]) -> None:
        box = self.ids.cards
        box.clear_widgets()
        shown = [v for v in views if v is not None]
        for v in shown:
            card = ShortlistCard(vacancy_id=v.id, title=v.title, salary=v.salary, employer=v.employer,
                                 place=v.distance_text, qr_data=self.services.config.job_url(v.id))
            card.ids.remove_button.bind(on_release=lambda _b, vid=v.id: self.remove(vid))
            box.add_widget(card)
        self._shown = shown
        self.ids.print_all.disabled = not shown
        gone = len(views) - len(shown)
        self.summary = (_("清单里有 {n} 个岗位，用手机扫码可以带走").format(n=len(shown))
                        + (_("（{n} 个已过期或下架）").format(n=gone) if gone else ""))

    def print_all(self) -> None:
        views = list(getattr(self, "_shown", []))
        if not views:
            return
        self.ids.print_all.disabled = True
        self.toast(_("正在打印 {n} 个岗位…").format(n=len(views)))

        def done(o) -> None:
            self.ids.print_all.disabled = False
            self.toast(o.text if o.printed else o.text + _("（每个岗位的二维码都在屏幕上）"))

        self.services.background.submit(self.services.printing.shortlist, views, on_done=done,
                                        on_error=lambda _e: done(PrintOutcome(False, NO_PRINTER)))

    def remove(self, vacancy_id: str) -> None:
        if vacancy_id in self.services.visits.current.shortlist:
            self.services.visits.toggle_shortlist(vacancy_id)
        self.activate()

    def reset(self) -> None:
        self._shown = []
        self.ids.print_all.disabled = True
        self.ids.cards.clear_widgets()
        self.summary = ""


load_kv(__file__)
