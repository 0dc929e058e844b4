"""Colours and sizes of the kiosk UI, in one place.

Sizes are pixels on a 1080-wide portrait screen at arm's length: body text is never below
34 px and nothing a finger must hit is below 120 px (about 2 cm on a 21.5" panel), which is
what older residents need.
"""

BRAND = (0.039, 0.369, 0.659, 1)       # 津彩 blue
BRAND_DARK = (0.020, 0.255, 0.478, 1)
ACCENT = (0.906, 0.431, 0.075, 1)      # salary and calls to action
BG = (0.953, 0.961, 0.973, 1)
CARD = (1, 1, 1, 1)
TEXT = (0.118, 0.122, 0.141, 1)
MUTED = (0.333, 0.353, 0.400, 1)
LINE = (0.847, 0.863, 0.890, 1)
ON_BRAND = (1, 1, 1, 1)
DISABLED = (0.620, 0.635, 0.667, 1)
GOOD = (0.090, 0.525, 0.259, 1)
DANGER = (0.800, 0.165, 0.165, 1)    # 结束通话

TILE_COLORS = (
    (0.039, 0.369, 0.659, 1),
    (0.086, 0.525, 0.420, 1),
    (0.478, 0.290, 0.659, 1),
    (0.796, 0.357, 0.118, 1),
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
