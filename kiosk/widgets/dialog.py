"""A plain question with two big answers, for decisions a resident must confirm."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from kiosk.domain.i18n import N_


class ConfirmDialog(ModalView):
    title = StringProperty("")
    message = StringProperty("")
    yes_text = StringProperty(N_("确定"))
    no_text = StringProperty(N_("取消"))

    def __init__(self, on_yes: Callable[[], None], on_no: Callable[[], None] | None = None, **kw) -> None:
        super().__init__(**kw)
        self._on_yes = on_yes
        self._on_no = on_no

    def answer(self, yes: bool) -> None:
        self.dismiss(animation=False)
        cb = self._on_yes if yes else self._on_no
        if cb:
            cb()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
