"""Property-based fuzzing of the sync API from its own OpenAPI spec (schemathesis).

Every operation gets schema-valid and schema-breaking requests, signed like a kiosk signs them,
so they reach the handlers rather than stopping at the 401; on SQLite and on PostgreSQL. No
request may get a 5xx, and the replies must match the spec. The same fuzzing without a
signature must get a 4xx every time and leave central's data as it was.
"""

from __future__ import annotations

import secrets
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kiosk.sync import protocol as p
from tests.sync.centralserver import KIOSK, SECRET, STATION
from tests.sync.test_security import dump, without_nonces

MAX_EXAMPLES = 30
#: The calls long-poll may hold a request for up to 30 s; fuzzing needs no more than a taste of it.
MAX_WAIT_S = 0.3


class KioskSignature(requests.auth.AuthBase):
    """Signs the request exactly as it goes on the wire (body bytes, path and encoded query)."""

    def __init__(self, kiosk_id: str = KIOSK, secret: str = SECRET) -> None:
        self.kiosk_id, self.secret = kiosk_id, secret

    def __call__(self, req: requests.PreparedRequest) -> requests.PreparedRequest:
        body = req.body or b""
        if isinstance(body, str):
            body = body.encode()
        ts, nonce = f"{time.time():.3f}", secrets.token_hex(16)
        req.headers.update({p.H_KIOSK: self.kiosk_id, p.H_TIMESTAMP: ts, p.H_NONCE: nonce,
                            p.H_SIGNATURE: p.sign(self.secret, req.method, req.path_url, ts, nonce, body)})
        return req


def operations(schema):  # noqa: ANN001, ANN201
    # the kiosk sync API; the staff console's pages and session API have their own tests (tests/central)
    ops = [op for op in (result.ok() for result in schema.get_all_operations()) if op.path.startswith(p.PREFIX)]
    assert {op.label for op in ops} >= {
        f"GET {p.PREFIX}/feeds/{{feed}}", f"POST {p.PREFIX}/events", f"POST {p.PREFIX}/heartbeat",
        f"GET {p.PREFIX}/stations/{{station_id}}/config", f"GET {p.PREFIX}/stations/{{station_id}}/calls",
    }, [op.label for op in ops]
    return ops


def strategy(op, mode: GenerationMode):  # noqa: ANN001, ANN201
    """Cases for ``op``; half of those with a station in the path name the kiosk's own station."""
    strategies = [op.as_strategy(generation_mode=mode)]
    if "{station_id}" in op.path:
        strategies.append(op.as_strategy(generation_mode=mode, path_parameters={"station_id": STATION}))
    if "{feed}" in op.path:
        strategies.append(op.as_strategy(generation_mode=mode, path_parameters={"feed": "vacancies"}))
    return st.one_of(strategies)


def shorten_wait(case) -> None:  # noqa: ANN001
    if isinstance(case.query, dict) and "wait" in case.query:
        try:
            wait = float(case.query["wait"])
        except (TypeError, ValueError):
            return  # not a number: refused at once
        if wait == wait and wait > MAX_WAIT_S:  # NaN and out-of-range values are refused at once too
            case.query["wait"] = MAX_WAIT_S if wait <= p.MAX_CALLS_WAIT_S else wait


def fuzz(schema, mode: GenerationMode, check, examples: int = MAX_EXAMPLES) -> list[str]:  # noqa: ANN001
    """Run ``check(op, case)`` on ``examples`` cases per operation; returns the failures."""
    failures: list[str] = []
    for op in operations(schema):
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=strategy(op, mode))
        def run(case) -> None:  # noqa: ANN001
            shorten_wait(case)
            try:
                check(op, case)
            except AssertionError as e:  # keep going: report every operation that fails, not only the first
                failures.append(f"{op.label} [{mode.value}]: {str(e)[:1500]}")
                raise

        try:
            run()
        except AssertionError:
            pass
        except Unsatisfiable:
            # nothing of the operation can be made invalid (e.g. GET /feeds/{feed}/snapshot, whose only
            # input is a free string): there is no negative case to send
            assert mode is GenerationMode.NEGATIVE, f"{op.label}: no positive case could be generated"
    return failures


@pytest.fixture
def session():
    with requests.Session() as s:
        yield s


@pytest.fixture
def schema(central):
    return schemathesis.openapi.from_url(central.url + "/openapi.json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_signed_fuzzing_never_gets_a_server_error(central, schema, session, mode):
    statuses: dict[str, set[int]] = {}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]

    def check(op, case) -> None:  # noqa: ANN001
        response = case.call(base_url=central.url, session=session, auth=KioskSignature(), timeout=15)
        statuses.setdefault(op.label, set()).add(response.status_code)
        sent = f"{case.method} {response.request.url}"
        assert response.status_code < 500, f"{sent} -> {response.status_code}: {response.text[:300]}"
        # the signature is never what refused the request
        assert response.status_code != 401, f"{sent} -> {response.text[:300]}"
        case.validate_response(response, checks=checks)

    failures = fuzz(schema, mode, check)
    assert not failures, "\n\n".join(failures)
    if mode is GenerationMode.POSITIVE:
        # valid requests got through to the handlers: every operation answered 2xx at least once
        # (a consultation request needs an advisor online and its own id: tests/central/test_consult_api.py)
        # nor can a random booking find a station's service, a free slot, a booking or a token
        # (tests/sync/test_appointments.py), nor a random order id an order given to this kiosk
        # (tests/sync/test_orders.py), nor a random version a published release (tests/sync/test_updates.py),
        # nor a feed a vacancy image before one is published (tests/central/test_feed_images.py)
        stateful = [label for label in statuses if label.startswith(f"POST {p.PREFIX}/consult/requests")
                    or label.startswith(f"GET {p.PREFIX}/consult/requests/")
                    or label.endswith(("/feeds/{feed}/image", "/feeds/{feed}/image/data"))
                    or label.split(" ", 1)[1].startswith((f"{p.PREFIX}/appointments", f"{p.PREFIX}/orders/",
                                                                  f"{p.PREFIX}/releases/"))]
        assert all(any(200 <= s < 300 for s in codes) for label, codes in statuses.items()
                   if label not in stateful), statuses


def test_unsigned_fuzzing_gets_a_4xx_and_changes_nothing(central, schema, session):
    before = dump(central.db)

    def check(op, case) -> None:  # noqa: ANN001
        response = case.call(base_url=central.url, session=session, timeout=15)
        assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
        case.validate_response(response, checks=[not_a_server_error])

    failures = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        failures += fuzz(schema, mode, check, examples=MAX_EXAMPLES // 2)
    assert not failures, "\n\n".join(failures)
    assert dump(central.db) == before


def test_fuzzed_auth_headers_get_a_4xx_and_change_nothing(central, schema, session):
    """The spec declares the four auth headers in the shapes central accepts; schemathesis sends
    values inside and outside those shapes (unsigned, so none can be right): always a 4xx, never a
    lookup that fails with a 5xx, and nothing stored."""
    before = dump(central.db)
    seen: set[str] = set()

    def check(op, case) -> None:  # noqa: ANN001
        headers = case.headers or {}
        seen.update(k for k in headers if k.startswith("X-"))
        response = case.call(base_url=central.url, session=session, timeout=15)
        assert 400 <= response.status_code < 500, f"{headers} -> {response.status_code}: {response.text[:300]}"
        case.validate_response(response, checks=[not_a_server_error])

    failures = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        failures += fuzz(schema, mode, check, examples=MAX_EXAMPLES // 2)
    assert not failures, "\n\n".join(failures)
    assert seen >= {p.H_KIOSK, p.H_TIMESTAMP, p.H_NONCE, p.H_SIGNATURE}, seen
    assert without_nonces(dump(central.db)) == without_nonces(before)


def _pages_spec(url: str) -> dict:
    """The staff and advisor pages are kept out of the public spec; this one lists them, each with
    its path parameters and its session cookie, for schemathesis to fuzz."""
    import re

    from central.app import create_app
    from central.db import Database

    def flat(routes):  # noqa: ANN001, ANN202 - included routers hold their routes in the router
        for r in routes:
            inner = getattr(r, "original_router", None)
            yield from flat(inner.routes) if inner is not None else (r,)

    app = create_app(Database("sqlite://"))
    paths: dict[str, dict] = {}
    for route in flat(app.routes):
        path = getattr(route, "path", "")
        cookie = "jincai_staff" if path.startswith("/staff/") else "jincai_advisor" if path.startswith(
            "/advisor/") else None
        if cookie is None:
            continue
        params = [{"in": "path", "name": n, "required": True, "schema": {"type": "string", "minLength": 1}}
                  for n in re.findall(r"{(\w+)}", path)]
        params.append({"in": "cookie", "name": cookie, "required": True, "schema": {"type": "string"}})
        for method in sorted(getattr(route, "methods", ()) - {"HEAD"}):
            paths.setdefault(path, {})[method.lower()] = {"parameters": params,
                                                          "responses": {"default": {"description": "any"}}}
    return {"openapi": "3.0.3", "info": {"title": "pages", "version": "1"}, "servers": [{"url": url}],
            "paths": paths}


def test_fuzzed_session_cookies_on_the_staff_and_advisor_pages_never_get_a_5xx(central, schema, session):
    """Every staff and advisor operation with its session cookie fuzzed (and its other inputs):
    a login page, a redirect or a 4xx, never a 5xx."""
    pages = schemathesis.openapi.from_dict(_pages_spec(central.url))
    ops = [r.ok() for r in pages.get_all_operations()]
    assert len(ops) > 10, [op.label for op in ops]
    cookies_sent: set[str] = set()
    failures: list[str] = []
    for op in ops:
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(op.as_strategy(generation_mode=GenerationMode.POSITIVE),
                              op.as_strategy(generation_mode=GenerationMode.NEGATIVE)))
        def run(case) -> None:  # noqa: ANN001
            cookies_sent.update(case.cookies or {})
            response = case.call(base_url=central.url, session=session, timeout=15, allow_redirects=False)
            session.cookies.clear()
            if response.status_code >= 500:
                failures.append(f"{case.operation.label} cookies={case.cookies!r} -> {response.status_code}: "
                                f"{response.text[:300]}")

        try:
            run()
        except Unsatisfiable:
            pass
    assert not failures, "\n\n".join(failures[:10])
    assert cookies_sent >= {"jincai_staff", "jincai_advisor"}, cookies_sent
