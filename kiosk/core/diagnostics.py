"""What the staff screen shows: sections of status rows, each with optional actions.

Devices, sync and the store each add a section; the screen only renders snapshots, taken on
a worker thread, so a slow device query never freezes the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StatusRow:
    label: str
    value: str
    ok: bool | None = None  # None: informational


@dataclass
class Section:
    title: str
    rows: Callable[[], list[StatusRow]]
    #: button label → action; the action returns a short message for the screen
    actions: dict[str, Callable[[], str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionSnapshot:
    title: str
    rows: list[StatusRow]
    actions: list[str]


class Diagnostics:
    def __init__(self) -> None:
        self.sections: list[Section] = []

    def add(self, section: Section) -> None:
        self.sections.append(section)

    def snapshot(self) -> list[SectionSnapshot]:
        out = []
        for s in self.sections:
            try:
                rows = s.rows()
            except Exception as e:  # noqa: BLE001 - one broken section must not hide the others
                rows = [StatusRow("错误", f"{type(e).__name__}: {e}", False)]
            out.append(SectionSnapshot(s.title, rows, list(s.actions)))
        return out

    def run(self, title: str, action: str) -> str:
        for s in self.sections:
            if s.title == title and action in s.actions:
                return s.actions[action]()
        raise KeyError(f"no action {action!r} in section {title!r}")


def store_section(store, config) -> Section:
    """The kiosk itself: station, database, outbox."""

    def rows() -> list[StatusRow]:
        from sqlalchemy import func, select

        from kiosk.store.models import OutboxEvent, Vacancy

        with store.read() as s:
            vacancies = s.scalar(select(func.count()).select_from(Vacancy)) or 0
            pending = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending")) or 0
            rejected = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "rejected")) or 0
        files = [store.path, store.path.with_name(store.path.name + "-wal")] if store.path else []
        size = sum(f.stat().st_size for f in files if f.exists()) / 2**20
        return [
            StatusRow("驿站", f"{config.station.name}（{config.station.id}）"),
            StatusRow("终端编号", config.central.kiosk_id or "未登记", bool(config.central.kiosk_id)),
            StatusRow("本地岗位数", str(vacancies), vacancies > 0),
            StatusRow("待上传记录", str(pending), pending < 1000),
            StatusRow("被拒记录（待人工处理）", str(rejected), rejected == 0),
            StatusRow("数据库", f"{store.path or '内存'} · {size:.1f} MB"),
        ]

    return Section("本机", rows)
