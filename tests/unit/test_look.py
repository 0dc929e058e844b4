"""fit_size: a label fitted to its width snaps down to the type scale and never goes under it."""

from __future__ import annotations

from kiosk import theme
from kiosk.widgets.look import FIT_SIZES, fit_size


def test_the_scale_is_both_looks_type_and_nothing_under_the_smallest_body_text():
    assert set(FIT_SIZES) == {theme.FONT_SMALL, theme.FONT_BODY, theme.FONT_TITLE, theme.FONT_H2, theme.FONT_H1,
                              theme.FONT_HUGE, *(v for k, v in theme.ELDER_SIZES.items() if k.startswith("FONT_"))}
    assert min(FIT_SIZES) == theme.FONT_SMALL


def test_room_enough_gives_the_cap_itself():
    assert fit_size(56, 600, 6) == 56
    assert fit_size(50, 600, 6) == 50  # a cap off the scale is kept when it fits


def test_too_little_room_snaps_down_to_the_next_size_of_the_scale():
    assert fit_size(56, 6 * 52, 6) == 48
    assert fit_size(56, 6 * 48, 6) == 48
    assert fit_size(92, 6 * 75.9, 6) == 72


def test_never_under_the_smallest_size_however_narrow():
    for width in (-44, 0, 1, 100, 6 * 33):
        assert fit_size(56, width, 6) == theme.FONT_SMALL


def test_no_characters_is_one_character_wide():
    assert fit_size(56, 40, 0) == theme.FONT_BODY
