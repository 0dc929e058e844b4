"""The store's section of the staff screen (the pure status types are in kiosk.domain.status)."""

from __future__ import annotations

from kiosk.domain.status import Section, StatusRow


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
