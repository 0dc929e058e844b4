"""What a scanned code is: e-SSC login, ticket, job, unknown; and a scanned ticket's status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from kiosk.config import load_config
from kiosk.core.queue import ticket_message
from kiosk.domain.identity import check_char
from kiosk.domain.scans import (
    ESSC_INVALID_MESSAGE,
    ESSC_UNAVAILABLE_MESSAGE,
    UNKNOWN_MESSAGE,
    ScanClassifier,
    ScanKind,
    demo_essc_payload,
    demo_essc_resolver,
    url_pattern,
)

CENTRAL = "https://central.example.cn"
TICKET_ID = "6f1c2b0e-4a7d-4d8e-9a55-0b1f3e2d4c5a"
FIRST17 = "12010419800101123"
NUMBER = FIRST17 + check_char(FIRST17)
WRONG_CHECK = FIRST17 + ("1" if check_char(FIRST17) != "1" else "2")


@pytest.fixture
def classifier():
    return ScanClassifier("{central_url}/tickets/{id}", "{central_url}/jobs/{id}", CENTRAL + "/", demo_essc_resolver,
                          today=lambda: date(2025, 6, 1))


def test_valid_essc_logs_in_as_a_qr_resident(classifier):
    r = classifier.classify(demo_essc_payload(NUMBER))
    assert r.kind is ScanKind.ESSC and r.accepted and r.message == ""
    assert r.resident.id_number == NUMBER and r.resident.source == "qr"
    assert r.resident.birth_date == date(1980, 1, 1)
    assert NUMBER not in repr(r)  # never printed with the result


def test_essc_prefix_is_case_insensitive_and_spaces_are_trimmed(classifier):
    r = classifier.classify("  essc1:" + "DEMO-" + NUMBER.lower() + " ")
    assert r.accepted and r.resident.id_number == NUMBER.upper()


def test_essc_with_a_wrong_check_character_is_refused_with_a_message(classifier):
    r = classifier.classify(demo_essc_payload(WRONG_CHECK))
    assert r.kind is ScanKind.ESSC and not r.accepted and r.resident is None
    assert r.message == ESSC_INVALID_MESSAGE and "校验" in r.detail
    assert WRONG_CHECK not in r.detail and WRONG_CHECK not in r.message


@pytest.mark.parametrize("token", ["DEMO-1201041980", "DEMO-12010420991301123X", "DEMO-", "not-a-demo-token", ""])
def test_malformed_essc_is_refused(classifier, token):
    r = classifier.classify("ESSC1:" + token)
    assert r.kind is ScanKind.ESSC and r.message == ESSC_INVALID_MESSAGE and r.resident is None


def test_essc_without_a_resolver_tells_the_resident_to_use_the_card():
    c = ScanClassifier("{central_url}/tickets/{id}", "{central_url}/jobs/{id}", CENTRAL)
    r = c.classify(demo_essc_payload(NUMBER))
    assert r.kind is ScanKind.ESSC and r.message == ESSC_UNAVAILABLE_MESSAGE and r.resident is None


@pytest.mark.parametrize("url", [
    f"{CENTRAL}/tickets/{TICKET_ID}",
    f"{CENTRAL}/tickets/{TICKET_ID}/",
    f"{CENTRAL}/tickets/{TICKET_ID}?from=print",
    f"http://central.example.cn/tickets/{TICKET_ID}",
    f"{CENTRAL}/TICKETS/{TICKET_ID}".upper(),
])
def test_ticket_urls(classifier, url):
    r = classifier.classify(url)
    assert r.kind is ScanKind.TICKET and r.ref == TICKET_ID and r.accepted


def test_request_url_gives_the_reference_in_upper_case(classifier):
    r = classifier.classify(f"{CENTRAL}/requests/hk7qrx3m")
    assert r.kind is ScanKind.REQUEST and r.ref == "HK7QRX3M" and r.accepted
    cfg = load_config(env={})
    assert ScanClassifier.from_config(cfg).classify(cfg.service_request_url("PK7QRX3M")).ref == "PK7QRX3M"


def test_job_url(classifier):
    r = classifier.classify(f"{CENTRAL}/jobs/V-2024-0001")
    assert r.kind is ScanKind.JOB and r.ref == "V-2024-0001"


@pytest.mark.parametrize("code", [
    "https://example.com/tickets/abc",  # another site
    f"{CENTRAL}/tickets/",  # no id
    f"{CENTRAL}/tickets/a/b",  # more path
    f"{CENTRAL}.evil.cn/tickets/abc",
    "6901234567892",  # a product barcode
    "天津市就业驿站",
    "",
])
def test_unknown_codes_get_the_plain_message(classifier, code):
    r = classifier.classify(code)
    assert r.kind is ScanKind.UNKNOWN and r.message == UNKNOWN_MESSAGE and "无法识别此二维码" in r.message


def test_config_templates_round_trip():
    cfg = load_config(env={})
    c = ScanClassifier.from_config(cfg)
    assert c.classify(cfg.ticket_url(TICKET_ID)).ref == TICKET_ID
    assert c.classify(cfg.job_url("J42")).kind is ScanKind.JOB
    assert c.classify(demo_essc_payload(NUMBER)).accepted  # the demo config has the demo resolver
    prod = ScanClassifier.from_config(replace(cfg, demo=replace(cfg.demo, enabled=False)))
    assert prod.classify(demo_essc_payload(NUMBER)).message == ESSC_UNAVAILABLE_MESSAGE


def test_templates_with_unknown_placeholders_are_refused():
    with pytest.raises(ValueError, match="station"):
        url_pattern("{central_url}/{station}/tickets/{id}", CENTRAL)


# -- a scanned ticket's status ---------------------------------------------------------------------

def add_ticket(store, number, status="waiting", priority=False, day=date(2025, 6, 2), counter=None, service="career_guidance"):
    import uuid

    from kiosk.store.models import Ticket

    tid = str(uuid.uuid4())
    with store.session() as s:
        s.add(Ticket(id=tid, service_code=service, prefix="C", number=number, day=day,
                     issued_at=datetime(2025, 6, 2, 9) + timedelta(minutes=number), status=status, priority=priority,
                     counter=counter))
    return tid


def test_ticket_messages(store):
    today = date(2025, 6, 2)
    first = add_ticket(store, 1, status="done")
    called = add_ticket(store, 2, status="called", counter="3")
    mine = add_ticket(store, 3)
    add_ticket(store, 4)
    add_ticket(store, 5, priority=True)
    add_ticket(store, 6, service="entrepreneurship")
    old = add_ticket(store, 9, day=date(2025, 6, 1))
    assert ticket_message(store, first, today) == "C001 已经办理完毕"
    assert ticket_message(store, called, today) == "C002 已经叫到，请到 3 号窗口"
    # one priority ticket goes first; C004 comes after; another service does not count
    assert ticket_message(store, mine, today) == "C003 正在等候，前面还有 1 人，请留意叫号"
    assert "过期" in ticket_message(store, old, today)
    assert "没有找到" in ticket_message(store, "00000000-0000-0000-0000-000000000000", today)


def test_priority_ticket_counts_only_earlier_priority_tickets(store):
    today = date(2025, 6, 2)
    add_ticket(store, 1)
    mine = add_ticket(store, 2, priority=True)
    assert ticket_message(store, mine, today) == "C002 正在等候，下一个就到您，请留意叫号"


def test_appointment_url_gives_the_token_in_lower_case_and_a_reference_alone_is_unknown(classifier):
    token = "0123456789abcdef0123456789ABCDEF"
    r = classifier.classify(f"{CENTRAL}/appointments/{token}".upper().replace("HTTPS", "http"))
    assert (r.kind, r.ref) == (ScanKind.APPOINTMENT, token.lower())
    assert classifier.classify(f"{CENTRAL}/appointments/YKX6JFH").kind is ScanKind.UNKNOWN
