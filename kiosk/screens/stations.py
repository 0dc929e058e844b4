"""附近驿站: other employment stations, nearest first, with hours and services."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.core.stations import to_row
from kiosk.domain.i18n import _
from kiosk.screens.base import KioskScreen, load_kv


class StationRow(RecycleDataViewBehavior, BoxLayout):
    station_id = StringProperty("")
    name = StringProperty("")
    kind = StringProperty("")
    distance = StringProperty("")
    hours = StringProperty("")
    address = StringProperty("")
    services = StringProperty("")
    phone = StringProperty("")


class StationsScreen(KioskScreen):
    summary = StringProperty("")

    def activate(self) -> None:
        if not self.ids.rv.data:
            self.summary = _("正在查找附近的就业驿站…")
            self.services.background.submit(self.services.stations.nearby, on_done=self._show)

    def _show(self, views) -> None:
        self.ids.rv.data = [to_row(v) for v in views]
        self.summary = (_("离本驿站最近的 {n} 个就业驿站").format(n=len(views)) if views
                        else _("暂时没有其他驿站的信息"))

    def reset(self) -> None:
        self.ids.rv.data = []
        self.summary = ""


load_kv(__file__)
