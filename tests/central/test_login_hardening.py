"""Logins and sessions hold up to an attacker: logout and a new password end a session on the
server (an old cookie is dead at once), guessing is limited per address without locking anyone
out, and an unknown name answers exactly like a known one. Real central over HTTP, both
databases; the attacks in headless Chromium too."""

from __future__ import annotations

import hashlib
import re

import pytest
import requests

from central import passwords
from central.consult import add_advisor
from central.login_guard import PER_ADDRESS, LoginGuard
from central.staff_auth import add_staff
from tests.browser import needs_chromium
from tests.sync.centralserver import STATION

ADVISOR = ("adv-wang", "advisor-pass-9")


def _accounts(central) -> None:  # noqa: ANN001
    add_staff(central.db, STATION, "王芳", "2468-pass")
    with central.db.session() as s:
        add_advisor(s, *ADVISOR, display_name="王顾问")


pytestmark = pytest.mark.central(station_name="和平区南市街就业驿站", setup=_accounts)


@pytest.fixture(params=["sqlite", "postgresql"])
def central_backend(request) -> str:
    return request.param


def _staff_login(http: requests.Session, url: str, name: str = "王芳", password: str = "2468-pass",
                 address: str = "10.0.0.1") -> requests.Response:
    return http.post(f"{url}/staff/login", data={"station": STATION, "counter": "1", "name": name,
                                                 "password": password},
                     headers={"Origin": url, "X-Forwarded-For": address}, allow_redirects=False, timeout=30)


def _advisor_login(http: requests.Session, url: str, login: str = ADVISOR[0], password: str = ADVISOR[1],
                   address: str = "10.0.0.1") -> requests.Response:
    return http.post(f"{url}/advisor/login", data={"login": login, "password": password},
                     headers={"Origin": url, "X-Forwarded-For": address}, allow_redirects=False, timeout=30)


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"|csrf["\']?\s*[:=]\s*["\']([^"\']+)', page).group(1)


def _error(page: str) -> str:
    return re.search(r'class="error"[^>]*>([^<]*)<', page).group(1)


def test_a_staff_cookie_is_dead_after_logout_and_after_a_new_password(central):
    http = requests.Session()
    assert _staff_login(http, central.url).status_code == 303
    old = http.cookies.get("jincai_staff", path="/staff")
    assert http.get(f"{central.url}/staff/", allow_redirects=False, timeout=30).status_code == 200
    csrf = re.search(r'name="csrf-token" content="([^"]+)"|"csrf":\s*"([^"]+)"|value="([^"]{20,})"',
                     http.get(f"{central.url}/staff/", timeout=30).text)
    token = next(g for g in csrf.groups() if g)
    assert http.post(f"{central.url}/staff/logout", data={"csrf": token}, headers={"Origin": central.url},
                     allow_redirects=False, timeout=30).status_code == 303
    replay = requests.get(f"{central.url}/staff/", cookies={"jincai_staff": old}, allow_redirects=False, timeout=30)
    assert replay.status_code in (302, 303, 307) and "/staff/login" in replay.headers["location"]

    other = requests.Session()
    assert _staff_login(other, central.url).status_code == 303
    kept = other.cookies.get("jincai_staff", path="/staff")
    add_staff(central.db, STATION, "王芳", "new-pass-1357")  # what `add-staff --password` does
    replay = requests.get(f"{central.url}/staff/", cookies={"jincai_staff": kept}, allow_redirects=False, timeout=30)
    assert replay.status_code in (302, 303, 307)


def test_an_advisor_cookie_is_dead_after_logout_and_after_a_new_password(central):
    http = requests.Session()
    assert _advisor_login(http, central.url).status_code == 303
    old = http.cookies.get("jincai_advisor", path="/advisor")
    state = http.get(f"{central.url}/advisor/api/state", timeout=30)
    assert state.status_code == 200, state.text[:200]
    page = http.get(f"{central.url}/advisor/", timeout=30).text
    token = re.search(r'csrf[^"\']*["\']\s*(?:content|value)?=?\s*["\']([A-Za-z0-9_-]{20,})', page).group(1)
    assert http.post(f"{central.url}/advisor/logout", data={"csrf": token}, headers={"Origin": central.url},
                     allow_redirects=False, timeout=30).status_code == 303
    replay = requests.get(f"{central.url}/advisor/api/state", cookies={"jincai_advisor": old}, timeout=30)
    assert replay.status_code == 401

    other = requests.Session()
    assert _advisor_login(other, central.url).status_code == 303
    kept = other.cookies.get("jincai_advisor", path="/advisor")
    with central.db.session() as s:
        add_advisor(s, ADVISOR[0], "another-pass-42", display_name="王顾问")
    assert requests.get(f"{central.url}/advisor/api/state", cookies={"jincai_advisor": kept},
                        timeout=30).status_code == 401


def test_unknown_and_known_names_answer_alike_with_the_same_hashing_work(central, monkeypatch):
    calls = []
    real = hashlib.scrypt

    def counted(*a, **kw):  # noqa: ANN002, ANN003
        calls.append(1)
        return real(*a, **kw)

    passwords._dummy_hash()  # made once per process: not part of either answer
    monkeypatch.setattr(passwords.hashlib, "scrypt", counted)
    answers = {}
    for who in ("王芳", "没有这个人"):
        calls.clear()
        r = _staff_login(requests.Session(), central.url, name=who, password="wrong-pass", address=f"10.1.0.{len(answers)}")
        answers[who] = (r.status_code, _error(r.text), len(calls))
    assert answers["王芳"] == answers["没有这个人"] == (401, "驿站、姓名或密码不对", 1)
    for who in (ADVISOR[0], "nobody-here"):
        calls.clear()
        r = _advisor_login(requests.Session(), central.url, login=who, password="wrong-pass",
                           address=f"10.2.0.{len(answers)}")
        answers[who] = (r.status_code, _error(r.text), len(calls))
    assert answers[ADVISOR[0]] == answers["nobody-here"] == (401, "账号或密码不对", 1)


def test_one_address_is_limited_and_the_others_are_not(central):
    http = requests.Session()
    codes = [_staff_login(http, central.url, name=f"猜{i}", password="x", address="10.3.3.3").status_code
             for i in range(PER_ADDRESS + 2)]
    assert codes[:PER_ADDRESS] == [401] * PER_ADDRESS and codes[PER_ADDRESS:] == [429, 429]
    limited = _staff_login(http, central.url, address="10.3.3.3")  # even the right password waits
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert _staff_login(requests.Session(), central.url, address="10.4.4.4").status_code == 303
    assert _advisor_login(requests.Session(), central.url, address="10.3.3.3").status_code == 429


def test_the_guard_forgets_failures_once_their_window_has_passed():
    now = [0.0]
    guard = LoginGuard(clock=lambda: now[0])
    for _ in range(5):
        assert guard.attempt("a") == 0
        guard.failed("a", "王芳")
    assert guard.blocked("a", "王芳") > 0 and guard.blocked("b", "王芳") == 0 and guard.blocked("a", "李明") == 0
    now[0] += 15 * 60 + 1
    assert guard.blocked("a", "王芳") == 0
    guard.failed("a", "王芳")
    guard.succeeded("a", "王芳")
    assert guard.blocked("a", "王芳") == 0


# --- the same attacks in a real browser ----------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_a_copied_staff_cookie_is_useless_after_logout_in_the_browser(central, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{central.url}/staff/login?station={STATION}&counter=1")
    page.fill("#name", "王芳")
    page.fill("#password", "2468-pass")
    page.click("#login")
    page.wait_for_selector("#cur-number")
    stolen = [c for c in ctx.cookies() if c["name"] == "jincai_staff"]
    assert stolen and stolen[0]["httpOnly"]
    page.click("#logout") if page.locator("#logout").count() else page.locator("text=退出").first.click()
    page.wait_for_url("**/staff/login**")
    thief = browser.new_context(locale="zh-CN")
    thief.add_cookies(stolen)
    p2 = thief.new_page()
    p2.goto(f"{central.url}/staff/")
    assert "/staff/login" in p2.url and p2.locator("#password").count() == 1
    # and the login form tells a name that does not exist apart from a wrong password in no way
    p2.goto(f"{central.url}/staff/login?station={STATION}&counter=1")
    p2.fill("#name", "没有这个人")
    p2.fill("#password", "whatever")
    p2.click("#login")
    unknown = p2.inner_text(".error")
    p2.fill("#name", "王芳")
    p2.fill("#password", "whatever")
    p2.click("#login")
    assert p2.inner_text(".error") == unknown == "驿站、姓名或密码不对"
    thief.close()
    ctx.close()


@pytest.mark.browser
@needs_chromium
def test_an_advisor_session_ends_in_every_browser_when_the_password_changes(central, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(central.url + "/advisor/login")
    page.fill("#login", ADVISOR[0])
    page.fill("#password", ADVISOR[1])
    page.click("#do-login")
    page.wait_for_url("**/advisor/")
    with central.db.session() as s:
        add_advisor(s, ADVISOR[0], "a-brand-new-pass", display_name="王顾问")
    page.goto(central.url + "/advisor/callbacks")
    assert "/advisor/login" in page.url or page.locator("#password").count() == 1
    ctx.close()
