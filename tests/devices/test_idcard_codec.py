"""The SAM frame codec and the text block decoder: known bytes, every card type, and random input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.devices.idcard import (
    BadChecksum,
    BadLength,
    BadPreamble,
    InvalidCard,
    Reassembler,
    Status,
    decode_frame,
    decode_identity,
    encode_command,
    identity_from_reply,
)
from kiosk.devices.idcard.frame import PREAMBLE, xor
from kiosk.devices.idcard.text_block import encode_text_block, resident_block
from kiosk.domain.identity import check_char

ROOT = Path(__file__).resolve().parents[2]


def number(first17: str) -> str:
    return first17 + check_char(first17)


RESIDENT = number("12010419800101123")
HMT = number("81000019900215001")


def reply(sw3: int, data: bytes = b"") -> bytes:
    body = (3 + len(data) + 1).to_bytes(2, "big") + bytes((0, 0, sw3)) + data
    return PREAMBLE + body + bytes((xor(body),))


def read_reply(block: bytes, photo: bytes = b"\x01" * 1024, finger: bytes | None = None) -> bytes:
    words = len(block).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    if finger is not None:
        words += len(finger).to_bytes(2, "big")
    return reply(0x90, words + block + photo + (finger or b""))


@pytest.mark.parametrize("cmd, para, data, wire", [
    (0x10, 0xFF, b"", "aa aa aa 96 69 00 03 10 ff ec"),
    (0x11, 0xFF, b"", "aa aa aa 96 69 00 03 11 ff ed"),
    (0x12, 0xFF, b"", "aa aa aa 96 69 00 03 12 ff ee"),
    (0x20, 0x01, b"", "aa aa aa 96 69 00 03 20 01 22"),
    (0x20, 0x02, b"", "aa aa aa 96 69 00 03 20 02 21"),
    (0x30, 0x01, b"", "aa aa aa 96 69 00 03 30 01 32"),
    (0x30, 0x03, b"", "aa aa aa 96 69 00 03 30 03 30"),
    (0x30, 0x10, b"", "aa aa aa 96 69 00 03 30 10 23"),
    (0x61, 0xFF, b"\x50", "aa aa aa 96 69 00 04 61 ff 50 ca"),
])
def test_commands_match_the_reference_bytes(cmd, para, data, wire):
    assert encode_command(cmd, para, data).hex(" ") == wire


@pytest.mark.parametrize("wire, status, data_len", [
    ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", Status.CARD_FOUND, 4),
    ("AA AA AA 96 69 00 04 00 00 80 84", Status.NO_CARD, 0),
    ("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", Status.OK, 8),
    ("AA AA AA 96 69 00 04 00 00 81 85", Status.SELECT_FAILED, 0),
    ("AA AA AA 96 69 00 04 00 00 41 45", Status.READ_FAILED, 0),
])
def test_replies_from_the_reference(wire, status, data_len):
    f = decode_frame(bytes.fromhex(wire))
    assert f.status is status and len(f.data) == data_len and f.message


@pytest.mark.parametrize("sw3", [s.value for s in Status])
def test_every_status_has_a_message(sw3):
    f = decode_frame(reply(sw3))
    assert f.status == sw3 and f.message and "未知状态" not in f.message


def test_unknown_status_is_reported_not_crashed():
    assert "未知状态 0x77" in decode_frame(reply(0x77)).message


def test_typed_errors():
    good = reply(0x90)
    with pytest.raises(BadPreamble):
        decode_frame(b"\x00" + good[1:])
    with pytest.raises(BadLength):
        decode_frame(good[:-1])
    with pytest.raises(BadChecksum):
        decode_frame(good[:-1] + bytes((good[-1] ^ 0xFF,)))


def test_reassembler_handles_pieces_noise_and_bad_frames():
    r = Reassembler()
    first, second = reply(0x9F, b"\0" * 4), read_reply(resident_block(
        "张三", "1", 1, "19800101", "天津市和平区南市街1号", RESIDENT, "天津市公安局和平分局", "20200101", "20400101"))
    corrupt = bytearray(reply(0x90))
    corrupt[-1] ^= 0x55
    stream = b"\x13\x37garbage" + first + bytes(corrupt) + second
    frames = []
    for i in range(0, len(stream), 7):  # arrives 7 bytes at a time
        frames += r.feed(stream[i:i + 7])
    assert [f.sw3 for f in frames] == [0x9F, 0x90]
    assert any(isinstance(e, BadChecksum) for e in r.errors)
    assert identity_from_reply(frames[1].data)[0].name == "张三"


def test_resident_card_with_long_term_validity():
    who, photo = identity_from_reply(decode_frame(read_reply(resident_block(
        "欧阳娜娜", "2", 11, "19800101", "天津市河西区友谊路 10 号", RESIDENT, "天津市公安局河西分局", "20100101",
        "长期"))).data)
    assert (who.name, who.sex, who.nation, who.birth_date) == ("欧阳娜娜", "女", "满", date(1980, 1, 1))
    assert who.valid_until is None and who.card_type == "resident" and len(photo) == 1024
    assert who.masked_id_number == RESIDENT[:6] + "********" + RESIDENT[-4:]
    assert RESIDENT not in repr(who) and "欧阳娜娜" not in repr(who)


def test_reply_with_fingerprint_uses_the_length_words():
    block = resident_block("李四", "1", 1, "19800101", "地址", RESIDENT, "机关", "20200101", "20400101")
    for finger in (b"\x02" * 1024, b"\x02" * 512, b""):
        frame = decode_frame(read_reply(block, finger=finger))
        assert identity_from_reply(frame.data)[0].name == "李四"


def test_residence_permit_j():
    who = decode_identity(resident_block("陈大文", "1", 0, "19900215", "天津市南开区学府街道", HMT, "天津市公安局",
                                         "20220101", "20270101", flag="J"))
    assert who.card_type == "hmt_residence_permit" and who.nation == "" and who.id_number == HMT


def test_foreigner_cards_i_and_y():
    old = encode_text_block({(0, 120): "SMITH JOHN", (120, 2): "1", (122, 30): "USA120083011501", (152, 6): "USA",
                             (158, 30): "史密斯", (188, 16): "20170101", (204, 16): "20270101", (220, 16): "19830115"},
                            "I")
    who = decode_identity(old)
    assert who.card_type == "foreigner_permanent_2017" and who.name == "史密斯" and who.english_name == "SMITH JOHN"
    y_number = number("93384019900101001")
    new = encode_text_block({(0, 30): "玛丽", (30, 2): "2", (32, 4): "00", (36, 16): "19900101",
                             (52, 70): "MARY ANN", (122, 36): y_number, (188, 16): "20230101", (204, 16): "20330101",
                             (242, 6): "CAN"}, "Y")
    who = decode_identity(new)
    assert who.card_type == "foreigner_permanent_2023" and who.nation == "CAN" and who.english_name == "MARY ANN"


@pytest.mark.parametrize("mutate, message", [
    (lambda n: n[:-1] + ("0" if n[-1] != "0" else "1"), "校验不通过"),
    (lambda n: n[:10] + "1399" + n[14:], "出生日期"),
])
def test_invalid_numbers_refuse_the_whole_card(mutate, message):
    with pytest.raises(InvalidCard, match=message):
        decode_identity(resident_block("王五", "1", 1, "19800101", "地址", mutate(RESIDENT), "机关", "20200101",
                                       "20400101"))


def test_other_inconsistencies_are_refused():
    with pytest.raises(InvalidCard, match="出生日期不一致"):
        decode_identity(resident_block("王五", "1", 1, "19810101", "地址", RESIDENT, "机关", "20200101", "20400101"))
    with pytest.raises(InvalidCard, match="民族代码"):
        decode_identity(resident_block("王五", "1", 77, "19800101", "地址", RESIDENT, "机关", "20200101", "20400101"))
    with pytest.raises(InvalidCard, match="证件类型"):
        decode_identity(resident_block("王五", "1", 1, "19800101", "地址", RESIDENT, "机关", "20200101", "20400101",
                                       flag="Q"))
    with pytest.raises(InvalidCard, match="256"):
        decode_identity(b"\x00" * 100)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_never_crash_the_codec(data):
    r = Reassembler()
    for f in r.feed(data):
        assert 0 <= f.sw3 <= 0xFF and f.message
    try:
        decode_frame(data)
    except (BadPreamble, BadLength, BadChecksum):
        pass


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=256, max_size=256))
def test_random_text_blocks_are_valid_or_refused_whole(block):
    try:
        who = decode_identity(block)
    except InvalidCard:
        return
    assert who.name and who.id_number and who.birth_date and who.valid_from  # never half-decoded


def test_decode_idcard_command_masks_by_default(tmp_path):
    wire = read_reply(resident_block("张三", "1", 1, "19800101", "天津市", RESIDENT, "机关", "20200101", "20400101"))
    f = tmp_path / "reply.hex"
    f.write_text(wire.hex(" "))
    out = subprocess.run([sys.executable, "-m", "kiosk", "decode-idcard", str(f)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["id_number"] == RESIDENT[:6] + "********" + RESIDENT[-4:] and RESIDENT not in out.stdout
    assert data["name"] == "张三" and data["valid_until"] == "20400101"[:4] + "-01-01"
    (tmp_path / "reply.bin").write_bytes(wire)
    full = subprocess.run([sys.executable, "-m", "kiosk", "decode-idcard", str(tmp_path / "reply.bin"), "--unmasked"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert json.loads(full.stdout)["id_number"] == RESIDENT
    (tmp_path / "bad.hex").write_text("de ad be ef")
    bad = subprocess.run([sys.executable, "-m", "kiosk", "decode-idcard", str(tmp_path / "bad.hex")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "no valid SAM frame" in bad.stderr
