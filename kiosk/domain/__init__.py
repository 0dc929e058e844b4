"""The kiosk's pure domain: value types, parsing, geo, pinyin, receipts, texts, ID-number checks,
privacy masking, wages, search-query parsing, demo data.

Nothing here touches SQLAlchemy, Kivy, serial ports or HTTP, so every other layer may import it:
the store, the desks in ``kiosk.core``, devices, sync and the central service
(``tests/test_architecture.py`` holds the rule).
"""
