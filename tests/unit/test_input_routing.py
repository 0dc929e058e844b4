"""What a laid card or a scanned code does where the kiosk is (no Kivy: the app applies it)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from kiosk.config import load_config
from kiosk.devices.idcard.text_block import Identity
from kiosk.domain.identity import Resident, check_char
from kiosk.domain.scans import (
    ESSC_INVALID_MESSAGE,
    TEST_CODE,
    UNKNOWN_MESSAGE,
    ScanClassifier,
    demo_essc_payload,
)
from kiosk.input_routing import (
    CARD_READ,
    ESSC_READ,
    SCANNER_WORKS,
    Route,
    resident_from_card,
    route_card,
    route_scan,
)

NUMBER = "12010419800101123" + check_char("12010419800101123")
CFG = load_config(env={})
CLASSIFY = ScanClassifier.from_config(CFG).classify
RESIDENT = Resident(NUMBER, date(1980, 1, 1), name="张三", source="card")


def test_the_routing_module_does_not_load_kivy():
    code = "import sys, kiosk.input_routing; assert not [m for m in sys.modules if m.split('.')[0] == 'kivy']"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_card_is_ignored_on_the_attract_screen_and_logs_in_elsewhere():
    assert route_card("attract", RESIDENT).ignored
    assert route_card("login", RESIDENT) == Route(to_login=RESIDENT)
    routed = route_card("vacancy_list", RESIDENT)
    assert routed == Route(log_in=RESIDENT, toast=CARD_READ)
    assert not routed.start_visit and not routed.open


def test_a_card_becomes_a_resident_read_from_the_card():
    card = Identity(name="张三", sex="1", nation="01", birth_date=date(1980, 1, 1),
                    address="天津市和平区", id_number=NUMBER, authority="天津市公安局和平分局",
                    valid_from=date(2020, 1, 1), valid_until=None, card_type="")
    who = resident_from_card(card)
    assert (who.id_number, who.birth_date, who.name, who.source) == (NUMBER, date(1980, 1, 1), "张三", "card")


@pytest.mark.parametrize("current", ["home", "queue_services", "vacancy_detail"])
def test_an_essc_code_logs_in_where_the_resident_is(current):
    routed = route_scan(current, CLASSIFY(demo_essc_payload(NUMBER)))
    assert routed.log_in is not None and routed.log_in.id_number == NUMBER and routed.log_in.source == "qr"
    assert (routed.start_visit, routed.open, routed.toast) == (False, "", ESSC_READ)


def test_an_essc_code_on_the_attract_screen_starts_a_visit_logged_in():
    routed = route_scan("attract", CLASSIFY(demo_essc_payload(NUMBER)))
    assert routed.start_visit and routed.log_in.id_number == NUMBER and not routed.open


def test_an_essc_code_on_the_login_screen_goes_to_the_login_screen():
    routed = route_scan("login", CLASSIFY(demo_essc_payload(NUMBER)))
    assert routed.to_login.id_number == NUMBER and routed.log_in is None and not routed.toast


def test_a_wrong_essc_code_says_why_and_logs_nobody_in():
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    routed = route_scan("login", CLASSIFY(demo_essc_payload(wrong)))
    assert routed == Route(toast=ESSC_INVALID_MESSAGE)


@pytest.mark.parametrize("current", ["attract", "home", "login"])
def test_a_ticket_code_shows_the_tickets_place_wherever_it_is_scanned(current):
    routed = route_scan(current, CLASSIFY(CFG.ticket_url("0F8FAD5B-D9CB-469F-A165-70867728950E")))
    assert routed == Route(ticket="0f8fad5b-d9cb-469f-a165-70867728950e")


def test_a_job_code_opens_the_job_from_home_when_nobody_was_using_the_kiosk():
    code = CFG.job_url("V123")
    assert route_scan("attract", CLASSIFY(code)) == Route(start_visit=True, open="vacancy_detail",
                                                           params={"vacancy_id": "V123"})
    assert route_scan("vacancy_list", CLASSIFY(code)) == Route(open="vacancy_detail", params={"vacancy_id": "V123"})


def test_a_request_code_opens_the_request():
    code = CFG.service_request_url("h1234567")
    assert route_scan("attract", CLASSIFY(code)) == Route(start_visit=True, open="home_service",
                                                           params={"reference": "H1234567"})
    assert route_scan("home", CLASSIFY(code)) == Route(open="home_service", params={"reference": "H1234567"})


def test_the_test_code_only_says_the_scanner_works():
    assert route_scan("login", CLASSIFY(TEST_CODE)) == Route(toast=SCANNER_WORKS)


def test_an_unknown_code_says_what_can_be_scanned():
    assert route_scan("home", CLASSIFY("https://example.com/something-else")) == Route(toast=UNKNOWN_MESSAGE)
