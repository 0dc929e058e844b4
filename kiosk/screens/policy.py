"""政策与服务: the service catalogue, searchable by pinyin initials; one service's 办事指南, printable."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.core.catalogue import ServiceView, to_row
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.letter_keyboard import LetterKeyboard  # noqa: F401 - used by the .kv
from kiosk.widgets.rating import RatingBar  # noqa: F401 - used by the .kv
from kiosk.widgets.visibility import set_shown

TYPE_DEBOUNCE_S = 0.25
#: the service name of a 好差评 rating given after a printed guide
RATED_GUIDE = "service_guide"


class CatalogueRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    service_id = StringProperty("")
    name = StringProperty("")
    category = StringProperty("")
    summary = StringProperty("")
    fee = StringProperty("")

    def on_release(self) -> None:
        screen = self.parent.recycleview.parent_screen if self.parent else None
        if screen is not None and self.service_id:
            screen.open_service(self.service_id)


class PolicyListScreen(KioskScreen):
    query_text = StringProperty("")
    summary = StringProperty("")
    keyboard_open = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        self.ids.rv.parent_screen = self
        self._trigger = Clock.create_trigger(lambda _dt: self.refresh(), TYPE_DEBOUNCE_S)
        self.ids.keyboard.bind(value=self._typed)
        self._generation = 0

    def activate(self) -> None:
        if not self.ids.rv.data:
            self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        gen, text = self._generation, self.query_text
        self.services.background.submit(self.services.catalogue.search, text,
                                        on_done=lambda views: self._show(gen, text, views), on_error=self._failed)

    def _show(self, gen: int, text: str, views: list[ServiceView]) -> None:
        if gen != self._generation:
            return
        self.ids.rv.data = [to_row(v) for v in views]
        self.ids.rv.scroll_y = 1
        if text.strip():
            self.summary = (f"“{text.strip()}”找到 {len(views)} 项服务" if views
                            else f"没有找到“{text.strip()}”。少输几个字母试试，或清空后从列表中找")
        else:
            self.summary = f"共 {len(views)} 项就业公共服务，免费办理 · 点一项看办事指南" if views \
                else "服务清单暂时没有内容，请咨询驿站工作人员"

    def _failed(self, _exc: BaseException) -> None:
        self.summary = "服务清单暂时无法读取，请咨询驿站工作人员"

    def _typed(self, _kb, value: str) -> None:
        self.query_text = value
        self._trigger()

    def toggle_keyboard(self) -> None:
        self.keyboard_open = not self.keyboard_open

    def open_service(self, service_id: str) -> None:
        self.keyboard_open = False
        self.go("policy_detail", service_id=service_id)

    def reset(self) -> None:
        self._generation += 1
        self._trigger.cancel()
        self.ids.rv.data = []
        self.ids.keyboard.value = ""
        self.query_text = ""
        self.summary = ""
        self.keyboard_open = False


class PolicyDetailScreen(KioskScreen):
    service: ServiceView | None = ObjectProperty(None, allownone=True)
    service_id = StringProperty("")
    qr_data = StringProperty("")
    message = StringProperty("")
    print_status = StringProperty("")
    printing = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        self.rating = self.ids.rating.__self__  # ids are weak proxies, and a hidden bar leaves the tree
        set_shown(self.rating, False)

    def set_params(self, service_id: str = "", **_params) -> None:
        if service_id != self.service_id:
            self.reset()
        self.service_id = service_id

    def activate(self) -> None:
        if self.service_id and (self.service is None or self.service.id != self.service_id):
            self.message = "正在读取办事指南…"
            self.services.background.submit(self.services.catalogue.get, self.service_id, on_done=self._show,
                                            on_error=lambda _e: self._show(None))
        self.ids.scroll.scroll_y = 1

    def _show(self, view: ServiceView | None) -> None:
        if view is None:
            self.message = "这项服务的信息已更新，请返回重新选择"
            return
        self.message = ""
        self.service = view
        self.qr_data = self.services.config.service_url(view.id)

    def print_guide(self) -> None:
        if self.service is None or self.printing:
            return
        self.printing = True
        self.print_status = "正在打印…"
        self.services.background.submit(self.services.printing.catalogue_service, self.service,
                                        on_done=self._printed, on_error=lambda _e: self._printed(None))

    def _printed(self, outcome) -> None:
        self.printing = False
        if outcome is not None and outcome.printed:
            self.print_status = "打印完成，请取走办事指南"
            set_shown(self.rating, True)
            self.ask_rating(self.rating, RATED_GUIDE)
        else:
            reason = outcome.message if outcome is not None else "暂时不能打印"
            self.print_status = reason + "。可以用手机扫描上面的二维码"
            self.ids.scroll.scroll_y = 0  # the QR is at the end of the page

    def reset(self) -> None:
        self.service = None
        self.service_id = ""
        self.qr_data = ""
        self.message = ""
        self.print_status = ""
        self.printing = False
        if hasattr(self, "rating"):
            set_shown(self.rating, False)
        if "scroll" in self.ids:
            self.ids.scroll.scroll_y = 1


load_kv(__file__)
