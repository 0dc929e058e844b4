"""``python -m kiosk i18n check|update``: the translations in assets/locales against the code."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("i18n", help="check the translation catalogues against the code, or update them")
    p.add_argument("action", choices=("check", "update"),
                   help="check: exit 1 on a missing, untranslated or stale text; "
                        "update: add new texts (untranslated) and drop unused ones")
    p.add_argument("--lang", action="append", help="a catalogue's language (default: every one but Chinese)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk import locales
    from kiosk.domain import i18n

    langs = args.lang or [code for code in locales.LANGUAGES if code != i18n.DEFAULT]
    if args.action == "update":
        for lang in langs:
            added, dropped = locales.update(lang)
            print(f"{lang}: {added} new texts to translate, {dropped} unused dropped "
                  f"({locales.po_path(lang).relative_to(locales.LOCALES.parent.parent)})")
        return 0
    failed = False
    for lang in langs:
        report = locales.check(lang)
        for line in report.lines():
            print(line)
        print(f"{lang}: {'ok' if report.ok else 'FAILED'} ({report.used} texts in the code)")
        failed |= not report.ok
    return 1 if failed else 0
