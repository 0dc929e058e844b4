"""The home menu: one big tile per service."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk import theme
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import Tile

# (key, title, subtitle, target screen or None while the service is not open yet)
TILES = (
    ("jobs", "找工作", "附近岗位 · 离驿站最近的先看", "vacancy_list"),
    ("queue", "排队取号", "办理业务请先取号", "queue_services"),
    ("booking", "预约服务", "约好时间再来\n不用排队", "appointment"),
    ("video", "远程视频咨询", "和就业指导师视频通话", "consult_topic"),
    ("policy", "政策与服务", "带什么材料、去哪里办", "policy_list"),
    ("stations", "附近驿站", "找离您最近的就业驿站", "stations"),
    ("registration", "就业登记", "登记意向\n为您推荐岗位", "registration"),
    ("fairs", "招聘会", "近期招聘会\n离驿站最近的先看", "job_fairs"),
    ("home_service", "上门·代办", "工作人员上门\n或替您代办", "home_service"),
    ("employer", "企业招聘", "单位招人、零工用工\n手机扫码登记", "employer"),
)


class HomeScreen(KioskScreen):
    jobs_subtitle = StringProperty("")

    def on_kv_post(self, base_widget) -> None:
        grid = self.ids.tiles
        for i, (key, title, subtitle, target) in enumerate(TILES):
            tile = Tile(key=key, title=title, subtitle=subtitle, available=target is not None,
                        tile_color=theme.TILE_COLORS[i % len(theme.TILE_COLORS)])
            tile.bind(on_release=self._open)
            grid.add_widget(tile)

    def activate(self) -> None:
        self.ids.header.title = self.services.config.station.name
        self.tile("video").available = self.services.consult is not None  # video can be off in the config
        self.services.background.submit(self.services.vacancies.counts, on_done=self._got_counts)

    def _got_counts(self, counts: tuple[int, int]) -> None:
        total, inside = counts
        circle = "步行15分钟内" if self.services.config.station.area_type == "urban" else "3公里内"
        self.tile("jobs").subtitle = f"{circle}{inside}个岗位\n全市共{total}个"

    def tile(self, key: str) -> Tile:
        return next(t for t in self.ids.tiles.children if t.key == key)

    def _open(self, tile: Tile) -> None:
        target = next(t[3] for t in TILES if t[0] == tile.key)
        if target is None or not tile.available:
            self.toast(f"“{tile.title}”即将开放，请到服务窗口咨询工作人员")
            return
        self.go(target)


load_kv(__file__)
