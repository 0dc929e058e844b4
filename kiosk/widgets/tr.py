"""``_`` for the kv files: ``text: _("找工作")`` re-reads its translation when the language changes.

Kivy's kv compiler binds an expression that calls ``_(`` to a property named ``_`` of the object
the name ``_`` stands for (kivy.lang.parser: ``lang_tr``). So ``tr`` is an EventDispatcher whose
``_`` property holds the language code, and calling ``tr`` translates through
``kiosk.domain.i18n``. Screens import it in their kv as ``#:import _ kiosk.widgets.tr.tr``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from kivy.event import EventDispatcher
from kivy.properties import StringProperty

from kiosk import locales
from kiosk.domain import i18n
from kiosk.widgets.look import prune_dead_bindings

W = TypeVar("W")


class Translator(EventDispatcher):
    _ = StringProperty(i18n.DEFAULT)

    def __call__(self, text: str) -> str:
        return i18n._(text)

    def switch(self, lang: str) -> None:
        """Translate every bound text into ``lang`` at once; what was typed stays."""
        prune_dead_bindings(self, ["_"])
        locales.use_language(lang)
        self._ = i18n.language()


tr = Translator()


def follow(widget: W, prop: str = "text", text: str | Callable[[], str] = "") -> W:
    """Keep a text of a widget built in Python in the visit's language: ``text`` is a Chinese
    text (translated) or a function that words it; it is set now and again on every switch."""

    ref = weakref.ref(widget)  # the binding must not keep a widget that was thrown away

    def apply(*_a) -> None:
        w = ref()
        if w is not None:
            setattr(w, prop, text() if callable(text) else tr(text))

    apply()
    tr.fbind("_", apply)
    return widget
