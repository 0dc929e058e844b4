"""The tour's checks find what they are for: clipped text, parts outside their layout, text too
faint for its background on the real picture, small touch targets and missing glyphs. Each is
shown a widget with the fault and one without, drawn in the kiosk's own window."""

from __future__ import annotations

import os

import pytest
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.tour import audit, clipped, low_contrast
from tests.appfixture import pump

LONG = "Choose what you would like to ask about, and an advisor will talk to you over video"


@pytest.fixture
def layer(app):
    """A layer over the kiosk's screens that each test fills; removed afterwards."""
    top = FloatLayout(size=Window.size)
    Window.add_widget(top)
    yield top
    Window.remove_widget(top)
    pump(2)


def boxed_label(text: str, size: tuple[int, int], pos: tuple[int, int]) -> Label:
    """A label whose text box is its own size, as the kv rules write ``text_size: self.size``."""
    w = Label(text=text, size_hint=(None, None), size=size, pos=pos, font_size=40, color=(0, 0, 0, 1))
    w.text_size = size
    return w


def on_background(w: Widget, rgb: tuple[float, float, float]) -> Widget:
    with w.canvas.before:
        Color(*rgb, 1)
        Rectangle(pos=w.pos, size=w.size)
    return w


def screenshot(tmp_path) -> str:
    pump(3)
    path = tmp_path / "shot.png"
    real = Window.screenshot(name=str(path))
    if real and real != str(path):
        os.replace(real, path)
    return str(path)


def test_text_cut_off_in_its_own_box_is_clipped_and_text_that_fits_is_not(layer):
    short = boxed_label(LONG, (500, 60), (40, 300))
    tall = boxed_label(LONG, (500, 600), (600, 300))
    layer.add_widget(short)
    layer.add_widget(tall)
    pump(3)
    found = clipped(layer)
    assert any(LONG[:14] in f and "in 500x60" in f for f in found), found
    assert not any("in 500x600" in f for f in found), found


def test_a_part_wider_than_its_row_sticks_out(layer):
    row = BoxLayout(size_hint=(None, None), size=(300, 150), pos=(40, 900))
    row.add_widget(Widget(size_hint_x=None, width=520))
    fits = BoxLayout(size_hint=(None, None), size=(300, 150), pos=(40, 1200))
    fits.add_widget(Widget(size_hint_x=None, width=200))
    layer.add_widget(row)
    layer.add_widget(fits)
    pump(3)
    found = [f for f in clipped(layer) if "outside" in f]
    assert len(found) == 1 and "520x150" in found[0], found


def test_faint_text_on_the_picture_is_low_contrast_and_dark_text_is_not(layer, tmp_path):
    faint = boxed_label("浅灰色的字", (480, 120), (40, 600))
    faint.color = (0.62, 0.62, 0.62, 1)
    dark = boxed_label("深色的字", (480, 120), (560, 600))
    layer.add_widget(on_background(Widget(size_hint=(None, None), size=(480, 120), pos=(40, 600)), (0.8, 0.8, 0.8)))
    layer.add_widget(on_background(Widget(size_hint=(None, None), size=(480, 120), pos=(560, 600)), (1, 1, 1)))
    layer.add_widget(faint)
    layer.add_widget(dark)
    found = low_contrast(layer, screenshot(tmp_path))
    assert len(found) == 1 and "浅灰色的字" in found[0], found
    ratio = float(found[0].split()[1].split(":")[0])
    assert 1.0 < ratio < 4.5


def test_small_targets_and_missing_glyphs_are_named(app, layer):
    layer.add_widget(Button(text="小", size_hint=(None, None), size=(80, 80), pos=(40, 40)))
    layer.add_widget(Button(text="大", size_hint=(None, None), size=(200, 200), pos=(200, 40)))
    layer.add_widget(Label(text="岗位 \U00017000", size_hint=(None, None), size=(400, 100), pos=(40, 300)))
    pump(3)
    report = audit(layer, str(app.fonts.regular))
    assert report["small_targets"] == ["小 (80x80)"]
    assert report["missing_glyphs"] == ["\U00017000"]
