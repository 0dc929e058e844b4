"""Frames of the 二代证 SAM serial protocol.

    host → reader:  AA AA AA 96 69 | Len1 Len2 | CMD PARA [DATA] | CHK
    reader → host:  AA AA AA 96 69 | Len1 Len2 | SW1 SW2 SW3 [DATA] | CHK

Len is big-endian and counts every byte after itself, CHK included; CHK is the XOR of every
byte from Len1 to the byte before CHK. SW3 carries the status (SW1 = SW2 = 0).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import reduce

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER = len(PREAMBLE) + 2
#: The longest reply (text + photo + 1024 B fingerprint) is 2321 bytes; anything far longer is noise.
MAX_LEN = 4096


class FrameError(ValueError):
    """A reply that is not a valid SAM frame."""


class BadPreamble(FrameError):
    pass


class BadLength(FrameError):
    pass


class BadChecksum(FrameError):
    pass


class Status(enum.IntEnum):
    OK = 0x90
    CARD_FOUND = 0x9F
    ITEM_ABSENT = 0x91
    HOST_CHECKSUM = 0x10
    HOST_LENGTH = 0x11
    BAD_COMMAND = 0x21
    UNAUTHORISED = 0x23
    UNKNOWN_ERROR = 0x24
    CARD_AUTH_SAM = 0x31
    SAM_AUTH_CARD = 0x32
    VERIFY_FAILED = 0x33
    UNKNOWN_CARD = 0x40
    READ_FAILED = 0x41
    RANDOM_FAILED = 0x47
    SELF_TEST_FAILED = 0x60
    SAM_UNAUTHORISED = 0x66
    NO_CARD = 0x80
    SELECT_FAILED = 0x81


STATUS_TEXT = {
    Status.OK: "操作成功", Status.CARD_FOUND: "找到证件", Status.ITEM_ABSENT: "证件中无此项内容",
    Status.HOST_CHECKSUM: "读卡器收到的命令校验和错误", Status.HOST_LENGTH: "读卡器收到的命令长度错误",
    Status.BAD_COMMAND: "读卡器不认识该命令", Status.UNAUTHORISED: "越权操作", Status.UNKNOWN_ERROR: "读卡器未知错误",
    Status.CARD_AUTH_SAM: "证件认证读卡模块失败", Status.SAM_AUTH_CARD: "读卡模块认证证件失败",
    Status.VERIFY_FAILED: "证件信息验证错误", Status.UNKNOWN_CARD: "无法识别的证件类型",
    Status.READ_FAILED: "读证件失败，请把证件放稳", Status.RANDOM_FAILED: "读卡模块取随机数失败",
    Status.SELF_TEST_FAILED: "读卡模块自检失败，请联系工作人员", Status.SAM_UNAUTHORISED: "读卡模块未经授权",
    Status.NO_CARD: "没有检测到证件", Status.SELECT_FAILED: "选取证件失败，请重新放置",
}


def xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode_command(cmd: int, para: int, data: bytes = b"") -> bytes:
    """A host → reader frame, e.g. ``encode_command(0x20, 0x01)`` = find card."""
    if not (0 <= cmd <= 0xFF and 0 <= para <= 0xFF):
        raise ValueError(f"cmd and para are single bytes, got {cmd:#x}, {para:#x}")
    length = 2 + len(data) + 1
    body = length.to_bytes(2, "big") + bytes((cmd, para)) + data
    return PREAMBLE + body + bytes((xor(body),))


@dataclass(frozen=True)
class Frame:
    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @property
    def status(self) -> Status | int:
        try:
            return Status(self.sw3)
        except ValueError:
            return self.sw3

    @property
    def message(self) -> str:
        return STATUS_TEXT.get(self.status, f"读卡器返回未知状态 {self.sw3:#04x}")


def decode_frame(buf: bytes) -> Frame:
    """Decode exactly one reader → host frame; raises a FrameError subclass saying what is wrong."""
    if len(buf) < HEADER or not buf.startswith(PREAMBLE):
        raise BadPreamble(f"not a SAM frame: starts with {buf[:5].hex(' ')}")
    length = int.from_bytes(buf[5:7], "big")
    if length < 4 or length > MAX_LEN:
        raise BadLength(f"frame length {length} is impossible (4..{MAX_LEN})")
    if len(buf) != HEADER + length:
        raise BadLength(f"frame says {HEADER + length} bytes, got {len(buf)}")
    if xor(buf[5:-1]) != buf[-1]:
        raise BadChecksum(f"checksum {buf[-1]:#04x}, expected {xor(buf[5:-1]):#04x}")
    return Frame(buf[7], buf[8], buf[9], bytes(buf[10:-1]))


class Reassembler:
    """Collects bytes as they arrive (in pieces, after noise) and yields whole frames.

    Noise before a preamble is skipped; a frame whose checksum fails is dropped and reported
    as an error, and the search continues after its preamble.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.errors: list[FrameError] = []

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        while True:
            start = self._buf.find(PREAMBLE)
            if start < 0:
                del self._buf[: max(0, len(self._buf) - (len(PREAMBLE) - 1))]
                return frames
            del self._buf[:start]
            if len(self._buf) < HEADER:
                return frames
            length = int.from_bytes(self._buf[5:7], "big")
            if length < 4 or length > MAX_LEN:
                self.errors.append(BadLength(f"frame length {length} is impossible"))
                del self._buf[:1]
                continue
            if len(self._buf) < HEADER + length:
                return frames
            raw = bytes(self._buf[: HEADER + length])
            try:
                frames.append(decode_frame(raw))
                del self._buf[: HEADER + length]
            except FrameError as e:
                self.errors.append(e)
                del self._buf[:1]
