"""The home menu: one big tile per service."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk import theme
from kiosk.domain.i18n import N_, _
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.tile import Tile
from kiosk.widgets.visibility import set_shown

# (key, title, subtitle, target screen or None while the service is not open yet)
TILES = (
    ("jobs", N_("找工作"), N_("附近岗位 · 离驿站最近的先看"), "vacancy_list"),
    ("queue", N_("排队取号"), N_("办理业务请先取号"), "queue_services"),
    ("booking", N_("预约服务"), N_("约好时间再来\n不用排队"), "appointment"),
    ("video", N_("远程视频咨询"), N_("和就业指导师视频通话"), "consult_topic"),
    ("policy", N_("政策与服务"), N_("带什么材料、去哪里办"), "policy_list"),
    ("stations", N_("附近驿站"), N_("找离您最近的就业驿站"), "stations"),
    ("registration", N_("就业登记"), N_("登记意向\n为您推荐岗位"), "registration"),
    ("fairs", N_("招聘会"), N_("近期招聘会\n离驿站最近的先看"), "job_fairs"),
    ("home_service", N_("上门·代办"), N_("工作人员上门\n或替您代办"), "home_service"),
    ("employer", N_("企业招聘"), N_("单位招人、零工用工\n手机扫码登记"), "employer"),
)


#: 长辈模式's home: the four services older residents use most, everything else one tap away
ELDER_TILES = ("jobs", "queue", "policy", "booking")


class HomeScreen(KioskScreen):
    jobs_subtitle = StringProperty("")
    #: 长辈模式 (bound to the app's)
    elder = BooleanProperty(False)
    #: 长辈模式's 更多服务: every tile, titles only
    show_all = BooleanProperty(False)
    voice_possible = BooleanProperty(False)
    #: the visit's language (bound to the app's): the counts line is rebuilt in it
    language = StringProperty("zh")

    def on_kv_post(self, base_widget) -> None:
        self._tiles: dict[str, Tile] = {}
        for i, (key, title, subtitle, target) in enumerate(TILES):
            tile = Tile(key=key, title=title, subtitle=subtitle, available=target is not None,
                        tile_color=theme.TILE_COLORS[i % len(theme.TILE_COLORS)])
            tile.bind(on_release=self._open)
            self._tiles[key] = tile
        # strong references: these leave the tree while hidden (kiosk.widgets.visibility)
        self._more = self.ids.more.__self__
        self._voice = self.ids.voice_switch.__self__
        set_shown(self._voice, self.voice_possible)
        self._lay_out()

    def on_language(self, *_a) -> None:
        if self.manager is not None and self.manager.current == self.name:
            self.services.background.submit(self.services.vacancies.counts, on_done=self._got_counts)

    def on_voice_possible(self, *_a) -> None:
        if hasattr(self, "_voice"):
            set_shown(self._voice, self.voice_possible)

    def on_elder(self, *_a) -> None:
        self.show_all = False
        self._lay_out()

    def on_show_all(self, *_a) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        if not hasattr(self, "_tiles"):
            return
        set_shown(self._more, self.elder)
        grid = self.ids.tiles
        grid.clear_widgets()
        keys = ELDER_TILES if self.elder and not self.show_all else [t[0] for t in TILES]
        for key in keys:
            tile = self._tiles[key]
            tile.brief = self.elder and self.show_all
            grid.add_widget(tile)

    def shown(self, key: str) -> bool:
        return self._tiles[key].parent is not None

    def activate(self) -> None:
        self.ids.header.title = self.services.config.station.name
        self.tile("video").available = self.services.consult is not None  # video can be off in the config
        self.services.background.submit(self.services.vacancies.counts, on_done=self._got_counts)

    def _got_counts(self, counts: tuple[int, int]) -> None:
        total, inside = counts
        circle = _("步行15分钟内") if self.services.config.station.area_type == "urban" else _("3公里内")
        self.tile("jobs").subtitle = _("{circle}{inside}个岗位\n全市共{total}个").format(circle=circle, inside=inside,
                                                                                   total=total)

    def tile(self, key: str) -> Tile:
        return self._tiles[key]

    def reset(self) -> None:
        self.show_all = False

    def _open(self, tile: Tile) -> None:
        target = next(t[3] for t in TILES if t[0] == tile.key)
        if target is None or not tile.available:
            self.toast(_("“{title}”即将开放，请到服务窗口咨询工作人员").format(title=_(tile.title)))
            return
        self.go(target)


load_kv(__file__)
