"""回电申请: one encrypted outbox event per form, a reference to show, nothing in clear on disk."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.core.callback import EVENT_TYPE, CallbackDesk, CallbackRefused, check_phone, consent_text
from kiosk.domain.capability import token_hash
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import OutboxCipher, read_payload

PHONE = "13912345678"


@pytest.fixture
def desk(store, tmp_path):
    cipher = OutboxCipher.from_data_dir(tmp_path)
    return CallbackDesk(store, lambda: cipher, "TJ-TEST-01"), cipher


def _events(store):
    with store.read() as s:
        return s.scalars(select(OutboxEvent).where(OutboxEvent.type == EVENT_TYPE)).all()


def test_request_is_one_encrypted_event_with_a_reference(desk, store):
    d, cipher = desk
    done = d.request("form-1", "政策咨询", PHONE, person_key="pk123", identity="essc")
    assert done.masked_phone == "139****5678"
    assert done.reference.startswith("HD-") and len(done.reference) == 8
    (ev,) = _events(store)
    assert ev.id == done.event_id and ev.encrypted and PHONE.encode() not in ev.payload
    data = read_payload(ev, cipher)
    assert data == {"station_id": "TJ-TEST-01", "reference": done.reference, "topic": "政策咨询",
                    "phone": PHONE, "consent": True, "person_key": "pk123", "identity": "essc",
                    "token_hash": token_hash(done.token)}


def test_the_same_form_submitted_twice_is_stored_once(desk, store):
    d, _ = desk
    first = d.request("form-2", "求职指导", PHONE)
    again = d.request("form-2", "求职指导", PHONE)
    assert again == first
    assert len(_events(store)) == 1
    other = d.request("form-3", "求职指导", PHONE)
    assert other.reference != first.reference and len(_events(store)) == 2
    d.forget()  # the visit ended
    assert d._done == {}


@pytest.mark.parametrize("phone", ["", "1381234567", "23812345678", "138123456789", "1381234567a", "12812345678"])
def test_a_wrong_phone_is_refused_and_nothing_is_stored(desk, store, phone):
    d, _ = desk
    with pytest.raises(CallbackRefused, match="11 位手机号码"):
        d.request("form-x", "其他", phone)
    assert _events(store) == []


def test_anonymous_request_has_no_person_key_and_consent_text_is_masked(desk):
    d, cipher = desk
    d.request("form-4", "其他", PHONE)
    assert check_phone(" 13912345678 ") == PHONE
    text = consent_text("其他", "139****5678")
    assert "139****5678" in text and PHONE not in text and "回电话" in text
