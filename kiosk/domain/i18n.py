"""The language the resident reads: ``_`` translates a Chinese text into it.

The texts in the code are the Chinese ones (the default); a translation is a gettext catalogue
(assets/locales/<lang>/LC_MESSAGES/kiosk.po) that ``kiosk.locales`` loads and hands over here.
Central uses the domain too and never switches, so it always reads Chinese.
"""

from __future__ import annotations

import gettext

DEFAULT = "zh"

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT


def _(text: str) -> str:
    return _current.gettext(text)


def N_(text: str) -> str:  # noqa: N802 - gettext's name for it
    """Mark a text for the catalogue without translating it here: it is translated where it is
    shown (a kv rule's ``_(root.title)``), so it follows a language switch."""
    return text


def language() -> str:
    return _language


def use(lang: str, translations: gettext.NullTranslations | None) -> None:
    """Switch to ``lang`` (``translations`` None: the Chinese of the code itself)."""
    global _current, _language
    _current = translations or gettext.NullTranslations()
    _language = lang
