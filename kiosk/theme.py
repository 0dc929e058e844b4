"""Colours and sizes of the kiosk UI, in one place.

Sizes are pixels on a 1080-wide portrait screen at arm's length: body text is never below
34 px and nothing a finger must hit is below 120 px (about 2 cm on a 21.5" panel), which is
what older residents need.
"""

BRAND = (0.039, 0.369, 0.659, 1)       # 津彩 blue
BRAND_DARK = (0.020, 0.255, 0.478, 1)
ACCENT = (0.741, 0.298, 0.0, 1)        # salary and calls to action
BG = (0.953, 0.961, 0.973, 1)
CARD = (1, 1, 1, 1)
TEXT = (0.118, 0.122, 0.141, 1)
MUTED = (0.333, 0.353, 0.400, 1)
LINE = (0.847, 0.863, 0.890, 1)
ON_BRAND = (1, 1, 1, 1)
DISABLED = (0.440, 0.451, 0.482, 1)
GOOD = (0.055, 0.431, 0.200, 1)
DANGER = (0.800, 0.165, 0.165, 1)    # 结束通话

TILE_COLORS = (
    (0.039, 0.369, 0.659, 1),
    (0.086, 0.525, 0.420, 1),
    (0.478, 0.290, 0.659, 1),
    (0.722, 0.318, 0.094, 1),
    (0.110, 0.471, 0.600, 1),
    (0.580, 0.420, 0.102, 1),
)

FONT_HUGE = 120
FONT_H1 = 72
FONT_H2 = 56
FONT_TITLE = 48
FONT_BODY = 40
FONT_SMALL = 34

TOUCH_MIN = 120
HEADER_H = 150
SESSION_H = 140
PAD = 32
RADIUS = 24

#: 长辈模式: type about 1.4x for body text (headings, already large, grow less), touch targets
#: of 140 px, and a palette of higher contrast. kiosk.widgets.look switches between the two.
ELDER_SIZES = {
    "FONT_HUGE": 144, "FONT_H1": 92, "FONT_H2": 76, "FONT_TITLE": 66, "FONT_BODY": 56, "FONT_SMALL": 48,
    "TOUCH_MIN": 140, "HEADER_H": 170, "SESSION_H": 150,
}
ELDER_COLORS = {
    "TEXT": (0, 0, 0, 1),
    "MUTED": (0.200, 0.212, 0.239, 1),
    "BG": (1, 1, 1, 1),
    "LINE": (0.420, 0.435, 0.470, 1),
    "BRAND": (0.020, 0.290, 0.541, 1),
}
#: 长辈模式: how much a fixed size made for the standard type grows (a list row, a box of text)
ELDER_SCALE = 1.4

#: Every pair of text colour on background colour the kv rules use, by theme name (the
#: contrast check computes each in both palettes). White on a tile colour is ``ON_BRAND`` on
#: ``TILE<n>``.
CONTRAST_PAIRS = (
    ("TEXT", "BG"), ("TEXT", "CARD"), ("MUTED", "BG"), ("MUTED", "CARD"), ("BRAND", "BG"), ("BRAND", "CARD"),
    ("ACCENT", "BG"), ("ACCENT", "CARD"), ("GOOD", "BG"), ("GOOD", "CARD"), ("DANGER", "BG"), ("DANGER", "CARD"),
    ("ON_BRAND", "BRAND"), ("ON_BRAND", "BRAND_DARK"), ("ON_BRAND", "ACCENT"), ("ON_BRAND", "GOOD"),
    ("ON_BRAND", "DANGER"), ("ON_BRAND", "DISABLED"),
    *(("ON_BRAND", f"TILE{i}") for i in range(len(TILE_COLORS))),
)


def palette(elder: bool) -> dict[str, tuple]:
    """Every colour by name, for the standard look or 长辈模式."""
    colours = {name: value for name, value in globals().items()
               if name.isupper() and isinstance(value, tuple) and len(value) == 4 and isinstance(value[0], float | int)}
    colours.update({f"TILE{i}": c for i, c in enumerate(TILE_COLORS)})
    if elder:
        colours.update(ELDER_COLORS)
    return colours


def luminance(rgba: tuple) -> float:
    """Relative luminance (WCAG 2.1)."""
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgba[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple, bg: tuple) -> float:
    """WCAG 2.1 contrast ratio; AA asks 4.5:1 for body text."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
