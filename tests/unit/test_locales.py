"""The translation catalogues: complete for the code, loaded through gettext, checked both ways."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk import locales
from kiosk.domain import i18n


def _tree(tmp_path: Path, py: str, kv: str = "") -> tuple[Path, Path]:
    src = tmp_path / "kiosk"
    src.mkdir()
    (src / "screen.py").write_text(py, encoding="utf-8")
    (src / "screen.kv").write_text(kv, encoding="utf-8")
    root = tmp_path / "locales"
    return src, root


def _po(root: Path, entries: dict[str, str], lang: str = "en") -> None:
    path = locales.po_path(lang, root)
    path.parent.mkdir(parents=True)
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body, encoding="utf-8")


def test_the_shipped_catalogues_cover_every_text_the_code_translates():
    texts = locales.used_texts()
    assert len(texts) >= 50 and "找工作" in texts
    for lang in locales.LANGUAGES:
        if lang != i18n.DEFAULT:
            report = locales.check(lang)
            assert report.ok, "\n".join(report.lines()) + "\n(run `python -m kiosk i18n update`, then translate)"


def test_the_check_names_missing_untranslated_and_stale_texts(tmp_path):
    src, root = _tree(tmp_path, 'from kiosk.domain.i18n import _\nA = _("排队取号")\nB = _("预约服务")\nC = f("不算")\n',
                      'Label:\n    text: _("找工作") if x else _(\'首页\')\n    hint: T._("不是")\n')
    _po(root, {"排队取号": "Queue", "预约服务": "", "已删除的": "Gone"})
    report = locales.check("en", root=root, sources=src)
    assert report.missing == ["找工作", "首页"]
    assert report.untranslated == ["预约服务"]
    assert report.stale == ["已删除的"]
    assert not report.ok and any("找工作" in line for line in report.lines())


def test_update_adds_new_texts_keeps_translations_and_drops_unused(tmp_path):
    src, root = _tree(tmp_path, 'from kiosk.domain.i18n import _\nA = _("排队取号")\nB = _("新的")\n')
    _po(root, {"排队取号": "Queue", "旧的": "Old"})
    assert locales.update("en", root=root, sources=src) == (1, 1)
    report = locales.check("en", root=root, sources=src)
    assert report.missing == [] and report.stale == [] and report.untranslated == ["新的"]
    assert locales.translations("en", root).gettext("排队取号") == "Queue"


def test_the_language_switch_goes_through_gettext_and_back(caplog):
    try:
        locales.use_language("en")
        assert i18n.language() == "en" and i18n._("找工作") == "Find a job"
        assert i18n._("一句没有翻译的话") == "一句没有翻译的话"
        caplog.set_level(logging.WARNING, logger="kiosk.locales")
        locales.use_language("fr")
        assert i18n.language() == "zh" and i18n._("找工作") == "找工作" and "fr" in caplog.text
    finally:
        locales.use_language(i18n.DEFAULT)


def test_a_broken_catalogue_is_refused_with_its_path(tmp_path):
    root = tmp_path / "locales"
    path = locales.po_path("en", root)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'msgid "a\nmsgstr \xff\n')
    with pytest.raises(locales.CatalogueError, match="kiosk.po"):
        locales.check("en", root=root, sources=tmp_path)
