"""Receipts as documents: widths, line breaking, builders, and masked identities only."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import receipts as R
from kiosk.domain.receipt_samples import KINDS, STATION, TICKET, VACANCIES, job_url, sample

WHEN = datetime(2025, 3, 18, 9, 42)


def test_widths_count_every_non_ascii_character_as_two_columns():
    assert R.text_width("A023") == 4
    assert R.text_width("求职登记") == 8
    assert R.text_width("薪资：3500 元/月") == 6 + 4 + 1 + 2 + 1 + 2  # the full-width colon takes two
    assert R.text_width("·") == 2  # a two-byte character in GB18030/GBK prints full width


def test_wrap_keeps_ascii_words_whole_and_breaks_chinese_anywhere():
    assert R.wrap("电话 022-2730 0000", 10) == ["电话", "022-2730", "0000"]
    assert R.wrap("一二三四五六七八", 6) == ["一二三", "四五六", "七八"]
    assert R.wrap("https://jy.example.tj.cn/jobs/1", 10) == ["https://jy", ".example.t", "j.cn/jobs/", "1"]


def test_chinese_punctuation_never_starts_a_line():
    lines = R.wrap("一二三四五，六七", 10)
    assert lines == ["一二三四", "五，六七"]
    assert all(not ln.startswith("，") for ln in lines)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1-。，：求职登记薪资（）A\n·")), max_size=200),
       st.integers(min_value=4, max_value=48))
def test_wrap_never_exceeds_the_width_and_loses_no_character(text, cols):
    lines = R.wrap(text, cols)
    assert all(R.text_width(ln) <= cols for ln in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")


def test_key_value_continuation_lines_are_indented_under_the_value():
    lines = R.kv_lines("地点", "和平区南市街道荣业大街 56 号，步行约 12 分钟", 24)
    assert lines[0].startswith("地点：")
    assert all(ln.startswith("      ") for ln in lines[1:])
    assert all(R.text_width(ln) <= 24 for ln in lines)


def test_identity_lines_are_masked_even_when_given_a_full_number():
    r = R.ticket(TICKET, STATION, "https://x/t", WHEN, identity="张* · 120104198001011234")
    text = "\n".join(r.texts())
    assert "120104198001011234" not in text
    assert "120104********1234" in text
    a = R.appointment(R.Appointment("a1", "职业指导", WHEN, "2 号窗口", "YY-1", identity="13812345678"), STATION,
                      "https://x/a", WHEN)
    assert "13812345678" not in "\n".join(a.texts()) and "138****5678" in "\n".join(a.texts())


def test_ticket_has_the_number_large_and_a_qr():
    r = sample("ticket")
    big = [b for b in r.blocks if isinstance(b, R.Text) and b.size == 4]
    assert [b.text for b in big] == ["A023"]
    assert [b.data for b in r.blocks if isinstance(b, R.QR)] == [f"https://jy.example.tj.cn/tickets/{TICKET.id}"]
    assert r.kind == "ticket" and r.ref == TICKET.id and r.cut


def test_shortlist_has_one_qr_per_vacancy():
    r = R.shortlist(VACANCIES, job_url, STATION, WHEN)
    assert [b.data for b in r.blocks if isinstance(b, R.QR)] == [job_url(v.id) for v in VACANCIES]
    assert len(r.ref) <= 40
    with pytest.raises(ValueError):
        R.shortlist([], job_url, STATION, WHEN)


def test_every_sample_builds():
    for kind in KINDS:
        assert sample(kind).kind == kind


def test_text_size_is_bounded():
    with pytest.raises(ValueError):
        R.Text("x", size=5)


def test_service_request_slip_has_the_reference_documents_and_a_qr_but_no_door_number():
    r = sample("service_request")
    texts = r.texts()
    assert "PK7QRX3M" in texts and "代办失业保险金申领" in texts and "· 解除或终止劳动合同证明" in texts
    assert any(t.endswith("/requests/PK7QRX3M") for t in texts)
    assert "张* · 120104********1234" in texts and not any("室" in t for t in texts)


def test_the_shortlist_has_one_more_qr_for_the_whole_list_when_given():
    r = R.shortlist(VACANCIES, job_url, STATION, WHEN, list_url="https://x.example/shortlists/abc")
    assert [b.data for b in r.blocks if isinstance(b, R.QR)] == [job_url(v.id) for v in VACANCIES] + \
        ["https://x.example/shortlists/abc"]


@pytest.mark.parametrize("kind", ["callback", "interest"])
def test_request_slips_carry_a_masked_phone_and_their_capability_qr(kind):
    r = sample(kind)
    text = "".join(r.texts())
    assert "139****5678" in text and "13912345678" not in text
    (qr,) = [b for b in r.blocks if isinstance(b, R.QR)]
    assert qr.data.endswith("/" + "q3Vt0mXo5d9Lb2RkZpA8wQ") and qr.caption
    unmasked = R.callback("HD-1", "其他", "13912345678", STATION, "u", WHEN)  # a slip redacts what it is given
    assert "13912345678" not in "".join(unmasked.texts())
