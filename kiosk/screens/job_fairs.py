"""招聘会: upcoming job fairs, nearest first; a fair's details, printed with a QR to its page."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.core.jobfairs import FairView, to_row
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.rating import RatingBar  # noqa: F401 - used by the .kv
from kiosk.widgets.visibility import set_shown

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


class JobFairDetailScreen(KioskScreen):
    fair: FairView | None = ObjectProperty(None, allownone=True)
    fair_id = StringProperty("")
    qr_data = StringProperty("")
    message = StringProperty("")
    print_status = StringProperty("")
    printing = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        self.rating = self.ids.rating.__self__  # ids are weak proxies, and a hidden bar leaves the tree
        set_shown(self.rating, False)

    def set_params(self, fair_id: str = "", **_params) -> None:
        if fair_id != self.fair_id:
            self.reset()
        self.fair_id = fair_id

    def activate(self) -> None:
        if self.fair_id and (self.fair is None or self.fair.id != self.fair_id):
            self.message = "正在读取招聘会信息…"
            self.services.background.submit(self.services.job_fairs.get, self.fair_id, on_done=self._show,
                                            on_error=lambda _e: self._show(None))
        self.ids.scroll.scroll_y = 1

    def _show(self, view: FairView | None) -> None:
        if view is None:
            self.message = "这场招聘会已结束或已取消，请返回查看其他招聘会"
            return
        self.message = ""
        self.fair = view
        self.qr_data = view.url or self.services.config.fair_url(view.id)

    def print_fair(self) -> None:
        if self.fair is None or self.printing:
            return
        self.printing = True
        self.print_status = "正在打印…"
        self.services.background.submit(self.services.printing.job_fair, self.fair, on_done=self._printed,
                                        on_error=lambda _e: self._printed(None))

    def _printed(self, outcome) -> None:
        self.printing = False
        if outcome is not None and outcome.printed:
            self.print_status = "打印完成，请取走凭条"
            set_shown(self.rating, True)
            self.ask_rating(self.rating, RATED_FAIR)
        else:
            reason = outcome.message if outcome is not None else "暂时不能打印"
            self.print_status = reason + "。可以用手机扫描上面的二维码"
            self.ids.scroll.scroll_y = 0  # the QR is at the end of the page

    def reset(self) -> None:
        self.fair = None
        self.fair_id = ""
        self.qr_data = ""
        self.message = ""
        self.print_status = ""
        self.printing = False
        if hasattr(self, "rating"):
            set_shown(self.rating, False)
        if "scroll" in self.ids:
            self.ids.scroll.scroll_y = 1


load_kv(__file__)
