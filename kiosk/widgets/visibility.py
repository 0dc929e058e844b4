"""Showing and hiding parts of a screen.

A hidden part must leave the widget tree. Made invisible (opacity 0) its buttons still take
touches; made disabled, Kivy lets it swallow every touch that lands on it, so a hidden panel
would silently block the visible button under it.
"""

from __future__ import annotations

from kivy.uix.widget import Widget


def set_shown(widget: Widget, shown: bool) -> None:
    """Detach ``widget`` from its parent, or put it back at the place it had."""
    home = getattr(widget, "_kiosk_home", None)
    if home is None and widget.parent is not None:
        parent = widget.parent
        home = (parent, parent.children.index(widget))
        widget._kiosk_home = home
    if home is None:
        return
    parent, index = home
    if shown and widget.parent is None:
        parent.add_widget(widget, index=min(index, len(parent.children)))
    elif not shown and widget.parent is not None:
        parent.remove_widget(widget)
