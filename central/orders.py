"""Remote commands for kiosks (``kiosk.sync.protocol.Order``): given on the fleet page or with
``python -m central order``, carried on the kiosk's heartbeat reply, answered on
``POST /api/v1/orders/{id}/result``, every step in the audit log.

An order is signed with the kiosk's own secret, so the kiosk can tell it comes from central and
is meant for it; it is sent on every heartbeat until the kiosk answers, and the kiosk does each
id once, so a lost reply or a restart in between never does it twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import AuditEntry, Kiosk, KioskOrder, Release
from kiosk.domain import bundle
from kiosk.sync import protocol as p

KIND_NAMES = {"resync_feed": "重新同步数据", "restart": "重启程序", "upload_logs": "上传日志",
              "set_config": "修改配置", "test_print": "打印测试页", "reboot": "空闲时重启终端",
              "update": "更新版本"}
FEEDS = ("vacancies", "stations", "announcements", "job_fairs", "catalogue", "appointments", "interests",
         "service_requests")
#: orders sent with one heartbeat reply at most
PER_REPLY = 5


class OrderRefused(ValueError):
    """An order that cannot be given; the message says why (for the page and the command line)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def check_args(kind: str, args: dict) -> dict:
    """The arguments an order of ``kind`` takes, checked; raises OrderRefused."""
    if kind not in p.ORDER_KINDS:
        raise OrderRefused(f"没有这种指令：{kind}（可用：{'、'.join(p.ORDER_KINDS)}）")
    if kind == "resync_feed":
        if args.get("feed") not in FEEDS:
            raise OrderRefused(f"要重新同步哪类数据？feed 应为 {'、'.join(FEEDS)} 之一")
        return {"feed": args["feed"]}
    if kind == "upload_logs":
        try:
            n = int(args.get("lines", 200))
        except (TypeError, ValueError):
            raise OrderRefused("lines 应为 1 到 2000 之间的整数") from None
        if not 1 <= n <= 2000:
            raise OrderRefused("lines 应为 1 到 2000 之间的整数")
        return {"lines": n}
    if kind == "set_config":
        if not args or len(args) > 40:
            raise OrderRefused("要修改的配置项：1 到 40 项，形如 idle.timeout_s=90")
        out = {}
        for key, value in args.items():
            if not isinstance(key, str) or not key or len(key) > 60 or not all(
                    part.isidentifier() for part in key.split(".")):
                raise OrderRefused(f"配置项的名字不对：{key!r}（形如 idle.timeout_s）")
            out[key] = str(value)[:200]
        return out  # the kiosk checks the values against its own config and refuses the whole set
    if kind == "update":
        version = str(args.get("version", ""))
        if not bundle.VERSION.fullmatch(version):
            raise OrderRefused("要更新到哪个版本？version=版本号（python -m central release list）")
        now = str(args.get("now", "")).lower() in ("1", "true", "yes")
        return {"version": version, **({"now": True} if now else {})}
    if args:
        raise OrderRefused(f"{KIND_NAMES[kind]}不需要参数")
    return {}


def give(s: Session, kiosk_id: str, kind: str, args: dict | None = None, *, by: str = "",
         by_id: int = 0, role: str = "") -> KioskOrder:
    """Queue an order for the kiosk (in the caller's transaction), audited."""
    kiosk = s.get(Kiosk, kiosk_id)
    if kiosk is None or not kiosk.enabled:
        raise OrderRefused(f"没有这台终端，或它已停用：{kiosk_id}")
    args = check_args(kind, dict(args or {}))
    if kind == "update":
        release = s.get(Release, args["version"])
        if release is None:
            raise OrderRefused(f"没有这个版本：{args['version']}（python -m central release list）")
        args = {**args, "sha256": release.sha256, "size": release.size}
    order = KioskOrder(id=str(uuid.uuid4()), kiosk_id=kiosk_id, kind=kind, args=args, issued_at=_now(),
                       issued_by=by[:40])
    s.add(order)
    s.add(AuditEntry(at=order.issued_at, user_id=by_id, user_name=(by or "command line")[:40], role=(role or "cli")[:10],
                     action="kiosk_order", record_type="kiosk_order", record_id=order.id,
                     record_station=kiosk.station_id, detail=f"{kiosk_id} {kind} {args}"[:200]))
    return order


def for_reply(s: Session, kiosk: Kiosk, now: datetime) -> list[p.Order]:
    """The kiosk's unanswered orders, oldest first, signed, for its heartbeat reply."""
    rows = s.scalars(select(KioskOrder).where(KioskOrder.kiosk_id == kiosk.id, KioskOrder.done_at.is_(None))
                     .order_by(KioskOrder.issued_at, KioskOrder.id).limit(PER_REPLY)).all()
    out = []
    for o in rows:
        issued = o.issued_at.replace(tzinfo=UTC)
        out.append(p.Order(id=o.id, kiosk_id=o.kiosk_id, kind=o.kind, args=o.args, issued_at=issued,
                           signature=p.order_signature(kiosk.secret, o.id, o.kiosk_id, o.kind, o.args, issued)))
        o.delivered_at = o.delivered_at or now
        o.deliveries += 1
    return out


def record_result(s: Session, kiosk: Kiosk, order_id: str, result: p.OrderResult) -> bool:
    """The kiosk's answer; False for an order that is not this kiosk's. A repeated answer keeps the first."""
    o = s.get(KioskOrder, order_id)
    if o is None or o.kiosk_id != kiosk.id:
        return False
    if o.done_at is None:
        o.done_at, o.ok, o.detail, o.output = _now(), result.ok, result.detail[:200], list(result.lines)
        s.add(AuditEntry(at=o.done_at, user_id=0, user_name=kiosk.id[:40], role="kiosk", action="kiosk_order_done",
                         record_type="kiosk_order", record_id=o.id, record_station=kiosk.station_id,
                         detail=f"{o.kind} {'ok' if result.ok else 'refused'}: {result.detail}"[:200]))
    return True


def recent(s: Session, kiosk_id: str, limit: int = 20) -> list[KioskOrder]:
    return list(s.scalars(select(KioskOrder).where(KioskOrder.kiosk_id == kiosk_id)
                          .order_by(KioskOrder.issued_at.desc()).limit(limit)))
