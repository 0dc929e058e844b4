"""A detail page of one feed item (a job fair, a catalogue service): read off the main thread,
printed with a QR that the page also shows, and a one-tap 好差评 rating once the print is out."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.core.printing import PrintOutcome
from kiosk.domain.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.widgets.visibility import set_shown


class PrintableDetailScreen(KioskScreen):
    item = ObjectProperty(None, allownone=True)
    item_id = StringProperty("")
    qr_data = StringProperty("")
    message = StringProperty("")
    print_status = StringProperty("")
    printing = BooleanProperty(False)

    #: what the page says while reading, when the item is gone, and once printed
    loading_text = ""
    gone_text = ""
    printed_text = ""
    #: the service name of the rating given after a print
    rated_service = ""

    def fetch(self, item_id: str) -> Any:
        """The item's view, or None when it is gone (runs on a background thread)."""
        raise NotImplementedError

    def print_job(self, view: Any) -> PrintOutcome:
        """Print the item (runs on a background thread)."""
        raise NotImplementedError

    def qr_for(self, view: Any) -> str:
        raise NotImplementedError

    def on_kv_post(self, base_widget) -> None:
        self.rating = self.ids.rating.__self__  # ids are weak proxies, and a hidden bar leaves the tree
        set_shown(self.rating, False)

    def open_item(self, item_id: str) -> None:
        if item_id != self.item_id:
            self.reset()
        self.item_id = item_id

    def activate(self) -> None:
        if self.item_id and (self.item is None or self.item.id != self.item_id):
            self.message = self.loading_text
            self.services.background.submit(self.fetch, self.item_id, on_done=self._show,
                                            on_error=lambda _e: self._show(None))
        self.ids.scroll.scroll_y = 1

    def _show(self, view: Any) -> None:
        if view is None:
            self.message = self.gone_text
            return
        self.message = ""
        self.item = view
        self.qr_data = self.qr_for(view)

    def print_item(self) -> None:
        if self.item is None or self.printing:
            return
        self.printing = True
        self.print_status = _("正在打印…")
        self.services.background.submit(self.print_job, self.item, on_done=self._printed,
                                        on_error=lambda _e: self._printed(None))

    def _printed(self, outcome: PrintOutcome | None) -> None:
        self.printing = False
        if outcome is not None and outcome.printed:
            self.print_status = _(self.printed_text)
            set_shown(self.rating, True)
            self.ask_rating(self.rating, self.rated_service)
        else:
            reason = outcome.text if outcome is not None else _("暂时不能打印")
            self.print_status = reason + _("。可以用手机扫描上面的二维码")
            self.ids.scroll.scroll_y = 0  # the QR is at the end of the page

    def reset(self) -> None:
        self.item = None
        self.item_id = ""
        self.qr_data = ""
        self.message = ""
        self.print_status = ""
        self.printing = False
        if hasattr(self, "rating"):
            set_shown(self.rating, False)
        if "scroll" in self.ids:
            self.ids.scroll.scroll_y = 1
