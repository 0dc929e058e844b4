"""Request authentication and station isolation, against the real central service over HTTP.

Requests are built and signed by hand (``protocol.sign``) so each test can break exactly one
thing: the secret, the kiosk id, a header, the nonce, the timestamp, the body, the query or the
path. Every refusal must carry the right status and error code, and leave central's data as it
was: the whole database (nonces included) is compared before and after.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from central import calls as central_calls
from central.models import Base, CallRecord, Event, Kiosk, Nonce, RejectedEvent, ServiceRecord
from kiosk.sync import protocol as p
from tests.sync.centralserver import KIOSK, SECRET, STATION
from tests.sync.conftest import make_client

OTHER_STATION = "TJ-OTHER-01"
OTHER_KIOSK = "other-kiosk"
OTHER_SECRET = "other-secret-0123456789"

CONFIG = f"{p.PREFIX}/stations/{STATION}/config"
EVENTS = f"{p.PREFIX}/events"


# --- helpers ----------------------------------------------------------------------------------


def prepare(base_url: str, method: str, path: str, body: bytes = b"", *, kiosk: str = KIOSK,
            secret: str = SECRET, ts: float | None = None, nonce: str | None = None,
            sign_method: str | None = None, sign_path: str | None = None, sign_body: bytes | None = None,
            drop: tuple[str, ...] = ()) -> requests.PreparedRequest:
    """A signed request; the ``sign_*`` arguments sign something other than what is sent."""
    req = requests.Request(method, base_url + path, data=body or None,
                           headers={"Content-Type": "application/json"}).prepare()
    stamp = f"{time.time() if ts is None else ts:.3f}"
    nonce = nonce or secrets.token_hex(16)
    signature = p.sign(secret, sign_method or method, sign_path or req.path_url, stamp, nonce,
                       body if sign_body is None else sign_body)
    headers = {p.H_KIOSK: kiosk, p.H_TIMESTAMP: stamp, p.H_NONCE: nonce, p.H_SIGNATURE: signature}
    req.headers.update({k: v for k, v in headers.items() if k not in drop})
    return req


def send(req: requests.PreparedRequest) -> requests.Response:
    with requests.Session() as s:
        return s.send(req, timeout=10)


def call(central, method: str, path: str, body: bytes = b"", **kw) -> requests.Response:  # noqa: ANN001
    return send(prepare(central.url, method, path, body, **kw))


def event(type_: str = "service.rendered", seq: int = 1, **payload) -> dict:  # noqa: ANN003
    payload = payload or {"service": "recruit", "counter": "2", "ticket_id": "t-1"}
    return {"id": str(uuid.uuid4()), "seq": seq, "type": type_,
            "occurred_at": datetime.now(UTC).isoformat(), "payload": payload}


def batch(*events: dict) -> bytes:
    return json.dumps({"events": list(events)}).encode()


def dump(db) -> dict[str, list[tuple]]:  # noqa: ANN001
    """Every row of every central table: what a refused request must leave unchanged."""
    out = {}
    with db.session() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table)).all()
            out[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
    return out


def data(db) -> dict[str, list[tuple]]:  # noqa: ANN001
    """``dump`` without the nonces, which every authenticated request adds to."""
    return {k: v for k, v in dump(db).items() if k != "nonces"}


def without_nonces(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "nonces"}


def count(db, model) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def assert_error(resp: requests.Response, status: int, code: str) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.text[:300])
    body = resp.json()
    p.ErrorReply.model_validate(body)
    assert body["error"] == code, body
    return body


@pytest.fixture
def before(central):
    """Central with some data in it (an event, a call per station), and a dump of it all."""
    resp = call(central, "POST", EVENTS, batch(event()))
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "accepted", resp.text
    with central.db.session() as s:
        central_calls.add(s, STATION, "A001", "1")
        central_calls.add(s, OTHER_STATION, "B001", "3")
    return dump(central.db)


# --- who is asking ------------------------------------------------------------------------------


def test_a_correctly_signed_request_is_served(central):
    resp = call(central, "GET", CONFIG)
    assert resp.status_code == 200, resp.text
    assert resp.json()["station_id"] == STATION
    assert float(resp.headers[p.H_SERVER_TIME]) == pytest.approx(time.time(), abs=5)


@pytest.mark.parametrize("method,path", [("GET", CONFIG), ("POST", EVENTS)])
def test_wrong_secret_is_refused_and_stores_nothing(central, before, method, path):
    body = batch(event()) if method == "POST" else b""
    resp = call(central, method, path, body, secret="not-the-secret-0123456789")
    assert_error(resp, 401, "bad_signature")
    # the other kiosk's secret is just as wrong for this kiosk
    resp = call(central, method, path, body, secret=OTHER_SECRET)
    assert_error(resp, 401, "bad_signature")
    assert dump(central.db) == before


def test_unknown_kiosk_is_refused(central, before):
    resp = call(central, "POST", EVENTS, batch(event()), kiosk="no-such-kiosk")
    assert_error(resp, 401, "unknown_kiosk")
    assert dump(central.db) == before


def test_disabled_kiosk_is_refused(central, before):
    from central.kiosks import disable

    assert disable(central.db, KIOSK)
    before = dump(central.db)
    resp = call(central, "POST", EVENTS, batch(event()))
    assert_error(resp, 401, "unknown_kiosk")
    assert dump(central.db) == before


@pytest.mark.parametrize("header", [p.H_KIOSK, p.H_TIMESTAMP, p.H_NONCE, p.H_SIGNATURE])
def test_a_missing_auth_header_is_refused(central, before, header):
    resp = call(central, "POST", EVENTS, batch(event()), drop=(header,))
    assert_error(resp, 401, "missing_auth")
    assert dump(central.db) == before


def test_no_auth_headers_at_all_is_refused_on_every_endpoint(central, before):
    for method, path in [("GET", f"{p.PREFIX}/feeds/vacancies"), ("GET", CONFIG),
                         ("GET", f"{p.PREFIX}/stations/{STATION}/calls"), ("POST", EVENTS),
                         ("POST", f"{p.PREFIX}/heartbeat")]:
        resp = requests.request(method, central.url + path, timeout=10,
                                data=batch(event()) if method == "POST" else None)
        assert_error(resp, 401, "missing_auth")
    assert dump(central.db) == before


def test_malformed_auth_headers_are_refused(central, before):
    resp = call(central, "GET", CONFIG, nonce="n" * 65)
    assert_error(resp, 401, "bad_signature")
    resp = call(central, "GET", CONFIG, kiosk="k" * 41)
    assert_error(resp, 401, "bad_signature")
    req = prepare(central.url, "GET", CONFIG)
    req.headers[p.H_SIGNATURE] = "zz" * 100
    assert_error(send(req), 401, "bad_signature")
    assert dump(central.db) == before


# --- replays and clocks --------------------------------------------------------------------------


def test_replayed_request_is_refused_and_not_applied_twice(central):
    ev = event()
    req = prepare(central.url, "POST", EVENTS, batch(ev))
    first = send(req)
    assert first.status_code == 200, first.text
    assert first.json()["results"] == [{"id": ev["id"], "status": "accepted", "reason": ""}]
    after_first = dump(central.db)
    second = send(req)  # byte for byte the same request
    assert_error(second, 401, "replayed_nonce")
    assert dump(central.db) == after_first
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.id == ev["id"])) == 1
        assert s.scalar(select(func.count()).select_from(ServiceRecord)
                        .where(ServiceRecord.event_id == ev["id"])) == 1


def test_a_used_nonce_cannot_be_reused_with_a_fresh_signature(central):
    nonce = secrets.token_hex(16)
    assert call(central, "GET", CONFIG, nonce=nonce).status_code == 200
    before = dump(central.db)
    resp = call(central, "POST", EVENTS, batch(event()), nonce=nonce)
    assert_error(resp, 401, "replayed_nonce")
    assert dump(central.db) == before
    # nonces are per kiosk: the other kiosk may happen to pick the same one
    resp = call(central, "GET", f"{p.PREFIX}/stations/{OTHER_STATION}/config", kiosk=OTHER_KIOSK,
                secret=OTHER_SECRET, nonce=nonce)
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize("offset", [-p.TIMESTAMP_WINDOW_S - 60, p.TIMESTAMP_WINDOW_S + 60, -86400])
def test_timestamp_outside_the_window_is_refused_with_the_server_time(central, before, offset):
    resp = call(central, "POST", EVENTS, batch(event()), ts=time.time() + offset)
    body = assert_error(resp, 401, "clock_skew")
    assert body["server_time"] == pytest.approx(time.time(), abs=5)
    assert float(resp.headers[p.H_SERVER_TIME]) == pytest.approx(time.time(), abs=5)
    assert dump(central.db) == before


def test_timestamp_that_is_not_a_number_is_refused(central, before):
    req = prepare(central.url, "GET", CONFIG)
    stamp, nonce = "yesterday", secrets.token_hex(16)
    req.headers.update({p.H_TIMESTAMP: stamp, p.H_NONCE: nonce,
                        p.H_SIGNATURE: p.sign(SECRET, "GET", req.path_url, stamp, nonce, b"")})
    assert_error(send(req), 401, "clock_skew")
    assert dump(central.db) == before


def test_timestamp_inside_the_window_is_accepted(central):
    assert call(central, "GET", CONFIG, ts=time.time() - p.TIMESTAMP_WINDOW_S + 30).status_code == 200
    assert call(central, "GET", CONFIG, ts=time.time() + p.TIMESTAMP_WINDOW_S - 30).status_code == 200


def test_client_with_a_clock_an_hour_off_corrects_itself_and_succeeds(central):
    client = make_client(central.url)
    client.clock_offset_s = -3600.0  # a kiosk that booted without its real-time clock
    events_before = count(central.db, Event)
    ev = p.EventIn.model_validate(event())
    reply, _ = client.call("POST", EVENTS, p.EventBatchReply, body=p.EventBatch(events=[ev]))
    assert [r.status for r in reply.results] == ["accepted"]
    assert abs(client.clock_offset_s) < 5  # learned from the refusal
    assert count(central.db, Event) == events_before + 1  # the refused first try stored nothing
    config, _ = client.call("GET", CONFIG, p.StationConfigReply)  # and the next request goes straight through
    assert config.station_id == STATION


# --- tampering -------------------------------------------------------------------------------------


def test_tampered_body_is_refused_and_stores_nothing(central, before):
    signed, sent = event(), event(type_="service.rendered", service="forged", counter="9")
    resp = call(central, "POST", EVENTS, batch(sent), sign_body=batch(signed))
    assert_error(resp, 401, "bad_signature")
    # one byte added at the end is enough
    body = batch(signed)
    resp = call(central, "POST", EVENTS, body + b" ", sign_body=body)
    assert_error(resp, 401, "bad_signature")
    assert dump(central.db) == before
    with central.db.session() as s:
        assert s.get(Event, sent["id"]) is None and s.get(Event, signed["id"]) is None


def test_tampered_query_is_refused(central, before):
    path = f"{p.PREFIX}/feeds/vacancies"
    assert call(central, "GET", path + "?limit=1").status_code == 200
    before = dump(central.db)
    resp = call(central, "GET", path + "?limit=2", sign_path=path + "?limit=1")
    assert_error(resp, 401, "bad_signature")
    resp = call(central, "GET", path + "?limit=1", sign_path=path)  # a query added on the way
    assert_error(resp, 401, "bad_signature")
    calls = f"{p.PREFIX}/stations/{STATION}/calls"
    resp = call(central, "GET", calls + "?after=0", sign_path=calls + "?after=5")
    assert_error(resp, 401, "bad_signature")
    assert dump(central.db) == before


def test_tampered_path_or_method_is_refused(central, before):
    resp = call(central, "GET", f"{p.PREFIX}/feeds/stations", sign_path=f"{p.PREFIX}/feeds/vacancies")
    assert_error(resp, 401, "bad_signature")
    # the other kiosk's signed request redirected to its station's neighbour
    resp = call(central, "GET", CONFIG, kiosk=OTHER_KIOSK, secret=OTHER_SECRET,
                sign_path=f"{p.PREFIX}/stations/{OTHER_STATION}/config")
    assert_error(resp, 401, "bad_signature")
    body = json.dumps({"sent_at": datetime.now(UTC).isoformat(), "app_version": "1", "boot_id": "b",
                       "uptime_s": 1, "outbox_pending": 0}).encode()
    resp = call(central, "POST", f"{p.PREFIX}/heartbeat", body, sign_method="PUT")
    assert_error(resp, 401, "bad_signature")
    assert dump(central.db) == before


def test_a_percent_encoded_path_is_checked_as_it_was_sent(central, before):
    """The signature covers the path as sent, percent-encoding and all (not the decoded path)."""
    encoded = f"{p.PREFIX}/stations/TJ%20%E5%8D%97%E5%B8%82/config"
    resp = call(central, "GET", encoded)
    assert_error(resp, 403, "forbidden")  # authenticated, then refused: someone else's station
    resp = call(central, "GET", f"{p.PREFIX}/feeds/vacancies%20")
    assert_error(resp, 404, "not_found")
    # a signature over the decoded path does not match what was sent
    resp = call(central, "GET", encoded, sign_path=f"{p.PREFIX}/stations/TJ 南市/config")
    assert_error(resp, 401, "bad_signature")
    assert data(central.db) == without_nonces(before)


# --- one station cannot see or change another's -----------------------------------------------------


def test_another_stations_config_and_calls_are_forbidden(central, before):
    for path in (f"{p.PREFIX}/stations/{OTHER_STATION}/config", f"{p.PREFIX}/stations/{OTHER_STATION}/calls",
                 f"{p.PREFIX}/stations/{OTHER_STATION}/calls?after=0&wait=1",
                 f"{p.PREFIX}/stations/NO-SUCH-STATION/config"):
        resp = call(central, "GET", path)
        body = assert_error(resp, 403, "forbidden")
        assert "B001" not in resp.text, body
    assert data(central.db) == without_nonces(before)
    # each kiosk sees its own station's calls, and only those
    own = call(central, "GET", f"{p.PREFIX}/stations/{STATION}/calls")
    assert own.status_code == 200, own.text
    assert [c["number"] for c in own.json()["calls"]] == ["A001"]
    other = call(central, "GET", f"{p.PREFIX}/stations/{OTHER_STATION}/calls", kiosk=OTHER_KIOSK,
                 secret=OTHER_SECRET)
    assert other.status_code == 200, other.text
    assert [c["number"] for c in other.json()["calls"]] == ["B001"]


def test_events_are_booked_to_the_senders_station_whatever_they_claim(central):
    ev = event(service="recruit", station_id=OTHER_STATION)
    resp = call(central, "POST", EVENTS, batch(ev))
    assert resp.json()["results"][0]["status"] == "accepted", resp.text
    with central.db.session() as s:
        assert s.get(Event, ev["id"]).station_id == STATION
        assert s.get(ServiceRecord, ev["id"]).station_id == STATION
        assert s.scalar(select(func.count()).select_from(ServiceRecord)
                        .where(ServiceRecord.station_id == OTHER_STATION)) == 0


def test_a_kiosk_cannot_overwrite_another_kiosks_event(central):
    ev = event(service="recruit", counter="3")
    resp = call(central, "POST", EVENTS, batch(ev), kiosk=OTHER_KIOSK, secret=OTHER_SECRET)
    assert resp.json()["results"][0]["status"] == "accepted", resp.text
    before = dump(central.db)
    forged = dict(ev, payload={"service": "forged", "counter": "1"})
    resp = call(central, "POST", EVENTS, batch(forged))
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert result["status"] == "rejected" and "another kiosk" in result["reason"]
    after = dump(central.db)
    for table in ("events", "service_records", "calls", "station_configs"):
        assert after[table] == before[table], table
    with central.db.session() as s:
        assert s.get(Event, ev["id"]).kiosk_id == OTHER_KIOSK
        assert s.get(ServiceRecord, ev["id"]).station_id == OTHER_STATION


# --- malformed and oversized requests: a 4xx, never a 500 ---------------------------------------------


def test_oversized_body_is_refused(central, before):
    big = batch(event(service="x" * (p.MAX_BODY_BYTES + 10)))
    assert len(big) > p.MAX_BODY_BYTES
    assert_error(call(central, "POST", EVENTS, big), 413, "too_large")
    # the same without a Content-Length (chunked), so the length is only known by reading
    req = prepare(central.url, "POST", EVENTS, big)
    del req.headers["Content-Length"]
    req.prepare_body(data=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]), files=None)
    assert "Content-Length" not in req.headers and req.headers.get("Transfer-Encoding") == "chunked"
    assert_error(send(req), 413, "too_large")
    assert dump(central.db) == before


@pytest.mark.parametrize("body", [b"{", b"not json", b"\xff\xfe\x00", b"[]", b"null", b'{"events": "x"}',
                                  b'{"events": []}', b"", b'{"events": ["not an event"]}',
                                  b'{"events": [], "extra": 1}'])
def test_malformed_event_batches_get_a_4xx_and_store_nothing(central, before, body):
    resp = call(central, "POST", EVENTS, body)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:300])
    if resp.status_code == 422:
        assert isinstance(resp.json()["detail"], list), resp.text
    else:  # e.g. 400 for a body that is not UTF-8: still the protocol's error reply
        p.ErrorReply.model_validate_json(resp.content)
    assert data(central.db) == without_nonces(before)
    assert count(central.db, Nonce) <= len(before["nonces"]) + 1  # at most this request's own


def test_events_with_values_out_of_range_are_rejected_one_by_one(central, before):
    """Each is answered on its own (tests/sync/test_event_judging.py has the batch mixed with good ones)."""
    for bad in (dict(event(), seq=2**70), dict(event(), seq=0), dict(event(), occurred_at="not a date"),
                dict(event(), type="x" * 41), dict(event(), payload=[1, 2])):
        resp = call(central, "POST", EVENTS, batch(bad))
        assert resp.status_code == 200, (bad, resp.status_code, resp.text[:300])
        assert resp.json()["results"][0]["status"] == "rejected", resp.text
    assert count(central.db, Event) == len(before["events"])
    assert count(central.db, RejectedEvent) == len(before["rejected_events"]) + 5


def test_text_and_numbers_the_databases_cannot_hold_are_refused(central):
    """NUL characters and lone surrogates are valid JSON but not PostgreSQL text or UTF-8: a 4xx or a
    rejected event, never a 500."""
    for text in ("a\u0000b", "\ud800"):
        for ev in (event(service=text, counter=text, ticket_id=text), event(type_="unknown." + text),
                   event(type_="feedback.given", score=5, comment=text)):
            resp = call(central, "POST", EVENTS, json.dumps({"events": [ev]}).encode())
            assert resp.status_code == 200, (ev, resp.status_code, resp.text[:300])
            assert resp.json()["results"][0]["status"] == "rejected", resp.text
        beat = {"sent_at": datetime.now(UTC).isoformat(), "app_version": text, "boot_id": text,
                "uptime_s": 1, "outbox_pending": 0, "devices": {text: {"state": text}}}
        resp = call(central, "POST", f"{p.PREFIX}/heartbeat", json.dumps(beat).encode())
        assert resp.status_code == 422, (text, resp.status_code, resp.text[:300])
    # the refusals were recorded, with the text made storable
    with central.db.session() as s:
        types = s.scalars(select(RejectedEvent.type)).all()
    assert "unknown.a\ufffdb" in types
    assert count(central.db, Event) == 0 and count(central.db, ServiceRecord) == 0
    # NaN and infinity are not JSON, but parsers accept them: refused, in the payload as anywhere else
    raw = json.dumps({"events": [event(type_="feedback.given", score=5, x="NAN")]}).replace('"NAN"', "NaN")
    resp = call(central, "POST", EVENTS, raw.encode())
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "rejected", resp.text
    beat = {"sent_at": "2024-05-01T09:00:00", "app_version": "1", "boot_id": "b", "outbox_pending": 0}
    for number in ("NaN", "Infinity", "-Infinity"):
        raw = json.dumps(beat)[:-1] + f', "uptime_s": 1, "clock_offset_s": {number}}}'
        resp = call(central, "POST", f"{p.PREFIX}/heartbeat", raw.encode())
        assert resp.status_code == 422, (number, resp.status_code, resp.text[:300])
    with central.db.session() as s:
        assert s.get(Kiosk, KIOSK).last_heartbeat is None
    far = dict(event(), occurred_at="9999-12-31T23:59:59-05:00")  # later than datetime.max in UTC
    resp = call(central, "POST", EVENTS, batch(far))
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "rejected", resp.text


def test_batch_over_the_limit_is_refused_and_one_at_the_limit_is_accepted(central, before):
    over = [event(seq=i + 1) for i in range(p.MAX_EVENTS_PER_BATCH + 1)]
    resp = call(central, "POST", EVENTS, batch(*over))
    assert resp.status_code == 422, resp.text[:300]
    assert count(central.db, Event) == len(before["events"])
    assert count(central.db, ServiceRecord) == len(before["service_records"])
    at = over[:p.MAX_EVENTS_PER_BATCH]
    resp = call(central, "POST", EVENTS, batch(*at))
    assert resp.status_code == 200, resp.text[:300]
    assert {r["status"] for r in resp.json()["results"]} == {"accepted"}
    assert count(central.db, Event) == len(before["events"]) + p.MAX_EVENTS_PER_BATCH


@pytest.mark.parametrize("cursor", ["garbage", "1.", ".5", "1.-3", "1.99999999999999999999", "x" * 200])
def test_feed_with_a_bad_cursor_is_a_400(central, cursor):
    resp = call(central, "GET", f"{p.PREFIX}/feeds/vacancies?cursor={cursor}")
    assert_error(resp, 400, "invalid_request")


def test_feed_cursor_over_the_length_limit_is_a_422(central):
    resp = call(central, "GET", f"{p.PREFIX}/feeds/vacancies?cursor={'1' * 201}")
    assert resp.status_code == 422, resp.text[:300]


def test_unknown_routes_and_methods_get_the_protocol_error_reply(central):
    assert_error(call(central, "GET", f"{p.PREFIX}/nothing-here"), 404, "not_found")
    resp = call(central, "DELETE", CONFIG)
    assert_error(resp, 405, "invalid_request")
    assert "GET" in resp.headers.get("Allow", "")


def test_unknown_feed_is_a_404(central):
    assert_error(call(central, "GET", f"{p.PREFIX}/feeds/passwords"), 404, "not_found")


@pytest.mark.parametrize("query", ["limit=0", f"limit={p.MAX_FEED_PAGE + 1}", "limit=abc", "limit=1e99"])
def test_feed_limit_out_of_range_is_a_422(central, query):
    resp = call(central, "GET", f"{p.PREFIX}/feeds/vacancies?{query}")
    assert resp.status_code == 422, resp.text[:300]


@pytest.mark.parametrize("query", ["wait=31", "wait=-1", "wait=nan", "wait=inf", "after=-1", f"after={2**63}",
                                   "after=abc"])
def test_calls_with_bad_parameters_are_a_422(central, query):
    resp = call(central, "GET", f"{p.PREFIX}/stations/{STATION}/calls?{query}")
    assert resp.status_code == 422, resp.text[:300]


def test_calls_long_poll_returns_a_call_made_while_waiting(central):
    req = prepare(central.url, "GET", f"{p.PREFIX}/stations/{STATION}/calls?after=0&wait=5")
    import threading

    result = {}
    waiter = threading.Thread(target=lambda: result.setdefault("resp", send(req)))
    waiter.start()
    time.sleep(0.5)
    with central.db.session() as s:
        central_calls.add(s, STATION, "A007", "2")
    waiter.join(10)
    resp = result["resp"]
    assert resp.status_code == 200, resp.text
    assert [c["number"] for c in resp.json()["calls"]] == ["A007"]
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(CallRecord)) == 1


# --- bodies are refused while they are read, on every route -------------------------------------


def _chunked(url: str, body: bytes, headers: dict | None = None) -> requests.Response:
    def chunks():
        for i in range(0, len(body), 65536):
            yield body[i:i + 65536]

    return requests.post(url, data=chunks(), headers=headers or {}, timeout=30)


@pytest.mark.parametrize("path,limit", [
    (EVENTS, p.MAX_BODY_BYTES), ("/staff/login", 32_000), ("/advisor/login", 32_000), ("/staff/logout", 32_000),
    ("/jobs/no-such-job/interest", 32_000),
])
def test_a_body_over_the_routes_limit_is_a_413_with_or_without_a_length(central, before, path, limit):
    from central.app import FORM_BODY_BYTES

    assert limit in (p.MAX_BODY_BYTES, FORM_BODY_BYTES)
    big = b"a=" + b"x" * (limit + 10)
    fake = {p.H_KIOSK: KIOSK, p.H_TIMESTAMP: f"{time.time():.3f}", p.H_NONCE: secrets.token_hex(16),
            p.H_SIGNATURE: "0" * 64, "Content-Type": "application/x-www-form-urlencoded"}
    resp = requests.post(central.url + path, data=big, headers=fake, timeout=30)
    assert resp.status_code == 413, (path, resp.status_code, resp.text[:200])
    resp = _chunked(central.url + path, big, fake)
    assert resp.status_code == 413, (path, resp.status_code, resp.text[:200])
    p.ErrorReply.model_validate_json(resp.content)
    # the staff pages make their cookie-signing secret on first use; nothing else may change
    unchanged = without_nonces(before) | {"settings": data(central.db)["settings"]}
    assert data(central.db) == unchanged
    assert call(central, "GET", CONFIG).status_code == 200  # and the server goes on serving


@pytest.mark.parametrize("header,value,code", [
    (p.H_TIMESTAMP, "nan", "clock_skew"), (p.H_TIMESTAMP, "inf", "clock_skew"), (p.H_TIMESTAMP, "1e9", "clock_skew"),
    (p.H_TIMESTAMP, "-1", "clock_skew"), (p.H_TIMESTAMP, "0x10", "clock_skew"),
    (p.H_TIMESTAMP, "1" * 40, "clock_skew"), (p.H_TIMESTAMP, "١٧٠٠٠٠٠٠٠٠", "clock_skew"),
    (p.H_NONCE, "A" * 32, "bad_signature"), (p.H_NONCE, "0" * 31, "bad_signature"),
    (p.H_NONCE, "g" * 32, "bad_signature"), (p.H_SIGNATURE, "0" * 63, "bad_signature"),
    (p.H_SIGNATURE, "F" * 64, "bad_signature"), (p.H_KIOSK, "kiosk/../x", "bad_signature"),
    (p.H_KIOSK, "亭", "bad_signature"), (p.H_KIOSK, "k" * 41, "bad_signature"),
])
def test_a_malformed_auth_header_is_a_401_before_any_lookup(central, before, header, value, code):
    req = prepare(central.url, "POST", EVENTS, batch(event()))
    req.headers[header] = value.encode() if not value.isascii() else value
    body = assert_error(send(req), 401, code)
    assert header in body["message"] and value not in body["message"]
    assert dump(central.db) == before  # not even a nonce stored
