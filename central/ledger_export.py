"""The monthly ledger report as a file: CSV (UTF-8 with BOM, for Excel) and XLSX (openpyxl).

Both carry the same summary lines: every station of the selection, each district's subtotal
(when there is more than one station) and the total. The XLSX adds a sheet by service (a column
per service) and one by day (a column per day of the month), a line per station in each. A month
without data is a report of zeros, never an error.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from central.ledger import CHANNELS, IDENTITIES, SERVICES
from central.ledger_report import Report, Row

KIND_NAMES = {"station": "驿站", "district": "区小计", "total": "合计"}

COLUMNS = (["月份", "类别", "区", "驿站编号", "驿站", "服务人次", "上月服务人次", "环比(%)", "登记人数", "推荐", "录用",
            "平均等候(分钟)", "叫号数", "满意度(平均分)", "评价数", "满意率(%)"]
           + [f"渠道:{n}" for n in CHANNELS.values()] + [f"身份核验:{n}" for n in IDENTITIES.values()])


def lines(report: Report) -> list[Row]:
    """The summary lines in order: stations (by district), district subtotals, the total."""
    out = list(report.stations)
    if len(report.stations) > 1:
        out += report.districts
    return out + [report.total]


def cells(report: Report, r: Row) -> list:
    f = r.now
    return ([report.month.strftime("%Y-%m"), KIND_NAMES[r.kind], r.district, r.id if r.kind == "station" else "",
             r.name, f.services, r.before.services, r.change, f.registrations, f.referred, f.hired, f.wait_avg,
             f.waited, f.rating_avg, f.rated, f.satisfied_pct]
            + [f.by_channel.get(c, 0) for c in CHANNELS] + [f.by_identity.get(i, 0) for i in IDENTITIES])


def _safe(value):  # noqa: ANN001, ANN202
    """Text that a spreadsheet would run as a formula is quoted (names come from station configs)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(report: Report) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for r in lines(report):
        w.writerow([_safe(c) for c in cells(report, r)])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """Streamed (openpyxl's write-only mode): a city-wide month is thousands of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E6EDF5")

    def sheet(title: str, header: list[str], rows, widths: dict[int, int], bold_rows=frozenset()) -> None:  # noqa: ANN001
        ws = wb.create_sheet(title)
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(i)].width = widths.get(i, max(10, len(h) * 2 + 2))
        ws.freeze_panes = "A2"
        cells = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font, c.fill = bold, fill
            cells.append(c)
        ws.append(cells)
        for n, row in enumerate(rows):
            values = [_safe(v) if isinstance(v, str) else v for v in row]
            if n in bold_rows:
                values = [WriteOnlyCell(ws, value=v) for v in values]
                for c in values:
                    c.font = bold
            ws.append(values)

    summary = lines(report)
    sheet("月报", COLUMNS, (cells(report, r) for r in summary), {3: 12, 5: 30},
          frozenset(i for i, r in enumerate(summary) if r.kind != "station"))
    codes = sorted({c for r in report.stations for c in r.now.by_service}, key=lambda c: (c in SERVICES, c))
    sheet("按业务", ["区", "驿站编号", "驿站"] + [f"{report.service_names.get(c, c)}（{c}）" for c in codes],
          ([r.district, r.id, r.name] + [r.now.by_service.get(c, 0) for c in codes] for r in report.stations),
          {1: 12, 3: 30})
    days = [report.month + timedelta(days=i) for i in range(31) if (report.month + timedelta(days=i)).month
            == report.month.month]
    sheet("按日", ["区", "驿站编号", "驿站"] + [d.isoformat() for d in days],
          ([r.district, r.id, r.name] + [r.now.by_day.get(d, 0) for d in days] for r in report.stations),
          {1: 12, 3: 30} | {4 + i: 11 for i in range(len(days))})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
