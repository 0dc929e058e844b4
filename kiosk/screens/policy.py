"""政策与服务: the service catalogue, searchable by pinyin initials; one service's 办事指南, printable."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.core.catalogue import ServiceView, to_row
from kiosk.core.printing import PrintOutcome
from kiosk.domain.i18n import N_
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.screens.printable_detail import PrintableDetailScreen
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
        # strong references: ids are weak, and these parts leave the tree while hidden
        self._keyboard_panel = self.ids.keyboard_panel.__self__
        self._clear_button = self.ids.clear_button.__self__
        set_shown(self._keyboard_panel, self.keyboard_open)
        set_shown(self._clear_button, bool(self.query_text))

    def on_keyboard_open(self, _inst, shown: bool) -> None:
        if hasattr(self, "_keyboard_panel"):
            set_shown(self._keyboard_panel, shown)

    def on_query_text(self, _inst, text: str) -> None:
        if hasattr(self, "_clear_button"):
            set_shown(self._clear_button, bool(text))

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


class PolicyDetailScreen(PrintableDetailScreen):
    loading_text = "正在读取办事指南…"
    gone_text = "这项服务的信息已更新，请返回重新选择"
    printed_text = N_("打印完成，请取走办事指南")
    rated_service = RATED_GUIDE

    def set_params(self, service_id: str = "", **_params) -> None:
        self.open_item(service_id)

    def fetch(self, item_id: str) -> ServiceView | None:
        return self.services.catalogue.get(item_id)

    def print_job(self, view: ServiceView) -> PrintOutcome:
        return self.services.printing.catalogue_service(view)

    def qr_for(self, view: ServiceView) -> str:
        return self.services.config.service_url(view.id)



load_kv(__file__)
