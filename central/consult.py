"""Remote video consultation on central: advisors, their pools, the waiting list and signaling.

Central only relays the SDP offer/answer and keeps the state of each request; media goes
directly between the kiosk and the advisor's browser (or through the TURN server) and is never
stored. A request's ``version`` grows with every change, so either side can long-poll for the
next one. Time-outs (a request nobody took, an advisor or kiosk that went away) are applied
lazily, whenever a request or the pool is read: no timer thread, any worker may do it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.models import FINISHED, Advisor, ConsultRequest, StationConfig
from central.passwords import check_password, hash_password, waste_time

DEFAULT_POOL = "tianjin"
ADVISOR_STATUSES = ("offline", "available", "busy", "break")
OUTCOMES = {"answered": "已解答", "referred": "转介窗口办理", "appointment": "预约面谈", "callback": "需回电",
            "no_show": "居民未接通", "other": "其他"}
ACTIVE = ("accepted", "offered", "connected")


@dataclass
class Policy:
    """Time-outs; tests shorten them (one process-wide instance, read on every check)."""

    #: a request nobody accepts within this time ends as 'timeout'
    request_timeout_s: float = 600.0
    #: an advisor page that has not polled for this long has gone away
    advisor_stale_s: float = 20.0
    #: a kiosk that has not polled its active request for this long has gone away
    kiosk_stale_s: float = 30.0
    #: assumed length of a consultation until there are finished calls to learn from
    default_call_s: int = 420


POLICY = Policy()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# --- pools and advisors -----------------------------------------------------------------------

def station_pool(s: Session, station_id: str) -> str:
    row = s.get(StationConfig, station_id)
    pool = (row.config or {}).get("consult_pool") if row is not None else None
    return str(pool)[:40] if pool else DEFAULT_POOL


def _fresh(adv: Advisor, now: datetime) -> bool:
    return adv.last_seen_at is not None and (now - adv.last_seen_at).total_seconds() <= POLICY.advisor_stale_s


def advisors(s: Session, pool: str, now: datetime | None = None) -> list[Advisor]:
    """The pool's advisors whose console is open (signed in and polling)."""
    now = now or _now()
    rows = s.scalars(select(Advisor).where(Advisor.pool == pool, Advisor.enabled.is_(True),
                                           Advisor.status != "offline")).all()
    return [a for a in rows if _fresh(a, now)]


def _avg_call_s(s: Session, pool: str) -> float:
    rows = s.execute(select(ConsultRequest.connected_at, ConsultRequest.ended_at)
                     .where(ConsultRequest.pool == pool, ConsultRequest.connected_at.is_not(None),
                            ConsultRequest.ended_at.is_not(None))
                     .order_by(ConsultRequest.ended_at.desc()).limit(20)).all()
    lengths = [(e - c).total_seconds() for c, e in rows if e > c]
    return sum(lengths) / len(lengths) if lengths else float(POLICY.default_call_s)


def estimate_wait(s: Session, pool: str, position: int, online: int) -> int | None:
    """Seconds until the ``position``-th in line is taken. Each online advisor is free now, or
    (in a call) after half an average call; each one taken before keeps an advisor one average
    call (of the pool's last 20) longer."""
    if online <= 0:
        return None
    avg = _avg_call_s(s, pool)
    in_call = s.scalar(select(func.count()).select_from(ConsultRequest)
                       .where(ConsultRequest.pool == pool, ConsultRequest.state.in_(ACTIVE))) or 0
    free_at = sorted([avg / 2] * min(in_call, online) + [0.0] * max(0, online - in_call))
    for _ in range(position - 1):
        free_at[0] += avg
        free_at.sort()
    return int(free_at[0])


def availability(s: Session, pool: str) -> dict:
    now = _now()
    expire_pool(s, pool, now)
    on = advisors(s, pool, now)
    working = [a for a in on if a.status in ("available", "busy")]
    waiting = len(_waiting(s, pool))
    if not on:
        reason = "closed"
    elif not working:
        reason = "no_advisor"
    else:
        reason = ""
    return {"open": not reason, "advisors_online": len(working), "waiting": waiting,
            "estimated_wait_s": estimate_wait(s, pool, waiting + 1, len(working)) if working else None,
            "reason": reason}


def _waiting(s: Session, pool: str) -> list[ConsultRequest]:
    return list(s.scalars(select(ConsultRequest).where(ConsultRequest.pool == pool, ConsultRequest.state == "waiting")
                          .order_by(ConsultRequest.created_at, ConsultRequest.id)).all())


def _bump(req: ConsultRequest) -> None:
    req.version += 1


def _finish(s: Session, req: ConsultRequest, state: str, reason: str, now: datetime) -> None:
    req.state, req.reason, req.ended_at = state, reason, now
    _bump(req)
    if req.advisor_id is not None:
        adv = s.get(Advisor, req.advisor_id)
        if adv is not None and adv.status == "busy":
            adv.status, adv.status_at = "available", now


def expire(s: Session, req: ConsultRequest, now: datetime) -> None:
    """Apply the time-outs to one request."""
    if req.finished:
        return
    if req.state == "waiting":
        if (now - req.created_at).total_seconds() > POLICY.request_timeout_s:
            _finish(s, req, "timeout", "timeout", now)
        elif req.kiosk_seen_at and (now - req.kiosk_seen_at).total_seconds() > POLICY.kiosk_stale_s:
            _finish(s, req, "cancelled", "kiosk_left", now)
        return
    adv = s.get(Advisor, req.advisor_id) if req.advisor_id is not None else None
    if adv is None or not _fresh(adv, now) or adv.status == "offline":
        _finish(s, req, "ended", "advisor_left", now)
    elif req.kiosk_seen_at and (now - req.kiosk_seen_at).total_seconds() > POLICY.kiosk_stale_s:
        _finish(s, req, "ended", "kiosk_left", now)


def expire_pool(s: Session, pool: str, now: datetime) -> None:
    for req in s.scalars(select(ConsultRequest).where(ConsultRequest.pool == pool,
                                                      ConsultRequest.state.not_in(FINISHED))).all():
        expire(s, req, now)


# --- the kiosk's side -------------------------------------------------------------------------

def create(s: Session, kiosk_id: str, station_id: str, topic: str, identified: bool) -> ConsultRequest:
    pool = station_pool(s, station_id)
    now = _now()
    for old in s.scalars(select(ConsultRequest).where(ConsultRequest.kiosk_id == kiosk_id,
                                                      ConsultRequest.state.not_in(FINISHED))).all():
        # one consultation per kiosk at a time: a new request replaces a forgotten one
        _finish(s, old, "cancelled" if old.state == "waiting" else "ended", "kiosk_left", now)
    avail = availability(s, pool)
    if not avail["open"]:
        raise Refused(409, avail["reason"], "当前没有顾问在线" if avail["reason"] == "closed" else "顾问暂时都不空闲")
    req = ConsultRequest(id=str(uuid.uuid4()), kiosk_id=kiosk_id, station_id=station_id, pool=pool, topic=topic,
                         identified=identified, state="waiting", version=1, created_at=now, kiosk_seen_at=now)
    s.add(req)
    s.flush()
    return req


def kiosk_request(s: Session, kiosk_id: str, request_id: str, *, touch: bool = True) -> ConsultRequest:
    req = s.get(ConsultRequest, request_id)
    if req is None or req.kiosk_id != kiosk_id:
        raise Refused(404, "not_found", f"no consultation request {request_id[:36]!r} of this kiosk")
    now = _now()
    if touch:
        req.kiosk_seen_at = now
    expire(s, req, now)
    return req


def status(s: Session, req: ConsultRequest) -> dict:
    position, est = 0, None
    if req.state == "waiting":
        line = _waiting(s, req.pool)
        position = next((i + 1 for i, r in enumerate(line) if r.id == req.id), len(line))
        working = [a for a in advisors(s, req.pool) if a.status in ("available", "busy")]
        est = estimate_wait(s, req.pool, position, len(working))
    answer = req.answer_sdp if req.answer_gen == req.offer_gen and req.offer_gen else ""
    return {"id": req.id, "state": req.state, "version": req.version, "topic": req.topic, "position": position,
            "estimated_wait_s": est, "advisor_name": req.advisor_name, "offer_gen": req.offer_gen,
            "answer_sdp": answer, "reason": req.reason}


def sdp_problem(sdp: str, kind: str) -> str:
    """A reason the text is not a usable session description, or ''."""
    if not sdp.startswith("v=0") or "\nm=" not in sdp.replace("\r\n", "\n"):
        return f"the {kind} is not a session description (it must start with v=0 and have m= lines)"
    if "\x00" in sdp:
        return f"the {kind} holds a NUL character"
    return ""


def post_offer(s: Session, req: ConsultRequest, sdp: str, generation: int) -> None:
    if req.finished:
        raise Refused(409, "finished", f"the consultation has finished ({req.reason or req.state})")
    if req.state == "waiting":
        raise Refused(409, "not_accepted", "no advisor has taken the request yet")
    if generation <= req.offer_gen and req.offer_sdp:
        if generation == req.offer_gen and sdp == req.offer_sdp:
            return  # a retry of the same post
        raise Refused(409, "stale_offer", f"offer {generation} is older than the current one ({req.offer_gen})")
    problem = sdp_problem(sdp, "offer")
    if problem:
        raise Refused(400, "bad_sdp", problem)
    req.offer_gen, req.offer_sdp, req.answer_sdp, req.answer_gen = generation, sdp, "", 0
    req.state = "offered"
    _bump(req)


def kiosk_end(s: Session, req: ConsultRequest, reason: str) -> None:
    if req.finished:
        return
    now = _now()
    if req.state == "waiting":
        _finish(s, req, "cancelled", "cancelled", now)
    else:
        _finish(s, req, "ended", "hung_up" if reason == "cancelled" else reason, now)


# --- the advisor's side -----------------------------------------------------------------------

def seen(s: Session, advisor_id: int) -> Advisor | None:
    adv = s.get(Advisor, advisor_id)
    if adv is None or not adv.enabled:
        return None
    adv.last_seen_at = _now()
    return adv


def set_status(s: Session, adv: Advisor, new: str) -> None:
    if new not in ADVISOR_STATUSES:
        raise Refused(400, "invalid_request", f"status is one of {', '.join(ADVISOR_STATUSES)}")
    if current_call(s, adv) is not None and new != "busy":
        raise Refused(409, "in_call", "请先结束当前通话")
    adv.status, adv.status_at = new, _now()


def current_call(s: Session, adv: Advisor) -> ConsultRequest | None:
    rows = s.scalars(select(ConsultRequest).where(ConsultRequest.advisor_id == adv.id,
                                                  ConsultRequest.state.in_(ACTIVE))).all()
    now = _now()
    for r in rows:
        expire(s, r, now)
    return next((r for r in rows if not r.finished), None)


def last_call(s: Session, adv: Advisor) -> ConsultRequest | None:
    return s.scalars(select(ConsultRequest).where(ConsultRequest.advisor_id == adv.id)
                     .order_by(ConsultRequest.accepted_at.desc()).limit(1)).first()


def accept(s: Session, adv: Advisor, request_id: str | None) -> ConsultRequest:
    if adv.status not in ("available", "busy"):
        raise Refused(409, "not_available", "请先把状态设为“空闲”")
    if current_call(s, adv) is not None:
        raise Refused(409, "in_call", "请先结束当前通话")
    now = _now()
    expire_pool(s, adv.pool, now)
    line = _waiting(s, adv.pool)
    if request_id:
        req = next((r for r in line if r.id == request_id), None)
        if req is None:
            raise Refused(409, "gone", "这位居民已不在等候（已取消或已被其他顾问接听）")
    elif line:
        req = line[0]
    else:
        raise Refused(409, "empty", "目前没有居民在等候")
    req.state, req.accepted_at, req.advisor_id, req.advisor_name = "accepted", now, adv.id, adv.display_name
    _bump(req)
    adv.status, adv.status_at = "busy", now
    return req


def advisor_request(s: Session, adv: Advisor, request_id: str) -> ConsultRequest:
    req = s.get(ConsultRequest, request_id)
    if req is None or req.advisor_id != adv.id:
        raise Refused(404, "not_found", "没有这个通话")
    expire(s, req, _now())
    return req


def post_answer(s: Session, req: ConsultRequest, sdp: str, generation: int) -> None:
    if req.finished:
        raise Refused(409, "finished", "通话已结束")
    if generation != req.offer_gen or not req.offer_sdp:
        raise Refused(409, "stale_offer", "居民端已重新连接，请稍候")
    if not sdp or len(sdp) > 60_000:
        raise Refused(400, "bad_sdp", "应答内容不对")
    req.answer_sdp, req.answer_gen, req.state = sdp, generation, "connected"
    if req.connected_at is None:
        req.connected_at = _now()
    _bump(req)


def advisor_end(s: Session, adv: Advisor, req: ConsultRequest, outcome: str, note: str) -> None:
    if outcome and outcome not in OUTCOMES:
        raise Refused(400, "invalid_request", "请选择咨询结果")
    if outcome:
        req.outcome = outcome
    if note:
        req.note = note[:500]
    if not req.finished:
        _finish(s, req, "ended", "advisor_ended", _now())


def waiting_list(s: Session, adv: Advisor) -> list[dict]:
    now = _now()
    expire_pool(s, adv.pool, now)
    names = {sid: str((cfg or {}).get("name") or sid) for sid, cfg in
             s.execute(select(StationConfig.station_id, StationConfig.config)).all()}
    return [{"id": r.id, "station": names.get(r.station_id, r.station_id), "topic": r.topic,
             "identified": r.identified, "waiting_s": int((now - r.created_at).total_seconds())}
            for r in _waiting(s, adv.pool)]


def call_view(req: ConsultRequest | None, station_name: str = "") -> dict | None:
    if req is None:
        return None
    return {"id": req.id, "state": req.state, "version": req.version, "topic": req.topic, "station": station_name,
            "identified": req.identified, "offer_gen": req.offer_gen, "answer_gen": req.answer_gen,
            "reason": req.reason, "outcome": req.outcome,
            "connected_at": req.connected_at.isoformat() + "Z" if req.connected_at else None,
            "ended_at": req.ended_at.isoformat() + "Z" if req.ended_at else None}


# --- accounts ---------------------------------------------------------------------------------

def add_advisor(s: Session, login: str, password: str, *, pool: str = DEFAULT_POOL, display_name: str = "") -> bool:
    """Add an advisor, or set a new password / pool / name for an existing one. True if new."""
    login, pool = login.strip(), pool.strip()
    if len(password) < 4:
        raise ValueError("the password must have at least 4 characters")
    if not login or len(login) > 40 or not pool or len(pool) > 40:
        raise ValueError("give a login and a pool of at most 40 characters")
    display = (display_name or login).strip()[:40]
    row = s.scalars(select(Advisor).where(Advisor.login == login)).first()
    if row is None:
        s.add(Advisor(login=login, display_name=display, pool=pool, password_hash=hash_password(password),
                      enabled=True, status="offline", failed_logins=0, created_at=_now()))
        return True
    row.password_hash, row.pool, row.display_name, row.enabled = hash_password(password), pool, display, True
    row.failed_logins, row.locked_until = 0, None
    from central.sessions import close_all

    close_all(s, "advisor", row.id)  # a new password ends every session of the old one
    return False


def login(s: Session, login_name: str, password: str) -> Advisor | str:
    """The advisor, or the one message for every refusal: an unknown login, a disabled one and a
    wrong password answer alike and cost one hash each (guessing is limited by
    central/login_guard.py, never by locking the account, which anyone could do to a login
    they know)."""
    row = s.scalars(select(Advisor).where(Advisor.login == login_name)).first()
    if row is None or not row.enabled:
        waste_time(password)
        return "账号或密码不对"
    if not check_password(password, row.password_hash):
        return "账号或密码不对"
    return row
