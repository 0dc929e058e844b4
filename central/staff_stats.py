"""Workload statistics per station, service and day, from the central copy of the queue.

* issued: tickets taken at a kiosk (a transfer is not a second ticket);
* served: tickets finished at a counter (each one has a service record);
* no-show: tickets whose number was passed (过号) and not brought back;
* transferred: tickets sent from this service to another one;
* wait: from taking the ticket to its first call (tickets taken for this service only);
* service: from 开始办理 (or the call, when it was not pressed) to 办理完成.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import QueueTicket, StationConfig
from central.tickets import service_names, station_name

MAX_DAYS = 366

COLUMNS = ("日期", "驿站编号", "驿站", "业务代码", "业务", "取号", "办结", "过号", "转出",
           "平均等候(分钟)", "等候中位数(分钟)", "平均办理(分钟)", "办理中位数(分钟)")


@dataclass
class Row:
    day: date
    station_id: str
    station_name: str
    service: str
    service_name: str
    issued: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)

    @staticmethod
    def _avg(xs: list[float]) -> float | None:
        return round(sum(xs) / len(xs), 1) if xs else None

    @staticmethod
    def _median(xs: list[float]) -> float | None:
        return round(statistics.median(xs), 1) if xs else None

    @property
    def wait_avg(self) -> float | None:
        return self._avg(self.waits)

    @property
    def wait_median(self) -> float | None:
        return self._median(self.waits)

    @property
    def service_avg(self) -> float | None:
        return self._avg(self.services)

    @property
    def service_median(self) -> float | None:
        return self._median(self.services)

    def cells(self) -> list:
        return [self.day.isoformat(), self.station_id, self.station_name, self.service, self.service_name,
                self.issued, self.served, self.no_show, self.transferred, self.wait_avg, self.wait_median,
                self.service_avg, self.service_median]


def table(s: Session, first: date, last: date, station_id: str | list[str] | None = None) -> list[Row]:
    """One row per (day, station, service) with any ticket, ordered by day, station, service.
    ``station_id``: one station, a list of them (a district), or None for every station."""
    q = select(QueueTicket.station_id, QueueTicket.service, QueueTicket.day, QueueTicket.status,
               QueueTicket.transferred_from, QueueTicket.issued_at, QueueTicket.called_at, QueueTicket.started_at,
               QueueTicket.finished_at).where(QueueTicket.day >= first, QueueTicket.day <= last)
    if isinstance(station_id, list):
        q = q.where(QueueTicket.station_id.in_(station_id))
    elif station_id:
        q = q.where(QueueTicket.station_id == station_id)
    rows: dict[tuple, Row] = {}
    names: dict[str, dict[str, str]] = {}
    stations: dict[str, str] = {}
    for st, svc, day, status, moved_from, issued_at, called_at, started_at, finished_at in s.execute(q):
        key = (day, st, svc)
        row = rows.get(key)
        if row is None:
            if st not in names:
                names[st] = service_names(s, st)
                stations[st] = station_name(s, st)
            row = rows[key] = Row(day, st, stations[st], svc, names[st].get(svc, svc))
        if moved_from is None:
            row.issued += 1
            if called_at is not None:
                row.waits.append(max(0.0, (called_at - issued_at).total_seconds() / 60))
        if status == "done":
            row.served += 1
            if started_at is not None and finished_at is not None:
                row.services.append(max(0.0, (finished_at - started_at).total_seconds() / 60))
        elif status == "no_show":
            row.no_show += 1
        elif status == "transferred":
            row.transferred += 1
    order = {st: _service_order(s, st) for st in names}
    return sorted(rows.values(), key=lambda r: (r.day, r.station_id, order[r.station_id].get(r.service, 999), r.service))


def _service_order(s: Session, station_id: str) -> dict[str, int]:
    """The station's configured services first, in their order on the kiosk."""
    cfg = s.get(StationConfig, station_id)
    codes = [str(x.get("code")) for x in (cfg.config.get("services", []) if cfg else []) if isinstance(x, dict)]
    return {c: i for i, c in enumerate(codes)}


def totals(rows: list[Row]) -> dict:
    waits = [w for r in rows for w in r.waits]
    services = [x for r in rows for x in r.services]
    return {"issued": sum(r.issued for r in rows), "served": sum(r.served for r in rows),
            "no_show": sum(r.no_show for r in rows), "transferred": sum(r.transferred for r in rows),
            "wait_avg": Row._avg(waits), "wait_median": Row._median(waits),
            "service_avg": Row._avg(services), "service_median": Row._median(services)}


def _cell(value):  # noqa: ANN001, ANN202
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet must not run a formula that came in a service code
    return value


def to_csv(rows: list[Row]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese headers and names correctly."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([_cell(c) for c in r.cells()])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
