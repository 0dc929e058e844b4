import pytest

from kiosk.fonts import FontError, find_cjk_fonts, missing_glyphs


def test_finds_noto_and_takes_the_simplified_chinese_face(tmp_path):
    fonts = find_cjk_fonts(tmp_path, env={})
    assert fonts.family == "Noto Sans CJK SC"
    from fontTools.ttLib import TTFont

    assert TTFont(str(fonts.regular), lazy=True)["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert fonts.bold != fonts.regular
    # the copy is made once and reused
    again = find_cjk_fonts(tmp_path, env={})
    assert again.regular == fonts.regular


def test_rare_name_characters_are_covered(tmp_path):
    fonts = find_cjk_fonts(tmp_path, env={})
    assert missing_glyphs("津彩e就业 喆 堃 赟 昇 珺 禤 ‹ ·", str(fonts.regular)) == set()
    assert missing_glyphs("\U0001F600", str(fonts.regular)) == {"\U0001F600"}


def test_no_font_gives_an_actionable_message(tmp_path):
    with pytest.raises(FontError) as e:
        find_cjk_fonts(tmp_path / "cache", env={"KIOSK_FONT_DIRS": str(tmp_path / "empty")})
    assert "fonts-noto-cjk" in str(e.value)


def test_kiosk_font_must_exist(tmp_path):
    with pytest.raises(FontError, match="not a file"):
        find_cjk_fonts(tmp_path, env={"KIOSK_FONT": str(tmp_path / "missing.otf")})
