"""The 256-byte UCS-2 text block of a resident ID card and its variants.

Card types, told apart by the UCS-2 character at bytes 248-249: none (' ') for the resident ID
card, 'J' for the Hong Kong/Macao/Taiwan residence permit, 'I' for the foreigner permanent
residence card (2017) and 'Y' for the 2023 foreigner permanent ID card. A block that fails any
check is refused whole: an identity is never half-accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk.domain.identity import InvalidIdNumber, validate_id_number
from kiosk.domain.privacy import mask_id_number

TEXT_BLOCK = 256
LONG_TERM = "长期"
SEX = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
NATIONS = dict(enumerate((
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
    "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
    "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"), 1))
NATIONS.update({97: "其他", 98: "外国血统中国籍人士"})
CARD_TYPES = {" ": "resident", "J": "hmt_residence_permit", "I": "foreigner_permanent_2017",
              "Y": "foreigner_permanent_2023"}
CARD_TYPE_NAMES = {"resident": "居民身份证", "hmt_residence_permit": "港澳台居民居住证",
                   "foreigner_permanent_2017": "外国人永久居留身份证（2017版）",
                   "foreigner_permanent_2023": "外国人永久居留身份证（2023版）"}


class InvalidCard(ValueError):
    """The text block cannot be a valid card; the message is for the resident and the log."""


@dataclass(frozen=True)
class Identity:
    name: str = field(repr=False)
    sex: str
    nation: str
    birth_date: date
    address: str = field(repr=False)
    id_number: str = field(repr=False)
    authority: str
    valid_from: date
    valid_until: date | None  # None: 长期 (no end)
    card_type: str
    english_name: str = field(default="", repr=False)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def card_type_name(self) -> str:
        return CARD_TYPE_NAMES.get(self.card_type, self.card_type)


def _text(block: bytes, off: int, length: int) -> str:
    try:
        return block[off:off + length].decode("utf-16-le").strip().strip("\x00").strip()
    except UnicodeDecodeError:
        raise InvalidCard(f"证件信息无法解码（第 {off} 字节起）") from None


def _date(value: str, what: str) -> date:
    if len(value) != 8 or not value.isdigit():
        raise InvalidCard(f"{what}格式不对：{value!r}")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise InvalidCard(f"{what}不是有效日期：{value}") from None


def decode_identity(text_block: bytes) -> Identity:
    """Decode the 256-byte block, checking number, dates and codes; raises InvalidCard."""
    if len(text_block) != TEXT_BLOCK:
        raise InvalidCard(f"证件信息应为 {TEXT_BLOCK} 字节，收到 {len(text_block)} 字节")
    flag = _text(text_block, 248, 2) or " "
    card_type = CARD_TYPES.get(flag)
    if card_type is None:
        raise InvalidCard(f"无法识别的证件类型标志 {flag!r}")
    if card_type == "foreigner_permanent_2017":
        english = _text(text_block, 0, 120)
        name = _text(text_block, 158, 30) or english
        sex_code, number = _text(text_block, 120, 2), _text(text_block, 122, 30)
        nation, born = _text(text_block, 152, 6), _date(_text(text_block, 220, 16), "出生日期")
        address, authority = "", "国家移民管理局"
        if not (len(number) == 15 and number[:3].isalpha() and number[3:].isdigit()):
            raise InvalidCard("外国人永久居留证号码格式不对")
    else:
        name = _text(text_block, 0, 30)
        sex_code = _text(text_block, 30, 2)
        born = _date(_text(text_block, 36, 16), "出生日期")
        number = _text(text_block, 122, 36)
        english = ""
        if card_type == "foreigner_permanent_2023":
            english = (_text(text_block, 52, 70) + _text(text_block, 220, 22)).strip()
            nation, address, authority = _text(text_block, 242, 6), "", "国家移民管理局"
        else:
            code = _text(text_block, 32, 4)
            if card_type == "resident":
                if not code.isdigit() or int(code) not in NATIONS:
                    raise InvalidCard(f"民族代码不对：{code!r}")
                nation = NATIONS[int(code)]
            else:
                nation = ""
            address, authority = _text(text_block, 52, 70), _text(text_block, 158, 30)
        try:
            number, born_from_number = validate_id_number(number)
        except InvalidIdNumber as e:
            raise InvalidCard(f"证件号码无效：{e}") from None
        if born_from_number != born:
            raise InvalidCard("证件号码与出生日期不一致")
        if card_type == "hmt_residence_permit" and number[:2] not in ("81", "82", "83"):
            raise InvalidCard("港澳台居民居住证号码应以 81、82 或 83 开头")
    if sex_code not in SEX:
        raise InvalidCard(f"性别代码不对：{sex_code!r}")
    if not name:
        raise InvalidCard("证件上没有姓名")
    valid_from = _date(_text(text_block, 188, 16), "有效期起始日期")
    until_text = _text(text_block, 204, 16)
    valid_until = None if until_text == LONG_TERM else _date(until_text, "有效期截止日期")
    if valid_until is not None and valid_until < valid_from:
        raise InvalidCard("有效期截止早于起始")
    return Identity(name, SEX[sex_code], nation, born, address, number, authority, valid_from, valid_until,
                    card_type, english)


def encode_text_block(fields: dict[tuple[int, int], str], card_flag: str = " ") -> bytes:
    """Build a block from {(offset, bytes): text}; used by the reader simulator and tests."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_BLOCK // 2))
    for (off, length), value in fields.items():
        raw = value.encode("utf-16-le")[:length]
        raw += " ".encode("utf-16-le") * ((length - len(raw)) // 2)
        block[off:off + length] = raw
    block[248:250] = card_flag.encode("utf-16-le")
    return bytes(block)


def resident_block(name: str, sex: str, nation: int, birth: str, address: str, number: str, authority: str,
                   valid_from: str, valid_until: str, flag: str = " ") -> bytes:
    """A resident card (or, with flag 'J', a residence permit) text block."""
    return encode_text_block({
        (0, 30): name, (30, 2): sex, (32, 4): f"{nation:02d}" if flag == " " else "", (36, 16): birth,
        (52, 70): address, (122, 36): number, (158, 30): authority, (188, 16): valid_from, (204, 16): valid_until,
    }, flag)


def identity_from_reply(data: bytes) -> tuple[Identity, bytes]:
    """(identity, photo bytes) from the data of a successful 30 01 or 30 10 reply.

    30 01 carries two big-endian length words (text, photo), 30 10 three (with fingerprint);
    the lengths decide, never fixed offsets. The photo stays raw and only in memory.
    """
    if len(data) < 4:
        raise InvalidCard("读卡器返回的数据太短")
    text_len, photo_len = int.from_bytes(data[0:2], "big"), int.from_bytes(data[2:4], "big")
    if len(data) == 4 + text_len + photo_len:
        start = 4
    elif len(data) >= 6 and len(data) == 6 + text_len + photo_len + int.from_bytes(data[4:6], "big"):
        start = 6
    else:
        raise InvalidCard("读卡器返回的数据长度与其中的长度字不符")
    if text_len != TEXT_BLOCK:
        raise InvalidCard(f"证件信息长度 {text_len}，应为 {TEXT_BLOCK}")
    text = data[start:start + text_len]
    photo = data[start + text_len:start + text_len + photo_len]
    return decode_identity(text), photo
