import os
import stat

import pytest
from sqlalchemy import select

from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import OutboxCipher, add_event, read_payload


def test_personal_payloads_are_sealed_to_their_event(tmp_path, store):
    cipher = OutboxCipher.from_data_dir(tmp_path)
    assert stat.S_IMODE(os.stat(tmp_path / "outbox.key").st_mode) == 0o600
    with store.session() as s:
        a = add_event(s, "registration.submitted", {"id_number": "12010419800101123X", "phone": "13812345678"},
                      cipher=cipher, personal=True)
        b = add_event(s, "ticket.issued", {"number": "A001"})
    with store.read() as s:
        ea, eb = (s.scalars(select(OutboxEvent).where(OutboxEvent.id == i)).one() for i in (a, b))
        assert ea.encrypted and b"12010419800101123X" not in ea.payload and b"13812345678" not in ea.payload
        assert read_payload(ea, cipher)["phone"] == "13812345678"
        assert read_payload(eb, None) == {"number": "A001"} and not eb.encrypted
        assert eb.seq > ea.seq
        from cryptography.exceptions import InvalidTag

        with pytest.raises(InvalidTag):  # a payload moved to another event does not open
            cipher.open(eb.id, ea.payload)
    # the same key next time (the data directory keeps it)
    assert OutboxCipher.from_data_dir(tmp_path).open(a, ea.payload)


def test_personal_event_without_a_cipher_is_refused(store):
    with pytest.raises(ValueError, match="personal data"), store.session() as s:
        add_event(s, "registration.submitted", {"id_number": "x"}, personal=True)
    with store.read() as s:
        assert s.scalars(select(OutboxEvent)).all() == []
