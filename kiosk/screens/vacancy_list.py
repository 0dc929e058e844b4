"""Vacancies near the station, nearest first."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.core.vacancies import to_row
from kiosk.screens.base import KioskScreen, load_kv

LIST_LIMIT = 300


class VacancyRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """One row; all its state comes from the data dict (rows are reused while scrolling)."""

    vacancy_id = StringProperty("")
    title = StringProperty("")
    salary = StringProperty("")
    employer = StringProperty("")
    place = StringProperty("")
    job_type = StringProperty("")
    in_circle = BooleanProperty(False)

    def on_release(self) -> None:
        screen = self.parent.recycleview.parent_screen if self.parent else None
        if screen is not None and self.vacancy_id:
            screen.open_vacancy(self.vacancy_id)


class VacancyListScreen(KioskScreen):
    summary = StringProperty("")
    loading = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        self.ids.rv.parent_screen = self

    def activate(self) -> None:
        if not self.ids.rv.data:
            self.load()

    def load(self) -> None:
        self.loading = True
        self.summary = "正在查找附近的岗位…"
        self.services.background.submit(self._fetch, on_done=self._show, on_error=self._failed)

    def _fetch(self) -> tuple[list[dict], int, int]:
        views = self.services.vacancies.nearest(limit=LIST_LIMIT)
        total, inside = self.services.vacancies.counts()
        return [to_row(v) for v in views], total, inside

    def _show(self, result: tuple[list[dict], int, int]) -> None:
        rows, total, inside = result
        self.loading = False
        circle = "步行 15 分钟内" if self.services.config.station.area_type == "urban" else "3 公里内"
        self.summary = f"离本驿站最近的岗位 · {circle} {inside} 个 · 全市 {total} 个"
        self.ids.rv.data = rows
        self.ids.rv.scroll_y = 1

    def _failed(self, _exc: BaseException) -> None:
        self.loading = False
        self.summary = "岗位信息暂时无法读取，请稍后再试或咨询工作人员"

    def open_vacancy(self, vacancy_id: str) -> None:
        self.go("vacancy_detail", vacancy_id=vacancy_id)

    def reset(self) -> None:
        self.ids.rv.data = []
        self.ids.rv.scroll_y = 1
        self.summary = ""


load_kv(__file__)
