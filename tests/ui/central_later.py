"""A submission made while central is unreachable arrives later, exactly once, at a real central.

The UI tests' kiosk has no central configured, so its events wait in the outbox. ``deliver_later``
first pushes to a central that is down (a free port nobody listens on: the push fails and nothing
changes), then starts a real central service on loopback and pushes with the kiosk's own outbox
and cipher, then sends the same event again, as the kiosk does when a reply was lost.
"""

from __future__ import annotations

import tempfile
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central.models import Event
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from kiosk.sync import protocol as p
from kiosk.sync import pusher
from kiosk.sync.client import SyncError
from tests.sync.centralserver import free_port, running_central
from tests.sync.conftest import make_client


def outbox_state(app, event_id: str) -> str:
    with app.store.read() as s:
        return s.scalar(select(OutboxEvent.state).where(OutboxEvent.id == event_id))


def deliver_later(app, event_id: str, read=None):  # noqa: ANN001, ANN201
    """The payload central stored for ``event_id``, which it holds exactly once (without its
    personal keys); or what ``read(session)`` finds in central's database then."""
    cipher = app.outbox_cipher()
    assert outbox_state(app, event_id) == "pending"
    with pytest.raises(SyncError):
        pusher.push_once(app.store, make_client(f"http://127.0.0.1:{free_port()}"), cipher)
    assert outbox_state(app, event_id) == "pending"  # nothing lost, nothing marked sent
    with app.store.read() as s:
        row = s.scalar(select(OutboxEvent).where(OutboxEvent.id == event_id))
        again = p.EventIn(id=row.id, seq=row.seq, type=row.type, payload=read_payload(row, cipher),
                          occurred_at=row.occurred_at.replace(tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp, running_central(f"sqlite:///{Path(tmp) / 'central.db'}") as central:
        client = make_client(central.url)
        pusher.push_all(app.store, client, cipher)
        assert outbox_state(app, event_id) == "sent"
        reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=[again]))
        assert [r.status for r in reply.results] == ["duplicate"]
        with central.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Event).where(Event.id == event_id)) == 1
            return read(s) if read else dict(s.get(Event, event_id).payload)
