"""Every text/background pair of the theme is at least 4.5:1 (WCAG 2.1 AA), in both looks, and
长辈模式 is larger: type about 1.4x, touch targets of 140 px."""

from __future__ import annotations

import pytest

from kiosk import theme


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "长辈模式"])
def test_every_pair_is_readable(elder):
    colours = theme.palette(elder)
    ratios = {(fg, bg): theme.contrast(colours[fg], colours[bg]) for fg, bg in theme.CONTRAST_PAIRS}
    failing = {pair: round(r, 2) for pair, r in ratios.items() if r < 4.5}
    assert not failing
    print({f"{fg}/{bg}": round(r, 2) for (fg, bg), r in ratios.items()})


def test_the_ratio_is_computed_as_wcag_defines_it():
    assert theme.contrast((0, 0, 0, 1), (1, 1, 1, 1)) == pytest.approx(21.0)
    assert theme.contrast((1, 1, 1, 1), (1, 1, 1, 1)) == pytest.approx(1.0)
    # #767676 on white is the well-known 4.54:1
    grey = (0x76 / 255,) * 3 + (1,)
    assert theme.contrast(grey, (1, 1, 1, 1)) == pytest.approx(4.54, abs=0.01)


def test_the_elder_look_is_larger_and_stronger():
    assert theme.ELDER_SIZES["FONT_BODY"] / theme.FONT_BODY >= 1.4
    assert theme.ELDER_SIZES["FONT_SMALL"] / theme.FONT_SMALL >= 1.4
    assert theme.ELDER_SIZES["TOUCH_MIN"] >= 140 and theme.TOUCH_MIN >= 120
    standard, elder = theme.palette(False), theme.palette(True)
    assert theme.contrast(elder["MUTED"], elder["BG"]) > theme.contrast(standard["MUTED"], standard["BG"])
    assert theme.contrast(elder["TEXT"], elder["BG"]) > theme.contrast(standard["TEXT"], standard["BG"])
