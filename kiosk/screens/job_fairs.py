"""招聘会: upcoming job fairs, nearest first; a fair's details, printed with a QR to its page."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.core.jobfairs import FairView, to_row
from kiosk.core.printing import PrintOutcome
from kiosk.domain.i18n import N_
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.screens.printable_detail import PrintableDetailScreen
from kiosk.widgets.rating import RatingBar  # noqa: F401 - used by the .kv

EMPTY = "近期没有招聘会。新的招聘会会在这里公布，也可以向驿站工作人员打听"
#: the service name of a 好差评 rating given after a printed fair or guide
RATED_FAIR = "job_fair_info"


class FairRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    fair_id = StringProperty("")
    title = StringProperty("")
    kind = StringProperty("")
    when = StringProperty("")
    place = StringProperty("")
    distance = StringProperty("")
    scale = StringProperty("")
    groups = StringProperty("")

    def on_release(self) -> None:
        screen = self.parent.recycleview.parent_screen if self.parent else None
        if screen is not None and self.fair_id:
            screen.open_fair(self.fair_id)


class JobFairListScreen(KioskScreen):
    summary = StringProperty("")
    empty = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        self.ids.rv.parent_screen = self

    def activate(self) -> None:
        if not self.ids.rv.data:
            self.summary = "正在查找近期的招聘会…"
            self.empty = False
            self.services.background.submit(self.services.job_fairs.upcoming, on_done=self._show,
                                            on_error=self._failed)

    def _show(self, views: list[FairView]) -> None:
        self.ids.rv.data = [to_row(v) for v in views]
        self.ids.rv.scroll_y = 1
        self.empty = not views
        self.summary = (f"近期 {len(views)} 场招聘会 · 离本驿站最近的在前" if views else EMPTY)

    def _failed(self, _exc: BaseException) -> None:
        self.summary = "招聘会信息暂时无法读取，请稍后再试或咨询工作人员"

    def open_fair(self, fair_id: str) -> None:
        self.go("job_fair_detail", fair_id=fair_id)

    def reset(self) -> None:
        self.ids.rv.data = []
        self.summary = ""
        self.empty = False


class JobFairDetailScreen(PrintableDetailScreen):
    loading_text = "正在读取招聘会信息…"
    gone_text = "这场招聘会已结束或已取消，请返回查看其他招聘会"
    printed_text = N_("打印完成，请取走凭条")
    rated_service = RATED_FAIR

    def set_params(self, fair_id: str = "", **_params) -> None:
        self.open_item(fair_id)

    def fetch(self, item_id: str) -> FairView | None:
        return self.services.job_fairs.get(item_id)

    def print_job(self, view: FairView) -> PrintOutcome:
        return self.services.printing.job_fair(view)

    def qr_for(self, view: FairView) -> str:
        return view.url or self.services.config.fair_url(view.id)



load_kv(__file__)
