"""Everything about one vacancy, with a QR code to open it on a phone."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.core.guidance import screen_line
from kiosk.domain import i18n
from kiosk.domain.i18n import _
from kiosk.domain.vacancy_views import VacancyView, day_job_text, vacancy_speech
from kiosk.screens.base import KioskScreen, load_kv


class VacancyDetailScreen(KioskScreen):
    vacancy: VacancyView | None = ObjectProperty(None, allownone=True)
    vacancy_id = StringProperty("")
    qr_data = StringProperty("")
    message = StringProperty("")
    loading = BooleanProperty(False)
    in_shortlist = BooleanProperty(False)
    #: a day job's days and where and when to meet ("" for other jobs)
    day_job_text = StringProperty("")

    def set_params(self, vacancy_id: str = "", **_params) -> None:
        if vacancy_id != self.vacancy_id:
            self.reset()
        self.vacancy_id = vacancy_id

    def activate(self) -> None:
        if self.vacancy_id and (self.vacancy is None or self.vacancy.id != self.vacancy_id):
            self.loading = True
            self.message = _("正在读取岗位信息…")
            self.services.visits.view_vacancy(self.vacancy_id)
            self.services.background.submit(self.services.vacancies.get, self.vacancy_id, on_done=self._show)
        self.ids.scroll.scroll_y = 1

    def _show(self, view: VacancyView | None) -> None:
        self.loading = False
        if view is None:
            self.message = _("该岗位已过期或已下架，请返回查看其他岗位")
            return
        self.message = ""
        self.vacancy = view
        self.day_job_text = day_job_text(view, self.services.vacancies.today()) if view.is_day_job else ""
        self.qr_data = self.services.config.job_url(view.id)
        self.in_shortlist = view.id in self.services.visits.current.shortlist
        self.speak()

    def guidance(self) -> str | None:
        """The vacancy itself, read aloud, once it has arrived."""
        if self.vacancy is None:
            return None
        if i18n.language() != i18n.DEFAULT:  # the vacancy's own words are Chinese: the screen's line only
            return screen_line(self.name, self.ids.header.title)
        return f"{screen_line(self.name, self.ids.header.title)}。{vacancy_speech(self.vacancy)}"

    def toggle_shortlist(self) -> None:
        from kiosk.core.session import ShortlistFull

        if self.vacancy is None:
            return
        try:
            self.in_shortlist = self.services.visits.toggle_shortlist(self.vacancy.id)
        except ShortlistFull as e:
            self.toast(str(e))
            return
        n = len(self.services.visits.current.shortlist)
        self.toast(_("已加入清单，共 {n} 个").format(n=n) if self.in_shortlist else _("已移出清单"))

    def express_interest(self) -> None:
        """我要投递: identity first, then the phone and the explicit consent (the interest screen)."""
        if self.vacancy is None:
            return
        if self.services.visits.current.identity is None:
            self.go("login", next="vacancy_detail", next_params={"vacancy_id": self.vacancy.id},
                    purpose=_("投递意向需要先验证身份"))
            return
        self.go("interest", vacancy=self.vacancy)

    def print_vacancy(self) -> None:
        if self.vacancy is None:
            return
        self.toast(_("正在打印…"))
        self.services.background.submit(
            self.services.printing.vacancy, self.vacancy,
            on_done=lambda o: self.toast(o.text if o.printed else o.text + _("（屏幕右侧的二维码同样可用）")),
            on_error=lambda _e: self.toast(_("暂时不能打印，请用手机扫描屏幕上的二维码")))

    def reset(self) -> None:
        self.in_shortlist = False
        self.vacancy = None
        self.vacancy_id = ""
        self.qr_data = ""
        self.day_job_text = ""
        self.message = ""
        if "scroll" in self.ids:
            self.ids.scroll.scroll_y = 1


load_kv(__file__)
