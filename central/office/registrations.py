"""登记与需求 on central: ``registration.submitted`` events become ``registrations`` rows, the
station's 台账, filterable by priority group and need, each with its follow-up (待回访 → 已回访,
with what was offered). A district administrator reads a roll-up by station and group."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import Registration
from central.office.changes import Refused, compare_and_set

#: the priority groups of the kiosk's survey (kiosk.core.registration.KEY_GROUPS, without 以上都不是)
GROUPS = ("高校毕业生", "农民工", "就业困难人员", "退役军人", "残疾人", "长期失业人员", "脱贫人口")
#: needs, derived from the answers (see ``needs_of``)
NEEDS = ("找工作", "换工作", "灵活就业", "技能培训")
#: what staff can tick as offered at the follow-up
OFFERS = ("岗位推荐", "职业指导", "技能培训报名", "政策咨询", "就业失业登记办理", "创业服务")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _list(v, limit: int = 10) -> list[str]:  # noqa: ANN001
    return [str(x)[:20] for x in v if isinstance(x, str)][:limit] if isinstance(v, list) else []


def needs_of(status: str, occupations: list[str], training: list[str]) -> list[str]:
    """The needs a registration states: looking for work (or a change, or flexible work) and training."""
    out = []
    if status.startswith("在职"):
        out.append("换工作")
    elif status.startswith("灵活就业"):
        out.append("灵活就业")
    elif occupations:
        out.append("找工作")
    if training:
        out.append("技能培训")
    return out


def _joined(items: list[str]) -> str:
    return "," + ",".join(items) + "," if items else ","


def on_submitted(s: Session, station_id: str, event_id: str, occurred_at: datetime, pl: dict) -> None:
    if s.get(Registration, event_id) is not None:
        return
    status = str(pl.get("employment_status") or "")[:20]
    occupations, training = _list(pl.get("desired_occupations")), _list(pl.get("training_needs"))
    groups = [g for g in _list(pl.get("key_groups")) if g != "以上都不是"]
    s.add(Registration(
        id=event_id, station_id=station_id, person_key=str(pl.get("person_key") or "")[:64],
        id_number=str(pl.get("id_number") or "")[:18], phone=str(pl.get("phone") or "")[:11],
        employment_status=status, desired_occupations=occupations,
        desired_district=str(pl.get("desired_district") or "")[:20], expected_salary=str(pl.get("expected_salary") or "")[:20],
        training_needs=training, key_groups=groups, groups_text=_joined(groups)[:200],
        needs_text=_joined(needs_of(status, occupations, training))[:200], submitted_at=occurred_at,
        followup="pending", offered=[], followup_note="", version=1))


def listing(s: Session, stations: list[str], *, group: str = "", need: str = "", followup: str = "",
            limit: int = 500) -> list[Registration]:
    """Those waiting for a follow-up first (oldest first), then the followed-up ones (newest first)."""
    if not stations:
        return []
    q = select(Registration).where(Registration.station_id.in_(stations))
    if group:
        q = q.where(Registration.groups_text.contains(f",{group},", autoescape=True))
    if need:
        q = q.where(Registration.needs_text.contains(f",{need},", autoescape=True))
    if followup in ("pending", "done"):
        q = q.where(Registration.followup == followup)
    rows = list(s.scalars(q.order_by(Registration.submitted_at.desc()).limit(limit)))
    return sorted(rows, key=lambda r: (r.followup != "pending",
                                       r.submitted_at.timestamp() * (1 if r.followup == "pending" else -1)))


def follow_up(s: Session, reg_id: str, offered: list[str], note: str, version: int, by: str) -> Registration:
    """Mark 已回访 with what was offered (the caller has checked the station)."""
    row = s.get(Registration, reg_id)
    if row is None:
        raise Refused("没有找到这条登记", 404)
    offered = [o for o in offered if o in OFFERS]
    if not offered and not note.strip():
        raise Refused("请勾选提供的服务，或写下回访情况", 400)
    if row.version != version:
        from central.office.changes import Stale

        raise Stale()
    if row.followup == "done":
        raise Refused("这条登记已经回访过了")
    compare_and_set(s, Registration, reg_id, version, {"followup": "done", "offered": offered,
                                                     "followup_note": note.strip()[:200], "followed_by": by[:40],
                                                     "followed_at": _now()})
    return s.get(Registration, reg_id)


@dataclass
class RollupRow:
    station_id: str
    total: int = 0
    followed: int = 0
    groups: Counter = field(default_factory=Counter)


def rollup(s: Session, stations: list[str]) -> list[RollupRow]:
    """Per station: registrations, how many were followed up, and how many of each group."""
    out = {sid: RollupRow(sid) for sid in stations}
    if stations:
        for sid, groups, followup in s.execute(select(Registration.station_id, Registration.key_groups,
                                                      Registration.followup)
                                               .where(Registration.station_id.in_(stations))):
            r = out[sid]
            r.total += 1
            r.followed += followup == "done"
            for g in groups or []:
                r.groups[g] += 1
    return [out[sid] for sid in stations]
