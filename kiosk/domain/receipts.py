"""Receipts as device-neutral documents: what goes on paper, not how a printer is told.

A receipt is a list of blocks (title and text lines with alignment, size and emphasis,
key–value rows, a rule, a QR code, a feed, a small logo, the cut). The printer adapter
(``kiosk.devices.printer.render``) turns one into ESC/POS bytes for a given printer profile and
paper width; nothing here knows about ESC/POS, serial ports or Kivy.

Widths are counted in printer columns: an ASCII character takes one column and every other
character two, which is exactly how a printer in Chinese mode lays out GB18030/GBK text (any
non-ASCII character is a two-byte, full-width glyph). ``wrap`` and ``kv_lines`` do the line
breaking for a given column count; 80 mm paper has 48 columns, 58 mm paper 32.

Privacy: receipts carry masked identities only. The builders run every identity line through
``privacy.redact`` as a last guard, so a full ID or mobile number can never reach paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from kiosk.domain.privacy import redact

Align = Literal["left", "center", "right"]
MAX_SIZE = 4
#: characters a line should not start with (Chinese line-breaking rule, 避头点)
NO_LINE_START = set("，。、：；）》」』】〕！？,.;:!?)%")


@dataclass(frozen=True)
class Text:
    text: str
    align: Align = "left"
    size: int = 1  # width and height multiplier, 1..4
    bold: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.size <= MAX_SIZE:
            raise ValueError(f"text size {self.size} is not between 1 and {MAX_SIZE}")


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class QR:
    data: str
    caption: str = ""


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Logo:
    """The station brand mark, printed small at the top when the printer is set up for it."""


Block = Text | KeyValue | Rule | QR | Feed | Logo

#: The most paper one receipt of a kind may take, in mm. Text past it is cut off, a line says so
#: and the receipt's (last) QR code still prints: a crafted or runaway vacancy cannot empty a
#: roll. About twice the longest real receipt of each kind.
MAX_LENGTH_MM = {"ticket": 250, "vacancy": 600, "shortlist": 1500, "job_fair": 600, "service": 900,
                 "appointment": 400, "service_request": 400, "callback": 400, "interest": 400, "notice": 500}
DEFAULT_MAX_LENGTH_MM = 600
CUT_SHORT = "……内容较长，详情请扫码"
CUT_SHORT_NO_QR = "……内容较长，以下从略"


def max_length_mm(kind: str) -> float:
    return MAX_LENGTH_MM.get(kind, DEFAULT_MAX_LENGTH_MM)


@dataclass(frozen=True)
class Receipt:
    kind: str  # ticket | vacancy | shortlist | appointment | service_request | callback | interest | notice | job_fair | service
    ref: str  # what it is about (ticket id, vacancy id, ...); never personal data
    blocks: tuple[Block, ...]
    cut: bool = True

    def texts(self) -> list[str]:
        """Every piece of text on the receipt (for checks and tests)."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Text):
                out.append(b.text)
            elif isinstance(b, KeyValue):
                out += [b.key, b.value]
            elif isinstance(b, QR):
                out += [b.data, b.caption]
        return out


# -- widths and line breaking ------------------------------------------------------------------

def cell_width(ch: str) -> int:
    return 1 if ord(ch) < 0x80 else 2


def text_width(text: str) -> int:
    return sum(cell_width(c) for c in text)


def _tokens(text: str) -> list[str]:
    """ASCII words (kept whole where possible), runs of spaces, and single other characters."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ord(ch) < 0x80 and not ch.isspace():
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        if ch.isspace() and out and out[-1].isspace():
            out[-1] += " "
        else:
            out.append(" " if ch.isspace() else ch)
    if word:
        out.append(word)
    return out


def wrap(text: str, cols: int) -> list[str]:
    """Break ``text`` into lines of at most ``cols`` columns (CJK counted as two).

    ASCII words (numbers, URLs, "A001") stay whole unless longer than a line; spaces at a
    break are dropped; Chinese punctuation never starts a line: the character before it moves
    down with it.
    """
    if cols < 2:
        raise ValueError("a line needs at least two columns")
    lines: list[str] = []
    for para in text.replace("\r", "").split("\n"):
        line = ""
        for tok in _tokens(para):
            w = text_width(tok)
            if text_width(line) + w <= cols:
                line += tok
                continue
            if tok.isspace():
                lines.append(line.rstrip())
                line = ""
                continue
            if w > cols:  # a token longer than a line is split by width
                for ch in tok:
                    if text_width(line) + cell_width(ch) > cols:
                        lines.append(line.rstrip())
                        line = ""
                    line += ch
                continue
            if tok in NO_LINE_START and len(line) > 1 and ord(line[-1]) >= 0x80 and line[-1] not in NO_LINE_START:
                lines.append(line[:-1].rstrip())
                line = line[-1] + tok
                continue
            lines.append(line.rstrip())
            line = tok
        lines.append(line.rstrip())
    return lines


def kv_lines(key: str, value: str, cols: int) -> list[str]:
    """``key：value``; a long value wraps under itself (or under the key when the key is long)."""
    head = f"{key}："
    indent = text_width(head)
    if indent > cols // 2:
        return wrap(head + value, cols)
    body = wrap(value, cols - indent) if value else [""]
    return [head + body[0]] + [" " * indent + b for b in body[1:]]


# -- builders ----------------------------------------------------------------------------------

def _when(dt: datetime) -> str:
    return f"{dt:%Y-%m-%d %H:%M}"


def _footer(station: Any, printed_at: datetime) -> list[Block]:
    out: list[Block] = [Rule()]
    out.append(Text(station.name, "center"))
    if getattr(station, "address", ""):
        out.append(Text(f"地址：{station.address}", "center"))
    if getattr(station, "phone", ""):
        out.append(Text(f"电话：{station.phone}", "center"))
    out.append(Text(f"打印时间：{_when(printed_at)}", "center"))
    return out


def _identity(identity: str) -> list[Block]:
    return [KeyValue("身份", redact(identity))] if identity else []


def ticket(t: Any, station: Any, qr_url: str, printed_at: datetime, identity: str = "") -> Receipt:
    """A queue ticket (``IssuedTicket``): the number large, the people ahead, a QR to follow it."""
    blocks: list[Block] = [
        Logo(),
        Text("津彩e就业 · 排队凭条", "center", bold=True),
        Text(station.name, "center"),
        Rule(),
        Text(t.service_name, "center", size=2, bold=True),
        Text(t.display_number, "center", size=4, bold=True),
    ]
    if t.priority:
        blocks.append(Text("（优先办理）", "center", bold=True))
    blocks += [
        Feed(),
        KeyValue("前面等候", f"{t.people_ahead} 人"),
        KeyValue("预计等候", f"约 {t.wait_minutes} 分钟" if t.people_ahead else "马上就到"),
        KeyValue("取号时间", _when(t.issued_at)),
        *_identity(identity),
        Text("请留意屏幕和语音叫号；过号请咨询工作人员。当日有效。"),
        QR(qr_url, "手机扫码查看排队进度"),
        *_footer(station, printed_at),
    ]
    return Receipt("ticket", t.id, tuple(blocks))


def _vacancy_blocks(v: Any, url: str, full: bool) -> list[Block]:
    blocks: list[Block] = [
        Text(v.title, size=2 if full else 1, bold=True),
        KeyValue("单位", v.employer),
        KeyValue("薪资", v.salary, bold=True),
        KeyValue("地点", f"{v.district}{v.street} · {v.distance_text}"),
    ]
    if full:
        blocks += [
            KeyValue("类型", f"{v.job_type} · 招 {v.headcount} 人"),
            KeyValue("要求", "，".join(x for x in (v.education, v.experience, v.age_range) if x)),
            KeyValue("工作时间", v.work_hours),
        ]
        if v.requirements:
            blocks.append(KeyValue("岗位要求", v.requirements))
        if v.benefits:
            blocks.append(KeyValue("福利", v.benefits))
        blocks.append(KeyValue("地址", v.address))
    blocks.append(KeyValue("联系", v.contact))
    if full:
        blocks.append(KeyValue("有效期至", f"{v.expires_on:%Y-%m-%d}"))
    blocks.append(QR(url, "手机扫码查看详情、投递简历"))
    return blocks


def vacancy(v: Any, url: str, station: Any, printed_at: datetime) -> Receipt:
    """One vacancy (``VacancyView``) in full, with a QR to it on the resident's phone."""
    blocks: list[Block] = [Logo(), Text("津彩e就业 · 岗位信息", "center", bold=True), Rule()]
    blocks += _vacancy_blocks(v, url, full=True)
    blocks += _footer(station, printed_at)
    return Receipt("vacancy", v.id, tuple(blocks))


def shortlist(vs: Sequence[Any], url: Callable[[str], str], station: Any, printed_at: datetime,
              list_url: str = "") -> Receipt:
    """The resident's shortlist: each vacancy in brief with its own QR, and (``list_url``) one QR
    that opens the whole list on a phone."""
    if not vs:
        raise ValueError("an empty shortlist is not printed")
    blocks: list[Block] = [
        Logo(),
        Text("津彩e就业 · 我的岗位清单", "center", bold=True),
        Text(f"共 {len(vs)} 个岗位", "center"),
    ]
    for i, v in enumerate(vs, 1):
        blocks.append(Rule())
        first, *rest = _vacancy_blocks(v, url(v.id), full=False)
        blocks.append(Text(f"{i}. {first.text}", bold=True))
        blocks += rest
    if list_url:
        blocks += [Rule(), QR(list_url, "扫码在手机上查看整张清单")]
    blocks += _footer(station, printed_at)
    return Receipt("shortlist", ",".join(v.id for v in vs)[:40], tuple(blocks))


@dataclass(frozen=True)
class Appointment:
    """What an appointment confirmation shows (the appointment desk fills it in)."""

    id: str
    service_name: str
    starts_at: datetime
    place: str
    reference: str  # the short code staff ask for
    identity: str = ""  # masked
    notes: tuple[str, ...] = field(default_factory=tuple)


def appointment(a: Appointment, station: Any, qr_url: str, printed_at: datetime) -> Receipt:
    blocks: list[Block] = [
        Logo(),
        Text("津彩e就业 · 预约确认", "center", bold=True),
        Text(station.name, "center"),
        Rule(),
        Text(a.service_name, "center", size=2, bold=True),
        Text(f"{a.starts_at:%m月%d日 %H:%M}", "center", size=2),
        Feed(),
        KeyValue("预约号", a.reference, bold=True),
        KeyValue("地点", a.place),
        *_identity(a.identity),
        *[Text(f"· {n}") for n in a.notes],
        QR(qr_url, "手机扫码查看或取消预约"),
        *_footer(station, printed_at),
    ]
    return Receipt("appointment", a.id, tuple(blocks))


@dataclass(frozen=True)
class ServiceRequest:
    """What a home-visit / proxy confirmation shows (no address detail, no phone)."""

    kind_name: str
    reference: str
    window: str
    reason: str
    street: str
    identity: str = ""  # masked
    documents: tuple[str, ...] = field(default_factory=tuple)


def service_request(r: ServiceRequest, station: Any, qr_url: str, printed_at: datetime) -> Receipt:
    blocks: list[Block] = [
        Logo(),
        Text(f"津彩e就业 · {r.kind_name}申请", "center", bold=True),
        Text(station.name, "center"),
        Rule(),
        # double size only when it fits on one line of 58 mm paper (32 columns)
        Text(r.reason, "center", size=2 if text_width(r.reason) <= 16 else 1, bold=True),
        Text(r.window, "center", bold=True),
        Feed(),
        KeyValue("申请号", r.reference, bold=True),
        KeyValue("街道", r.street),
        *_identity(r.identity),
        KeyValue("状态", "已提交，等待驿站受理"),
    ]
    if r.documents:
        blocks.append(Text("请准备好以下材料，交给上门的工作人员或送到驿站：", bold=True))
        blocks += [Text(f"· {d}") for d in r.documents]
        blocks.append(Rule())
    blocks += [
        Text("驿站工作人员会打电话和您确认时间。再来驿站时，刷身份证点“上门代办”→“我的申请”，"
             "或扫下面的二维码，可查看办理进度。"),
        QR(qr_url, "扫码查看办理进度"),
        *_footer(station, printed_at),
    ]
    return Receipt("service_request", r.reference, tuple(blocks))


def callback(reference: str, topic: str, masked_phone: str, station: Any, qr_url: str,
             printed_at: datetime) -> Receipt:
    """The 回电申请 slip: the reference, the masked number the advisor will call, a QR to its status."""
    blocks: list[Block] = [
        Logo(),
        Text("津彩e就业 · 回电申请", "center", bold=True),
        Text(station.name, "center"),
        Rule(),
        Text(reference, "center", size=2, bold=True),
        Feed(),
        KeyValue("咨询主题", topic),
        KeyValue("回电号码", redact(masked_phone)),
        KeyValue("状态", "已提交，等待指导师回电"),
        Text("指导师会在工作时间打电话给您，请留意接听。扫下面的二维码可查看是否已回电。"),
        QR(qr_url, "扫码查看回电进度"),
        *_footer(station, printed_at),
    ]
    return Receipt("callback", reference, tuple(blocks))


def interest(title: str, employer: str, reference: str, masked_phone: str, station: Any, qr_url: str,
             printed_at: datetime) -> Receipt:
    """The slip confirming a registered interest in a job, with a QR to follow it."""
    blocks: list[Block] = [
        Logo(),
        Text("津彩e就业 · 投递意向已登记", "center", bold=True),
        Text(station.name, "center"),
        Rule(),
        Text(title, size=2 if text_width(title) <= 16 else 1, bold=True),
        KeyValue("单位", employer),
        KeyValue("登记编号", reference, bold=True),
    ]
    if masked_phone:
        blocks.append(KeyValue("联系电话", redact(masked_phone)))
    blocks += [
        Text("驿站工作人员会尽快与您联系；如需撤回，请到服务窗口办理。扫下面的二维码可查看进展。"),
        QR(qr_url, "扫码查看意向进展"),
        *_footer(station, printed_at),
    ]
    return Receipt("interest", reference, tuple(blocks))


def notice(title: str, lines: Sequence[str], station: Any, printed_at: datetime, ref: str = "",
           qr_url: str = "") -> Receipt:
    """A generic notice (also the printer's test page)."""
    blocks: list[Block] = [Text(title, "center", size=2, bold=True), Rule(), *[Text(x) for x in lines]]
    if qr_url:
        blocks.append(QR(qr_url))
    blocks += _footer(station, printed_at)
    return Receipt("notice", ref, tuple(blocks))


def job_fair(f: Any, url: str, station: Any, printed_at: datetime) -> Receipt:
    """A job fair (``jobfairs.FairView``): when, where, who it is for, with a QR to its page."""
    blocks: list[Block] = [
        Logo(),
        Text("津彩e就业 · 招聘会", "center", bold=True),
        Rule(),
        Text(f.title, size=2, bold=True),
        KeyValue("时间", f.when_text, bold=True),
        KeyValue("形式", f.kind),
    ]
    if f.on_site:
        blocks += [KeyValue("地点", f.venue), KeyValue("地址", f.address), KeyValue("距离", f.distance_text.removeprefix("距本驿站 "))]
    if f.scale_text:
        blocks.append(KeyValue("规模", f.scale_text))
    blocks.append(KeyValue("面向", f.groups_text))
    if f.organiser:
        blocks.append(KeyValue("主办", f.organiser))
    if f.contact:
        blocks.append(KeyValue("咨询电话", f.contact))
    if f.description:
        blocks.append(Text(f.description))
    blocks += [Text("请带好身份证和简历；没有简历可到驿站请工作人员帮您填写。"),
               QR(url, "手机扫码查看招聘会详情和参会单位"), *_footer(station, printed_at)]
    return Receipt("job_fair", f.id, tuple(blocks))


def catalogue_service(v: Any, url: str, station: Any, printed_at: datetime) -> Receipt:
    """One catalogue entry (``catalogue.ServiceView``): who, what to bring, where and how."""
    blocks: list[Block] = [
        Logo(),
        Text("津彩e就业 · 办事指南", "center", bold=True),
        Rule(),
        Text(v.name, size=2, bold=True),
    ]
    if v.summary:
        blocks.append(Text(v.summary))
    blocks += [Feed(), KeyValue("服务对象", v.audience), Text("办理材料：", bold=True)]
    blocks += [Text(f"□ {m}") for m in v.materials] or [Text("无需材料")]
    blocks += [KeyValue("办理地点", v.place), Text("办理流程：", bold=True), *[Text(s) for s in v.steps]]
    if v.time_limit:
        blocks.append(KeyValue("办理时限", v.time_limit))
    blocks.append(KeyValue("收费", v.fee or "免费"))
    if v.basis:
        blocks.append(KeyValue("依据", v.basis))
    blocks += [QR(url, "手机扫码查看办事指南"), *_footer(station, printed_at)]
    return Receipt("service", v.id, tuple(blocks))
