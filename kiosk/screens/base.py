"""What every kiosk screen shares.

Screens are created once and live as long as the app. ``activate`` runs when a screen is
about to show, ``deactivate`` when it has left, ``reset`` when the visit ends (it must drop
every copy of the resident's data the screen holds). Screens talk to core services only, and
run anything slow through ``Services.background``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.lang import Builder
from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen

from kiosk.core.guidance import screen_line

if TYPE_CHECKING:
    from kiosk.services import Services


class KioskScreen(Screen):
    services: Services = ObjectProperty(None, allownone=True)

    def set_params(self, **params: Any) -> None:
        """Called by the navigator before the screen is shown."""

    def on_pre_enter(self, *args: Any) -> None:
        self.activate()

    def on_leave(self, *args: Any) -> None:
        self.deactivate()

    def activate(self) -> None:
        pass

    def deactivate(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def guidance(self) -> str | None:
        """What 语音引导 says on arrival: the header's title and the one thing to do here.
        A screen whose content arrives later returns None until then and calls ``speak``."""
        header = self.ids.get("header")
        return screen_line(self.name, header.title if header is not None else "")

    def speak(self) -> None:
        """Say this screen's guidance now (its content has arrived)."""
        guide = self.services.guide if self.services is not None else None
        if guide is not None and self.manager is not None and self.manager.current == self.name:
            guide.say(self.guidance())

    def busy(self) -> bool:
        """Whether something runs that is activity by itself (a video call): no idle timeout then."""
        return False

    def go(self, name: str, **params: Any) -> None:
        self.services.nav.go(name, **params)

    def back(self) -> None:
        self.services.nav.back()

    def home(self) -> None:
        self.services.nav.go("home", clear_history=True)

    def toast(self, text: str) -> None:
        self.services.nav.toast(text)

    def ask_rating(self, bar, service: str) -> None:
        """Offer the one-tap 好差评 rating of a service just completed."""
        bar.ask(service, lambda svc, score: self.services.background.submit(self.services.feedback.give, svc, score))


def load_kv(module_file: str) -> None:
    """Load the .kv file that sits next to a screen module (once: modules import once)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))
