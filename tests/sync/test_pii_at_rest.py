"""Personal data at rest on central: sealed in its columns, gone from the event log, readable by
the pages through the key ring, and rotatable to a new key; real central over HTTP, both
databases."""

from __future__ import annotations

import base64
import secrets

from sqlalchemy import MetaData, select

from central import crypto, reseal
from central.models import CallbackRow, Event, Interest, Registration
from tests.sync.test_security import EVENTS, batch, call, event

ID_NUMBER, PHONE, NAME = "12010419800101123X", "13976543218", "张三丰"


def _send(central) -> dict[str, str]:  # noqa: ANN001
    events = {
        "registration": event(type_="registration.submitted", id_number=ID_NUMBER, phone=PHONE,
                              employment_status="失业", desired_occupations=["保洁"], consent=True),
        "interest": event(type_="interest.expressed", vacancy_id="V-1", id_number=ID_NUMBER, phone=PHONE, name=NAME,
                          title="保洁员", employer="某公司", consent=True, reference="YX12345"),
        "callback": event(type_="consult.callback_requested", reference="HD-7G4UD", topic="政策咨询", phone=PHONE,
                          consent=True),
    }
    resp = call(central, "POST", EVENTS, batch(*events.values()))
    assert [r["status"] for r in resp.json()["results"]] == ["accepted"] * 3, resp.text
    return {k: v["id"] for k, v in events.items()}


def _raw_text(db) -> str:  # noqa: ANN001
    """Every value of every table as the database holds it (no model, no decorator)."""
    meta = MetaData()
    with db.engine.connect() as conn:
        meta.reflect(conn)
        return "\n".join(repr(tuple(row)) for t in meta.sorted_tables for row in conn.execute(select(t)))


def test_personal_fields_are_sealed_and_gone_from_the_event_log(central):
    ids = _send(central)
    raw = _raw_text(central.db)
    for secret in (ID_NUMBER, PHONE, NAME, ID_NUMBER[-6:], PHONE[-8:]):
        assert secret not in raw, f"{secret} is stored in clear"
    assert raw.count(crypto.PREFIX + "test.") >= 5  # registration id/phone, interest id/phone/name, callback phone
    with central.db.session() as s:  # what the staff pages read: the ring opens it
        assert (s.get(Registration, ids["registration"]).id_number, s.get(Registration, ids["registration"]).phone) \
            == (ID_NUMBER, PHONE)
        interest = s.get(Interest, ids["interest"])
        assert (interest.name, interest.phone, interest.id_number) == (NAME, PHONE, ID_NUMBER)
        assert s.get(CallbackRow, ids["callback"]).phone == PHONE
        for ev_id in ids.values():
            payload = s.get(Event, ev_id).payload
            assert not {"id_number", "phone", "name"} & set(payload), payload
        assert s.get(Event, ids["interest"]).payload["vacancy_id"] == "V-1"  # the rest of the event is kept


def test_a_new_key_is_rotated_in_and_the_old_one_can_go(central):
    ids = _send(central)
    old = crypto.ring()
    new_line = f"k2:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    try:
        crypto.use(crypto.parse(f"{new_line},test:{_test_key()}", "test ring"))
        with central.db.session() as s:  # both keys open: old rows read while the new key seals
            assert s.get(Registration, ids["registration"]).id_number == ID_NUMBER
        changed = reseal.rotate(central.db.engine)
        assert changed >= 5
        assert crypto.PREFIX + "test." not in _raw_text(central.db)
        assert reseal.rotate(central.db.engine) == 0  # nothing left to re-seal
        crypto.use(crypto.parse(new_line, "new key only"))
        with central.db.session() as s:
            assert s.get(Interest, ids["interest"]).name == NAME
            assert s.get(CallbackRow, ids["callback"]).phone == PHONE
    finally:
        crypto.use(old)


def _test_key() -> str:
    import os

    return os.environ[crypto.ENV_KEYS].split(":", 1)[1]


def test_a_value_sealed_with_a_key_the_ring_lacks_names_it():
    ring = crypto.parse(f"a:{base64.b64encode(b'a' * 32).decode()}", "ring a")
    other = crypto.parse(f"b:{base64.b64encode(b'b' * 32).decode()}", "ring b")
    sealed = ring.seal(PHONE)
    assert ring.open(sealed) == PHONE and sealed != ring.seal(PHONE)  # a fresh nonce each time
    try:
        other.open(sealed)
    except crypto.DataKeyError as e:
        assert "'a'" in str(e) and "rotate-data-key" in str(e)
    else:
        raise AssertionError("opened with the wrong key")
