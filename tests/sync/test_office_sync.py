"""The back office on both databases: the kiosk's interest, registration and rating events pushed
through the signed API become rows (once each, whatever the retries), an interest's status comes
back on the interests feed, and two staff members moving one interest at the same moment end in
one state, the other told 已被他人更新."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from central.models import Interest, Rating, Registration, ServiceRecord
from central.office import interests
from central.office.changes import Stale


def _events() -> list[dict]:
    now = datetime.now(UTC).isoformat()
    return [
        {"id": str(uuid.uuid4()), "seq": 1, "type": "interest.expressed", "occurred_at": now, "payload": {
            "station_id": "x", "vacancy_id": "V9", "title": "保安", "employer": "和平物业", "id_number": "120101199001011234",
            "person_key": "pk-9", "consent": True}},
        {"id": str(uuid.uuid4()), "seq": 2, "type": "registration.submitted", "occurred_at": now, "payload": {
            "id_number": "120101199001011234", "phone": "13900001111", "employment_status": "失业，正在找工作",
            "desired_occupations": ["保安"], "desired_district": "和平区", "expected_salary": "面议",
            "training_needs": [], "key_groups": ["就业困难人员", "以上都不是"], "consent": True}},
        {"id": str(uuid.uuid4()), "seq": 3, "type": "feedback.given", "occurred_at": now,
         "payload": {"station_id": "x", "service": "job_registration", "score": 2}},
    ]


def test_events_become_rows_once_and_status_comes_back(central, kiosk_store):
    from kiosk.core.interest import InterestDesk
    from kiosk.store.models import InterestMark
    from kiosk.sync import protocol as p
    from tests.sync.centralserver import STATION
    from tests.sync.conftest import make_client, make_worker

    client = make_client(central.url)
    events = _events()
    batch = p.EventBatch(events=[p.EventIn(**e) for e in events])
    def post() -> list[str]:
        reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=batch)
        return [r.status for r in reply.results]

    assert post() == ["accepted"] * 3
    assert post() == ["duplicate"] * 3  # a retry changes nothing
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Interest)) == 1
        assert s.get(Registration, events[1]["id"]).key_groups == ["就业困难人员"]
        assert s.get(Rating, events[2]["id"]).followup == "open"
        assert s.get(Interest, events[0]["id"]).station_id == STATION  # the kiosk's station, not the payload's
        interests.move(s, events[0]["id"], "contacted", "", 1, "王芳")
        # the registration is one service, the follow-up call another
        assert sorted(s.scalars(select(ServiceRecord.service))) == ["interest_followup", "registration"]
    with kiosk_store.session() as s:
        s.add(InterestMark(id=events[0]["id"], person_key="pk-9", title="保安", employer="和平物业",
                           created_at=datetime(2026, 1, 1)))
    make_worker(kiosk_store, central.url).pull("interests")
    desk = InterestDesk(kiosk_store, lambda: None, STATION)
    [view] = desk.mine("pk-9")
    assert (view.status, view.status_name) == ("contacted", "驿站已联系您")


def test_two_staff_moving_one_interest_at_once(central):
    eid = str(uuid.uuid4())
    with central.db.session() as s:
        interests.on_expressed(s, "TJ-HP-NSJ-01", eid, datetime(2026, 1, 1), {"vacancy_id": "V1", "id_number": "x"})
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def staff(to: str) -> None:
        start.wait()
        try:
            with central.db.session() as s:
                interests.move(s, eid, to, "", 1, to)
            outcomes.append("ok:" + to)
        except Stale:
            outcomes.append("stale")

    threads = [threading.Thread(target=staff, args=(to,)) for to in ("contacted", "failed")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "stale"], outcomes
    winner = next(o.split(":")[1] for o in outcomes if o.startswith("ok"))
    with central.db.session() as s:
        row = s.get(Interest, eid)
        assert (row.status, row.version, row.updated_by) == (winner, 2, winner)
        # a 已联系 wrote one workload record; 未成功 none
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == (1 if winner == "contacted" else 0)
