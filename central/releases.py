"""Kiosk releases on central: bundles published, rollouts, and the ``update`` orders that carry them.

Central never signs a bundle: the city's release key is kept off this server
(``python -m kiosk release make`` signs on the build machine) and each kiosk checks the signature
itself. Here a bundle is only read for its form (``kiosk.domain.bundle.read_manifest``), stored,
and served to kiosks (``GET /api/v1/releases/{version}/bundle``).

A rollout takes kiosks in by a share (``percent``: the same kiosks every time, by a hash of their
id, so 10 % today are still in at 50 % tomorrow) and by station. A kiosk's target is the newest
release that takes it in; a kiosk that does not run its target gets one ``update`` order for it
on a heartbeat reply. One order per kiosk and version: a kiosk that rolled the version back is
not offered it again (the fleet page shows why; an order from the page tries once more).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import orders
from central.models import AuditEntry, Kiosk, KioskOrder, Release
from kiosk.domain import bundle as b

#: what central stores; a bundle is the kiosk's wheel and a few changed dependencies
MAX_BUNDLE = 200 * 1024 * 1024


class ReleaseRefused(ValueError):
    """A bundle or rollout central cannot take; the message says why."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def publish(s: Session, path: Path, *, by: str = "") -> Release:
    """Store the bundle at ``path`` (its rollout reaches no kiosk until ``rollout``)."""
    if path.stat().st_size > MAX_BUNDLE:
        raise ReleaseRefused(f"{path.name} is larger than {MAX_BUNDLE // 2**20} MB")
    try:
        manifest = b.read_manifest(path)
    except b.BundleError as e:
        raise ReleaseRefused(f"{path.name} is not a kiosk release bundle: {e}") from None
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    old = s.get(Release, manifest.version)
    if old is not None:
        if old.sha256 == sha:
            return old
        raise ReleaseRefused(f"version {manifest.version} is published already, with another bundle; "
                             "a version is never replaced: build the next one")
    row = Release(version=manifest.version, sha256=sha, size=len(data), bundle=data, published_at=_now(),
                  published_by=by[:40], made_at=manifest.made_at[:40], percent=0, stations=[])
    s.add(row)
    s.add(AuditEntry(at=row.published_at, user_id=0, user_name=(by or "command line")[:40], role="cli",
                     action="release_published", record_type="release", record_id=row.version, record_station="",
                     detail=f"{row.version} {row.size} bytes sha256 {sha[:16]}"))
    return row


def rollout(s: Session, version: str, *, percent: int | None = None, stations: list[str] | None = None,
            by: str = "") -> Release:
    """Who gets ``version``: a share of all kiosks and/or the kiosks of listed stations."""
    row = s.get(Release, version)
    if row is None:
        raise ReleaseRefused(f"no release {version} (python -m central release list)")
    if percent is not None:
        if not 0 <= percent <= 100:
            raise ReleaseRefused("percent: 0 to 100")
        row.percent = percent
    if stations is not None:
        bad = [st for st in stations if not re.fullmatch(r"[\w.-]{1,40}", st)]
        if bad:
            raise ReleaseRefused(f"not a station id: {bad[0]!r}")
        row.stations = sorted(set(stations))
    row.rollout_at = _now()
    s.add(AuditEntry(at=row.rollout_at, user_id=0, user_name=(by or "command line")[:40], role="cli",
                     action="release_rollout", record_type="release", record_id=version, record_station="",
                     detail=f"{version}: {row.percent}% and stations {','.join(row.stations) or '-'}"[:200]))
    return row


def bucket(kiosk_id: str) -> int:
    """0-99, fixed for a kiosk: who is in a rollout's first percent stays in as it widens."""
    return int.from_bytes(hashlib.sha256(kiosk_id.encode()).digest()[:4], "big") % 100


def takes_in(release: Release, kiosk: Kiosk) -> bool:
    return kiosk.station_id in (release.stations or []) or bucket(kiosk.id) < release.percent


def target(s: Session, kiosk: Kiosk) -> Release | None:
    rows = s.scalars(select(Release).where(Release.rollout_at.is_not(None))
                     .order_by(Release.published_at.desc(), Release.version.desc())).all()
    return next((r for r in rows if takes_in(r, kiosk)), None)


def offer(s: Session, kiosk: Kiosk, running: str) -> None:
    """Give the kiosk an ``update`` order for its target, once per version (in the heartbeat's
    transaction, so the reply carries it)."""
    want = target(s, kiosk)
    if want is None or want.version == running:
        return
    given = s.scalars(select(KioskOrder.args).where(KioskOrder.kiosk_id == kiosk.id, KioskOrder.kind == "update")).all()
    if any(a.get("version") == want.version for a in given):
        return
    orders.give(s, kiosk.id, "update", {"version": want.version}, by="rollout")


@dataclass(frozen=True)
class ReleaseLine:
    version: str
    published_at: datetime
    rollout: str
    running: int
    updating: int
    failed: int


def summary(s: Session, beats: list[dict]) -> list[ReleaseLine]:
    """Each release with how many of the kiosks whose last heartbeats are ``beats`` run it, are
    on their way to it, or gave it up."""
    rows = s.scalars(select(Release).order_by(Release.published_at.desc()).limit(10)).all()
    out = []
    for r in rows:
        running = updating = failed = 0
        for beat in beats:
            upd = beat.get("update") or {}
            if beat.get("app_version") == r.version:
                running += 1
            elif upd.get("version") == r.version and upd.get("stage") in ("rolled_back", "failed"):
                failed += 1
            elif upd.get("version") == r.version:
                updating += 1
        rollout = ("未发布" if r.rollout_at is None else
                   "、".join(filter(None, [f"{r.percent}% 终端" if r.percent else "",
                                          f"站点 {','.join(r.stations)}" if r.stations else ""])) or "暂停")
        out.append(ReleaseLine(r.version, r.published_at, rollout, running, updating, failed))
    return out
