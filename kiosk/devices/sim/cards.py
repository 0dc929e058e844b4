"""Generated cards for the simulator and the demo: valid check digits, made-up people."""

from __future__ import annotations

import random

from kiosk.devices.idcard.text_block import resident_block
from kiosk.domain.identity import check_char

NAMES = ("张建国", "李秀英", "王淑芬", "刘德福", "陈桂兰", "杨志强", "赵玉珍", "黄国华")


def demo_card(rng: random.Random | None = None) -> bytes:
    rng = rng or random.Random()
    year = rng.randint(1955, 2000)
    first17 = f"120104{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    number = first17 + check_char(first17)
    return resident_block(rng.choice(NAMES), rng.choice("12"), 1, number[6:14], "天津市和平区南市街道荣业大街56号",
                          number, "天津市公安局和平分局", "20200101", "20400101")
