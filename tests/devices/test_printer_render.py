"""Receipts → ESC/POS bytes: exact bytes for small documents, encodings, QR, cut, 58/80 mm."""

from __future__ import annotations

import os
import tempfile

import pytest

from kiosk.devices.printer.profile import PROFILES, ProfileError, make_profile
from kiosk.devices.printer.render import encode, native_qr, qr_matrix, qr_modules, render
from kiosk.devices.sim.escpos_printer import Interpreter, Line
from kiosk.domain import receipts as R
from kiosk.domain.receipt_samples import KINDS, PRINTED_AT, sample

os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.gettempdir())

P80 = make_profile({"paper_width_mm": 80})
P58 = make_profile({"paper_width_mm": 58})


def doc(*blocks, cut=True) -> R.Receipt:
    return R.Receipt("notice", "t", tuple(blocks), cut)


def test_exact_bytes_of_a_small_document():
    job = render(doc(R.Text("取号", "center", size=2, bold=True), R.KeyValue("号码", "A1"), R.Rule()), P80)
    assert job.data == (
        b"\x1b@" + b"\x1c&"  # reset, Chinese mode
        + b"\x1ba\x01" + b"\x1bE\x01" + b"\x1d!\x11" + b"\x1c!\x0c"  # centre, bold, double size (GS ! and FS !)
        + "取号".encode("gb18030") + b"\n"
        + b"\x1ba\x00" + b"\x1bE\x00" + b"\x1d!\x00" + b"\x1c!\x00"  # back to normal
        + "号码：A1".encode("gb18030") + b"\n"
        + b"-" * 48 + b"\n"
        + b"\x1c."  # leave Chinese mode
        + b"\x1bd\x04" + b"\x1dV\x01"  # feed, partial cut
    )


def test_gbk_profile_and_no_chinese_mode_commands():
    p = make_profile({"profile": "generic-gbk", "chinese_mode": False, "cut": "full"})
    job = render(doc(R.Text("就业驿站")), p)
    assert job.data == b"\x1b@" + "就业驿站".encode("gbk") + b"\n\x1bd\x04\x1dV\x00"


def test_no_cutter_only_feeds():
    job = render(doc(R.Text("a")), make_profile({"profile": "pos58-clone"}))
    assert job.data.endswith(b"\x1c.\x1bd\x04") and b"\x1dV" not in job.data


def test_four_byte_and_unencodable_characters_become_question_marks_of_the_same_width():
    data, replaced = encode("王㐀A€𠀀", "gb18030")  # 㐀 (Ext-A) and 𠀀 (Ext-B) are four bytes in GB18030
    assert data == "王".encode("gb18030") + b"??A" + "€".encode("gb18030") + b"??" and replaced == 2
    data, replaced = encode("王䶮€", "gbk")  # GBK has neither
    assert data == "王".encode("gbk") + b"????" and replaced == 2


def test_control_characters_from_feed_data_never_reach_the_printer_as_commands():
    job = render(doc(R.Text("保洁员\x1b@\x1dV\x00\x10\x04\x01"), R.KeyValue("单位\x1b", "x\x1c.")), P80)
    body = job.data[len(b"\x1b@\x1c&"):-len(b"\x1c.\x1bd\x04\x1dV\x01")]
    assert b"\x1b@" not in body and b"\x1dV" not in body and b"\x10\x04" not in body and b"\x1c." not in body


def test_native_qr_is_the_same_as_python_escpos_sends():
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    d = Dummy()
    d.qr("https://jy.example.tj.cn/jobs/V-1", ec=QR_ECLEVEL_M, size=6, native=True)
    assert native_qr("https://jy.example.tj.cn/jobs/V-1", 6) == d.output
    job = render(doc(R.QR("https://jy.example.tj.cn/jobs/V-1")), P80)
    assert d.output in job.data


def test_cut_is_the_same_as_python_escpos_sends():
    from escpos.printer import Dummy

    d = Dummy(profile="TM-T88V")
    d.cut(mode="PART")
    assert d.output == b"\x1bd\x06\x1dV\x01"  # python-escpos feeds six lines; the kiosk four
    assert render(doc(), P80).data.endswith(b"\x1dV\x01")


def test_raster_qr_fallback_sends_an_image_not_gs_k():
    p = make_profile({"profile": "pos58-clone"})
    job = render(doc(R.QR("https://jy.example.tj.cn/jobs/V-1")), p)
    assert b"\x1d(k" not in job.data
    i = job.data.index(b"\x1dv0\x00")
    wb = int.from_bytes(job.data[i + 4:i + 6], "little")
    h = int.from_bytes(job.data[i + 6:i + 8], "little")
    modules = len(qr_matrix("https://jy.example.tj.cn/jobs/V-1")) + 4  # with the quiet zone
    assert wb == (modules * p.qr_module_dots + 7) // 8 and h == modules * p.qr_module_dots


def test_qr_size_estimate_matches_the_real_code():
    for n in (5, 14, 15, 42, 43, 62, 100, 213):
        assert qr_modules("x" * n) == len(qr_matrix("x" * n))


def test_the_logo_is_small_and_only_printed_when_asked():
    plain = render(sample("ticket"), P80)
    with_logo = render(sample("ticket"), make_profile({"logo": True}))
    assert b"\x1dv0" not in plain.data
    extra = len(with_logo.data) - len(plain.data)
    assert 0 < extra <= 256 // 8 * 64 + 16


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("kind", KINDS)
def test_no_printed_line_exceeds_the_paper(width, kind):
    profile = make_profile({"paper_width_mm": width})
    job = render(sample(kind), profile)
    interp = Interpreter(profile.dots)
    interp.feed(job.data)
    assert interp.unknown == 0 and interp.wrapped == 0  # the printer never had to wrap a line
    (receipt,) = interp.receipts
    for e in receipt.elements:
        if isinstance(e, Line):
            cols = sum((2 if r.wide else 1) * r.width // 12 for r in e.runs)
            assert cols <= profile.columns, "".join(r.text for r in e.runs)
    assert "?" not in receipt.text()  # every character decoded
    assert receipt.cut == "partial" and receipt.qr_codes()


def test_58mm_lines_are_narrower_than_80mm_lines():
    def widest(profile):
        interp = Interpreter(profile.dots)
        interp.feed(render(sample("vacancy"), profile).data)
        return max(R.text_width(x) for x in interp.receipts[0].lines())

    assert widest(P58) == 32 and widest(P80) == 48


def test_profiles_and_options():
    assert {"generic-gb18030", "generic-gbk", "pos58-clone"} <= set(PROFILES)
    p = make_profile({"profile": "generic-gbk", "paper_width_mm": 58, "native_qr": "false", "usb_vendor": 1})
    assert (p.encoding, p.columns, p.dots, p.native_qr) == ("gbk", 32, 384, False)
    with pytest.raises(ProfileError, match="unknown profile"):
        make_profile({"profile": "nope"})
    with pytest.raises(ProfileError, match="paper_width_mm"):
        make_profile({"paper_width_mm": 76})
    with pytest.raises(ProfileError, match="encoding"):
        make_profile({"encoding": "utf-8"})


def test_paper_length_estimate_grows_with_the_document():
    assert render(sample("shortlist"), P80).length_mm > 2 * render(sample("ticket"), P80).length_mm > 100


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("kind", KINDS)
def test_no_real_receipt_is_cut_short(width, kind):
    job = render(sample(kind), make_profile({"paper_width_mm": width}))
    assert not job.truncated and job.length_mm < R.max_length_mm(kind)


@pytest.mark.parametrize("width", [58, 80])
def test_a_crafted_vacancy_prints_at_most_its_kinds_length_with_the_qr(width, tmp_path):
    """One 打印 press of a vacancy whose requirements are a megabyte: the receipt stops at the
    vacancy cap, says 详情请扫码, and still carries the QR code and the station footer."""
    import dataclasses

    from PIL import Image

    from kiosk.devices.printer.profile import DOTS_PER_MM
    from kiosk.devices.sim.escpos_printer import draw
    from kiosk.domain.receipt_samples import STATION, VACANCIES, job_url

    profile = make_profile({"paper_width_mm": width})
    huge = dataclasses.replace(VACANCIES[0], requirements="身体健康，" * 200_000, benefits="福" * 100_000)
    job = render(R.vacancy(huge, job_url(huge.id), STATION, PRINTED_AT), profile)
    assert job.truncated and job.length_mm <= R.max_length_mm("vacancy")
    interp = Interpreter(profile.dots)
    interp.feed(job.data)
    (receipt,) = interp.receipts
    assert R.CUT_SHORT in receipt.lines()
    assert receipt.qr_codes() == [job_url(huge.id)] and receipt.cut == "partial"
    assert "手机扫码查看详情、投递简历" in receipt.text() and STATION.name in receipt.text()
    png = tmp_path / "crafted.png"
    draw(receipt, profile.dots).save(png)
    height_mm = Image.open(png).height / DOTS_PER_MM
    assert R.max_length_mm("vacancy") * 0.8 < height_mm <= R.max_length_mm("vacancy") + 10  # + the drawn margins


def test_a_receipt_without_a_qr_says_the_rest_is_left_out():
    job = render(doc(R.Text("标题"), R.Text("长" * 200_000)), P80)
    interp = Interpreter(P80.dots)
    interp.feed(job.data)
    assert job.truncated and R.CUT_SHORT_NO_QR in interp.receipts[0].lines()
    assert job.length_mm <= R.max_length_mm("notice")
