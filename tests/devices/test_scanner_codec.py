"""The scanner line codec and debouncer: pure, fed bytes and times by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.devices.scanner import Debouncer, Incomplete, LineDecoder, NotText, ScanError, TooLong, decode_text

URL = "http://127.0.0.1:8700/tickets/6f1c2b0e-4a7d-4d8e-9a55-0b1f3e2d4c5a"


@pytest.mark.parametrize("suffix", [b"\r", b"\n", b"\r\n", b"\n\r"])
def test_each_suffix_ends_one_scan(suffix):
    d = LineDecoder()
    assert d.feed(URL.encode() + suffix + b"second" + suffix) == [URL, "second"]
    assert d.pending == 0


def test_crlf_split_between_pieces_is_not_an_empty_scan():
    d = LineDecoder()
    assert d.feed(b"ABC\r") == ["ABC"]
    assert d.feed(b"\n") == []
    assert d.feed(b"\r\n\r\n") == []


def test_pieces_are_reassembled():
    d = LineDecoder()
    data = URL.encode() + b"\r\n"
    out = []
    for i in range(0, len(data), 3):
        out += d.feed(data[i:i + 3])
    assert out == [URL]


def test_leading_noise_and_nuls_are_dropped():
    d = LineDecoder()
    assert d.feed(b"\x00\x00\x02  ESSC1:DEMO-X\x00 \x03\r") == ["ESSC1:DEMO-X"]
    assert d.feed(b"\x00\x00\x00") == [] and d.pending == 0  # an adapter powering up is no scan


def test_garbage_is_a_typed_error_and_the_next_scan_still_works():
    d = LineDecoder()
    out = d.feed(b"\xff\x80\xfe\xc0\xff\r" + b"OK\r")
    assert isinstance(out[0], NotText) and isinstance(out[0], ScanError) and out[1] == "OK"
    assert out[0].message  # something to tell the resident


def test_gb18030_text_from_a_scanner_set_to_gbk_is_decoded():
    assert decode_text("天津市就业驿站".encode("gb18030")) == "天津市就业驿站"
    assert decode_text("天津".encode()) == "天津"


def test_decoded_but_unprintable_text_is_refused():
    with pytest.raises(NotText):
        decode_text(b"AB\x07CD")  # a bell inside a code is line noise, not a code


def test_over_long_line_is_dropped_once_and_decoding_goes_on():
    d = LineDecoder(max_line=64)
    out = d.feed(b"A" * 200)
    assert len(out) == 1 and isinstance(out[0], TooLong)
    assert d.feed(b"B" * 100) == []  # the rest of the same line: no second error
    assert d.feed(b"\r") == []  # its end
    assert d.feed(b"NEXT\r") == ["NEXT"]


def test_line_of_exactly_max_length_is_accepted():
    d = LineDecoder(max_line=8)
    assert d.feed(b"12345678\r") == ["12345678"]
    assert isinstance(d.feed(b"123456789\r")[0], TooLong)


def test_missing_suffix_times_out_as_incomplete():
    d = LineDecoder(incomplete_after_s=0.8)
    assert d.feed(b"ESSC1:DEMO-1201", now=10.0) == []
    assert d.expire(10.5) == []  # still arriving
    assert d.feed(b"04", now=10.6) == []
    assert d.expire(11.3) == []  # the last piece came at 10.6
    out = d.expire(11.4)
    assert len(out) == 1 and isinstance(out[0], Incomplete) and "suffix" in str(out[0])
    assert "1201" not in str(out[0])  # errors never carry the content
    assert d.pending == 0 and d.expire(20.0) == []
    assert d.feed(b"NEXT\r", now=30.0) == ["NEXT"]


def test_noise_alone_does_not_time_out_as_a_scan():
    d = LineDecoder()
    d.feed(b"\x02\x03 ", now=1.0)
    assert d.expire(100.0) == []


def test_an_over_long_line_without_suffix_recovers_after_the_timeout():
    d = LineDecoder(max_line=16, incomplete_after_s=0.8)
    assert isinstance(d.feed(b"X" * 40, now=1.0)[0], TooLong)
    assert d.expire(5.0) == []  # already reported
    assert d.feed(b"FRESH\r", now=6.0) == ["FRESH"]


def test_debouncer_drops_the_same_code_within_the_window():
    db = Debouncer(window_s=1.5)
    assert db.accept("A", 0.0)
    assert not db.accept("A", 1.0)
    assert not db.accept("A", 2.4)  # each repeat restarts the window (continuous mode)
    assert db.accept("A", 3.9)
    assert db.accept("B", 4.0)  # another code at once
    assert db.accept("A", 4.1)
    db.forget()
    assert db.accept("A", 4.2)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=20), st.integers(min_value=8, max_value=400))
def test_random_bytes_never_crash_the_decoder(pieces, max_line):
    d = LineDecoder(max_line=max_line)
    t = 0.0
    for p in pieces:
        t += 0.1
        for item in d.feed(p, now=t):
            assert isinstance(item, ScanError) or (isinstance(item, str) and 0 < len(item) <= max_line)
        assert d.pending <= max_line
    for item in d.expire(t + 10):
        assert isinstance(item, Incomplete)
    assert d.pending == 0
    assert d.feed(b"\rAFTER\r", now=t + 11) == ["AFTER"]
