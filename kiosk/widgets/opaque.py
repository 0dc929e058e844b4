"""Opaque drawing for pictures and panels that are redrawn with every video frame.

Kivy draws everything blended. With no GPU (Mesa's llvmpipe) blending reads back every pixel
under what is drawn, which for a large panel redrawn 30 times a second is most of a call's
CPU. Canvas instructions between a ``Callback`` of ``no_blend`` and one of ``blend`` are drawn
as they are: only for what is opaque and covers what lies under it.
"""

from __future__ import annotations

from kivy.graphics.opengl import GL_BLEND, glDisable, glEnable


def no_blend(_instruction: object = None) -> None:
    glDisable(GL_BLEND)


def blend(_instruction: object = None) -> None:
    glEnable(GL_BLEND)
