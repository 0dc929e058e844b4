"""The virtual ESC/POS printer: what it understands, what it draws, and that no input breaks it."""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.devices.printer.profile import make_profile
from kiosk.devices.printer.render import render
from kiosk.devices.sim.escpos_printer import Image, Interpreter, QRCode, Run, draw
from kiosk.domain.receipt_samples import CENTRAL, TICKET, TOKEN, VACANCIES, job_url, sample
from kiosk.fonts import missing_glyphs, pil_font
from tests.qrcodes import qr_texts


@pytest.mark.parametrize("profile", ["generic-gb18030", "pos58-clone"])  # native GS ( k, and the raster fallback
def test_the_qr_in_the_rendered_png_decodes_to_the_url(profile, tmp_path):
    from PIL import Image as PImage

    p = make_profile({"profile": profile})
    interp = Interpreter(p.dots)
    interp.feed(render(sample("ticket"), p).data)
    path = tmp_path / "ticket.png"
    draw(interp.pages()[0], p.dots).save(path)
    assert qr_texts(PImage.open(path)) == [f"https://jy.example.tj.cn/tickets/{TICKET.id}"]
    kinds = {type(e) for e in interp.pages()[0].elements}
    assert (QRCode in kinds) == p.native_qr and (Image in kinds) != p.native_qr


def test_every_qr_of_a_58mm_shortlist_decodes(tmp_path):
    p = make_profile({"paper_width_mm": 58})
    interp = Interpreter(p.dots)
    interp.feed(render(sample("shortlist"), p).data)
    img = draw(interp.receipts[0], p.dots)
    assert img.width == 384 + 32
    assert qr_texts(img) == sorted([job_url(v.id) for v in VACANCIES] + [f"{CENTRAL}/shortlists/{TOKEN}"])


def test_text_decodes_in_chinese_mode_only():
    interp = Interpreter()
    interp.feed("岗位\n".encode("gb18030") + b"\x1c&" + "岗位\n".encode("gb18030") + b"\x1c." + b"ok\n\x1dV\x01")
    assert interp.receipts[0].lines() == ["????", "岗位", "ok"]


def test_sizes_alignment_and_cut_kinds():
    interp = Interpreter()
    interp.feed(b"\x1c&\x1ba\x01\x1d!\x11\x1c!\x0c" + "号".encode("gb18030") + b"A\n\x1ba\x00\x1d!\x00x\n\x1dV\x00"
                + b"y\n\x1dVB\x00")
    first, second = interp.receipts
    line = first.elements[0]
    assert line.align == 1 and [(r.text, r.width, r.height, r.wide) for r in line.runs] == [
        ("号", 24, 2, True), ("A", 24, 2, False)]
    assert first.cut == "full" and second.cut == "partial" and second.lines() == ["y"]


def test_a_line_longer_than_the_paper_is_wrapped_and_counted():
    interp = Interpreter(dots=384)
    interp.feed(b"x" * 33 + b"\n")
    assert interp.pages()[0].lines() == ["x" * 32, "x"] and interp.wrapped == 1


def test_status_queries_are_answered_through_the_callback_even_mid_stream():
    asked: list[int] = []
    interp = Interpreter(on_status=asked.append)
    interp.feed(b"abc\x10\x04")
    interp.feed(b"\x01de\x10\x04\x04\x1dv0\x00\x01\x00\x02\x00\x10\x04")  # 10 04 inside raster data is data
    assert asked == [1, 4]


def test_the_rendered_receipt_has_glyphs_for_every_character():
    p = make_profile({})
    interp = Interpreter(p.dots)
    interp.feed(render(sample("vacancy"), p).data)
    text = interp.receipts[0].text()
    font = pil_font(24, False, "Noto Sans Mono CJK SC")
    assert not missing_glyphs(text, font.path), "tofu boxes on the receipt"


settings.register_profile("interp", deadline=None, suppress_health_check=[HealthCheck.too_slow])

COMMANDS = st.sampled_from([b"\x1b", b"\x1d", b"\x1c", b"\x10\x04", b"\x1dv0\x00", b"\x1d(k", b"\x1dV", b"\x1c&",
                            b"\x1b*", b"\x1dk", b"\n", b"\x1d!", b"\xb8\xda"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.binary(max_size=64), COMMANDS), max_size=40))
def test_random_bytes_never_crash_the_interpreter_or_the_drawing(parts):
    data = b"".join(parts)
    interp = Interpreter(dots=384, on_status=lambda n: None)
    interp.feed(data)
    for page in interp.pages():
        img = draw(page, 384)
        assert img.width == 384 + 32


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.binary(max_size=48), COMMANDS), max_size=30), st.data())
def test_feeding_in_pieces_gives_the_same_paper_as_feeding_at_once(parts, data):
    stream = b"".join(parts)
    whole, pieces = Interpreter(), Interpreter()
    whole.feed(stream)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    start = 0
    for c in cuts + [len(stream)]:
        pieces.feed(stream[start:c])
        start = c
    assert [p.elements for p in whole.pages()] == [p.elements for p in pieces.pages()]
    assert (whole.unknown, whole.wrapped) == (pieces.unknown, pieces.wrapped)


def test_impossible_image_sizes_are_skipped_not_allocated():
    interp = Interpreter()
    interp.feed(b"\x1dv0\x00\xff\xff\xff\xff" + b"ok\n")
    assert interp.pages()[0].lines()[-1].endswith("ok") and interp.unknown == 1


def test_a_printer_that_keeps_few_receipts_still_counts_every_one():
    interp = Interpreter(keep=2)
    for word in (b"one", b"two", b"three"):
        interp.feed(b"\x1b@" + word + b"\n\x1dV\x00")
    assert len(interp.receipts) == 3
    assert interp.receipts[-1].lines() == ["three"] and interp.receipts[1].lines() == ["two"]
    assert [r.lines() for r in interp.pages()] == [["two"], ["three"]]
    with pytest.raises(IndexError):
        interp.receipts[0]  # noqa: B018 - no longer kept


def test_kept_receipts_are_packed_not_held_as_parsed_characters():
    p = make_profile({"profile": "generic-gb18030"})
    job = render(sample("vacancy"), p).data
    interp = Interpreter(p.dots, keep=20)
    for _ in range(30):
        interp.feed(job)
    assert len(interp.receipts) == 30 and not interp.page.elements
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, Run)], "kept receipts hold a Run per character"
    assert interp.receipts.packed_bytes < 20 * 16_000
    again = Interpreter(p.dots)
    again.feed(job)
    assert interp.receipts[-1] == again.receipts[0] and interp.receipts[-1] is not interp.receipts[-1]
