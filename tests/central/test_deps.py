"""The request-scoped transaction (central/deps.py): what a handler wrote is committed by the time
its reply arrives, and nothing of it stays when the handler fails."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.testclient import TestClient

from central.app import create_app
from central.deps import SessionDep
from central.errors import ApiError
from central.models import Setting

router = APIRouter(prefix="/test-deps")


@router.post("/keep/{key}")
def keep(key: str, s: SessionDep) -> dict:
    s.add(Setting(key=key, value="kept"))
    return {"ok": True}


@router.post("/fail/{key}")
def fail(key: str, s: SessionDep) -> dict:
    s.add(Setting(key=key, value="lost"))
    s.flush()
    raise ApiError(409, "finished", "refused after writing")


def _client(db) -> TestClient:  # noqa: ANN001
    app = create_app(db)
    app.include_router(router)
    return TestClient(app)


def test_a_reply_arrives_after_its_transaction_committed(db):
    with _client(db) as client:
        for i in range(5):
            assert client.post(f"/test-deps/keep/k{i}").status_code == 200
            with db.session() as s:  # another connection sees it as soon as the reply is in
                assert s.get(Setting, f"k{i}").value == "kept"


def test_a_failing_handler_leaves_nothing_behind(db):
    with _client(db) as client:
        r = client.post("/test-deps/fail/x")
        assert r.status_code == 409 and r.json()["error"] == "finished"
        with db.session() as s:
            assert s.get(Setting, "x") is None
        assert client.post("/test-deps/keep/y").status_code == 200  # the write lock was released
