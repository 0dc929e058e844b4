"""Moving between screens, with a history for the 返回 button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.screenmanager import ScreenManager


class Navigator:
    def __init__(
        self,
        manager: ScreenManager,
        toast: Callable[[str], None] = lambda _t: None,
        on_change: Callable[[], None] = lambda: None,
        ensure: Callable[[str], object] = lambda _name: None,
    ) -> None:
        """``ensure(name)`` builds the screen ``name`` if it is not built yet."""
        self.manager = manager
        self._ensure = ensure
        self.history: list[str] = []
        self._toast = toast
        self._on_change = on_change

    @property
    def current(self) -> str:
        return self.manager.current

    def go(self, name: str, clear_history: bool = False, replace: bool = False, **params: Any) -> None:
        """``replace``: the current screen was a detour (identity) and is left out of the history,
        as is the screen being returned to, so 返回 there does not lead back into the detour."""
        if not self.manager.has_screen(name):
            self._ensure(name)
        screen = self.manager.get_screen(name)
        screen.set_params(**params)
        if clear_history:
            self.history.clear()
        elif replace:
            while self.history and self.history[-1] == name:
                self.history.pop()
        elif self.manager.current and self.manager.current != name:
            self.history.append(self.manager.current)
        self._switch(name)

    def _switch(self, name: str) -> None:
        self._on_change()
        self.manager.current = name

    def back(self) -> None:
        self._switch(self.history.pop() if self.history else "home")

    def reset_to(self, name: str) -> None:
        self.history.clear()
        self._switch(name)

    def toast(self, text: str) -> None:
        self._toast(text)
