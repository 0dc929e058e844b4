"""Kiosk-side pinyin for vacancies that arrive without it (single-character readings only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.domain import pinyin


def test_initials_and_full_pinyin() -> None:
    assert pinyin.initials("保洁员") == "bjy"
    assert pinyin.full("保洁员") == "baojieyuan"
    assert pinyin.full("绿化工") == "lvhuagong"  # ü is typed v, as pypinyin's NORMAL style
    assert pinyin.full("女") == "nv"


def test_non_chinese_characters_are_skipped() -> None:
    assert pinyin.initials("C1驾照（司机）") == "jzsj"
    assert pinyin.full("") == ""


def test_agrees_with_pypinyin_character_by_character() -> None:
    from pypinyin import lazy_pinyin

    text = "天津鑫达家政服务有限公司数控车床操作工养老护理员快递员社区协管员绿"
    # one character at a time, pypinyin uses its single-character table: what the kiosk reads
    assert pinyin.syllables(text) == [lazy_pinyin(c)[0] for c in text]
    assert pinyin.initials(text) == "".join(lazy_pinyin(c)[0][0] for c in text)


def test_does_not_import_pypinyin_or_its_phrase_dictionary() -> None:
    code = ("import sys; from kiosk.domain import pinyin; pinyin.full('保洁'); "
            "print('pypinyin' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_pypinyin_data_degrades_to_no_pinyin(monkeypatch, caplog) -> None:
    import importlib.util

    monkeypatch.setattr(pinyin, "_table", None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert pinyin.full("保洁") == "" and pinyin.initials("保洁") == ""
    assert "pypinyin" in caplog.text
    monkeypatch.setattr(pinyin, "_table", None)  # reload for later tests
