"""Every screen renders its Chinese text with the registered CJK font, and no glyph is missing."""

from __future__ import annotations

import pytest
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.uix.label import Label

from kiosk import pictograms
from kiosk.fonts import missing_glyphs
from kiosk.tour import visible_widgets
from tests.appfixture import first_row, go_home, open_list, pump, tap, wait_until


def _enter(app, name):
    if name == "attract":
        wait_until(lambda: bool(app.screen("attract").announcements), what="announcements")
    elif name == "home":
        go_home(app)
    elif name == "vacancy_list":
        open_list(app)
    elif name == "vacancy_detail":
        rv = open_list(app)
        tap(first_row(rv))
        wait_until(lambda: app.screen("vacancy_detail").vacancy is not None, what="detail")
    pump(3)


def test_default_font_is_the_cjk_font(app):
    regular, _italic, bold, _bi = LabelBase._fonts[DEFAULT_FONT]
    assert regular == str(app.fonts.regular) and bold == str(app.fonts.bold)


@pytest.mark.parametrize("name", ["attract", "home", "vacancy_list", "vacancy_detail"])
def test_screen_text_renders_with_registered_font(app, name):
    _enter(app, name)
    assert app.nav.current == name
    labels = [w for w in visible_widgets(app.screen(name)) if isinstance(w, Label) and w.text.strip()]
    chinese = [lb for lb in labels if any("\u4e00" <= ch <= "\u9fff" for ch in lb.text)]
    assert len(chinese) >= 3
    icons = str(pictograms.font_path())
    for lb in labels:
        assert lb.texture is not None, lb.text
        used = lb._label.options["font_name_r"]
        if lb.font_name == pictograms.FONT_NAME:  # a pictogram beside the words, from the icon font
            assert used == icons and not any("\u4e00" <= ch <= "\u9fff" for ch in lb.text), (lb.text, used)
        else:
            assert used in (str(app.fonts.regular), str(app.fonts.bold)), (lb.text, used)
        assert missing_glyphs(lb.text, used) == set(), lb.text


def test_a_fitted_title_takes_only_sizes_of_the_type_scale(app):
    """Each font size is a face Kivy keeps open for good: a tile's title, fitted to its width,
    must not ask for a new one at every width its layout passes through."""
    from kiosk.widgets.look import FIT_SIZES, T
    from kiosk.widgets.tile import Tile

    tile = Tile(title="远程视频咨询", subtitle="和职业指导师面对面", key="consult", size_hint=(None, None), height=300)
    title = tile.ids.title
    seen = set()
    for width in range(60, 1100, 7):
        tile.width = width
        tile.do_layout()
        tile.children[-1].do_layout()
        seen.add(title.font_size)
        assert title.font_size in FIT_SIZES, (width, title.width, title.font_size)
    assert min(seen) == min(FIT_SIZES) and max(seen) == T.FONT_H2, sorted(seen)
    assert len(seen) >= 3, sorted(seen)
