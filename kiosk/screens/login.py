"""身份验证: lay the ID card on the reader, scan the e-social-security-card QR, or key the number.

Screens that need identity send the resident here with ``next`` (and its params); after a
valid identity the resident continues there. Nothing typed survives leaving the screen.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.domain.i18n import _
from kiosk.domain.identity import InvalidIdNumber, Resident, resident_from_keyed
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.keypad import NumericKeypad  # noqa: F401 - used by login.kv
from kiosk.widgets.look import T as LOOK
from kiosk.widgets.visibility import set_shown


def grouped(number: str) -> str:
    """120104 19800101 123X: the groups residents read on their card."""
    parts = [number[:6], number[6:14], number[14:]]
    return " ".join(p for p in parts if p)


class LoginScreen(KioskScreen):
    message = StringProperty("")
    error = BooleanProperty(False)
    purpose = StringProperty("")
    grouped = staticmethod(grouped)

    def on_kv_post(self, base_widget) -> None:
        # the demo's card and e-SSC buttons exist only with developer controls on
        self._demo_controls = self.ids.demo_controls.__self__
        self._show_demo()
        LOOK.fbind("elder", lambda *_a: self._show_demo())

    def _show_demo(self) -> None:
        """The demo's developer buttons; not in 长辈模式, where the keypad needs their room."""
        set_shown(self._demo_controls, self.services.config.demo.developer_controls and not LOOK.elder)

    def set_params(self, next: str = "home", next_params: dict | None = None, purpose: str = "", **_p) -> None:
        self._next = next
        self._next_params = next_params or {}
        self.purpose = purpose

    def activate(self) -> None:
        self.ids.keypad.clear()
        self.error = False
        self.message = _("请输入 18 位身份证号码")

    def submit(self) -> None:
        try:
            resident = resident_from_keyed(self.ids.keypad.value)
        except InvalidIdNumber as e:
            self.error = True
            self.message = str(e)
            return
        self.accept(resident)

    def accept(self, resident: Resident) -> None:
        """A valid identity from any source (keypad, card reader, QR scan)."""
        self.ids.keypad.clear()
        self.services.visits.set_identity(resident)
        # 返回 on the next screen must not lead back to this one: the resident is identified now
        self.services.nav.go(getattr(self, "_next", "home"), replace=True, **getattr(self, "_next_params", {}))

    def deactivate(self) -> None:
        self.ids.keypad.clear()

    def reset(self) -> None:
        self.ids.keypad.clear()
        self.message = ""
        self.purpose = ""


load_kv(__file__)
