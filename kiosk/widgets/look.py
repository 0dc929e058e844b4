"""The theme as the screens see it right now: standard, or 长辈模式.

Every kv rule reads its sizes and colours from ``T`` (``#:import T kiosk.widgets.look.T``).
``T`` is an EventDispatcher whose properties carry the theme's values, so when the mode
changes every bound size and colour follows at once. No screen is rebuilt, and what a resident
typed or chose stays where it was.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, ObjectProperty
from kivy.weakproxy import WeakProxy

from kiosk import theme

SIZES = ("FONT_HUGE", "FONT_H1", "FONT_H2", "FONT_TITLE", "FONT_BODY", "FONT_SMALL", "TOUCH_MIN", "HEADER_H",
         "SESSION_H", "PAD", "RADIUS")
COLORS = ("BRAND", "BRAND_DARK", "ACCENT", "BG", "CARD", "TEXT", "MUTED", "LINE", "ON_BRAND", "DISABLED", "GOOD",
          "DANGER")


def _values(elder: bool) -> dict:
    values = {name: getattr(theme, name) for name in SIZES}
    if elder:
        values.update(theme.ELDER_SIZES)
    palette = theme.palette(elder)
    values.update({name: palette[name] for name in COLORS})
    return values


class _LookBase(EventDispatcher):
    #: 长辈模式: larger type, 140 px targets, higher contrast
    elder = BooleanProperty(False)
    #: what a fixed size made for the standard type is multiplied by (rows, boxes around text)
    K = NumericProperty(1.0)
    TILE_COLORS = ObjectProperty(theme.TILE_COLORS)

    def switch(self, elder: bool) -> None:
        """Into or out of 长辈模式 (after dropping the bindings of widgets that are gone)."""
        prune_dead_bindings(self, ["elder", "K", *SIZES, *COLORS])
        self.elder = elder

    def on_elder(self, _inst, elder: bool) -> None:
        for name, value in _values(elder).items():
            setattr(self, name, value)
        self.K = theme.ELDER_SCALE if elder else 1.0


def prune_dead_bindings(dispatcher: EventDispatcher, names: list[str]) -> int:
    """Drop the kv bindings on ``dispatcher`` whose widget is gone; returns how many.

    A kv rule binds its widget (through a weak proxy) to every object its expressions read.
    Kivy removes those bindings when the widget is collected, except when the widget died in a
    reference cycle together with its proxy: then the binding stays on a long-lived object like
    ``T`` and the next change raises ReferenceError halfway through. A dialog or a row built and
    dropped during a visit is such a widget."""
    dropped = 0
    for name in names:
        for observer in dispatcher.get_property_observers(name, args=True):
            _callback, largs, _kwargs, _is_ref, uid = observer
            if uid is not None and any(_dead(a) for a in (largs[0] if largs and isinstance(largs[0], list | tuple)
                                                          else largs)):
                dispatcher.unbind_uid(name, uid)
                dropped += 1
    return dropped


def _dead(obj: object) -> bool:
    if type(obj) is not WeakProxy:
        return False
    try:
        obj.__ref__()
    except ReferenceError:
        return True
    return False


#: The sizes a label fitted to its width snaps down to: the type scale of both looks. The
#: smallest is FONT_SMALL, under which no text goes (a word too long for it is shortened).
FIT_SIZES = tuple(sorted({*(getattr(theme, name) for name in SIZES if name.startswith("FONT_")),
                          *(v for k, v in theme.ELDER_SIZES.items() if k.startswith("FONT_"))}))


def fit_size(cap: float, width: float, ems: float) -> float:
    """The type size at which ``ems`` character widths fill one line of ``width``, at most ``cap``.

    Under ``cap`` the size snaps down to ``FIT_SIZES``. Each size and weight of a font is a face
    of its own, which Kivy opens on first use and keeps (about 2.5 MB of FreeType tables for the
    CJK font), and a fitted label passes through a new size at every width its layout tries
    before it settles: unsnapped, the home tiles alone left seven faces behind."""
    want = width / max(1, ems)
    if want >= cap:
        return cap
    return max((size for size in FIT_SIZES if size <= want), default=FIT_SIZES[0])


Look = type("Look", (_LookBase,), {
    **{name: NumericProperty(getattr(theme, name)) for name in SIZES},
    **{name: ColorProperty(getattr(theme, name)) for name in COLORS},
    "__doc__": "The current sizes and colours (one instance, ``T``).",
})

T = Look()
