"""Kivy 2.3.1's ScrollView binds its bar colour again on every scroll step.

``ScrollView.update_from_scroll`` runs for each change of ``scroll_y``, position or size and
each time calls ``fbind('bar_color', self._change_bar_color)``; the fade half a second later
takes back one of those bindings. So every scroll, every list refilled and every screen laid
out again left bindings behind on its ScrollView (and RecycleView): about four a visit, for
as long as the kiosk runs. Dropping the earlier binding first keeps exactly one.
"""

from __future__ import annotations

from kivy.uix.scrollview import ScrollView

_update_from_scroll = ScrollView.update_from_scroll


def update_from_scroll(self: ScrollView, *largs) -> None:
    """Kivy's, with its bar-colour binding made once (Kivy's Clock finds a method by its name)."""
    self.funbind("bar_color", self._change_bar_color)
    _update_from_scroll(self, *largs)


def install() -> None:
    """Patch the class (once; before any ScrollView binds its ``update_from_scroll``)."""
    if ScrollView.update_from_scroll is not update_from_scroll:
        ScrollView.update_from_scroll = update_from_scroll


install()
