"""Safe by default: ``seed`` makes no demo account unless asked, ``audit`` names every demo or
default secret and loose file, ``serve`` will not start on one without ``--demo``, and
``disable``/``enable`` work on staff, advisors and kiosks. The real CLI on both databases."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from central.__main__ import main
from central.db import Database
from kiosk.sync import protocol as p
from tests.sync.centralserver import free_port
from tests.sync.conftest import make_client

ROOT = Path(__file__).resolve().parents[2]
STATION = "TJ-AUDIT-01"


@pytest.fixture(params=["sqlite", "postgresql"])
def central_backend(request) -> str:
    return request.param


def cli(url: str, *args: str, capsys) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["--db", url, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _demo_install(url: str, capsys) -> None:  # noqa: ANN001
    assert cli(url, "seed", "--vacancies", "3", "--demo", capsys=capsys)[0] == 0
    assert cli(url, "register-kiosk", "k-demo", "--station", STATION, "--secret", "demo-secret-change-me",
               capsys=capsys)[0] == 0


class Serving:
    """``python -m central serve`` in a subprocess, on a free port."""

    def __init__(self, url: str, *extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "central", "--db", url, "serve", "--port",
                                      str(self.port), "--quiet", *extra], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def __enter__(self) -> Serving:
        while True:  # until it answers or exits (a refusal exits at once)
            if self.proc.poll() is not None:
                return self
            try:
                requests.get(self.base + "/staff/login", timeout=2)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.communicate(timeout=30)


def test_seed_makes_no_demo_account_unless_asked_and_a_clean_install_passes(central_db_url, capsys):
    code, out, _ = cli(central_db_url, "seed", "--vacancies", "3", capsys=capsys)
    assert code == 0 and "demo advisor" not in out
    code, out, err = cli(central_db_url, "audit", capsys=capsys)
    assert code == 0, out
    assert "FAIL" not in out and "0 FAIL" in err
    assert "demo advisor accounts enabled: none" in out


def test_a_demo_install_fails_the_audit_and_serve_refuses_it_until_fixed(central_db_url, capsys):
    _demo_install(central_db_url, capsys)
    code, out, err = cli(central_db_url, "audit", capsys=capsys)
    assert code == 1 and "2 FAIL" in err
    assert "FAIL  demo advisor accounts enabled: demo-advisor" in out
    assert "python -m central disable advisor demo-advisor" in out
    assert "FAIL  kiosks with a demo or short secret: k-demo" in out and "register-kiosk" in out
    code, _, err = cli(central_db_url, "serve", "--port", str(free_port()), capsys=capsys)
    assert code == 2 and "demo-advisor" in err and "k-demo" in err and "--demo" in err
    # --demo starts it as today: plain cookies, no HSTS (a demo on a laptop has no TLS)
    with Serving(central_db_url, "--demo") as srv:
        assert srv.proc.poll() is None, srv.proc.stderr.read()
        assert "Strict-Transport-Security" not in requests.get(srv.base + "/staff/login", timeout=10).headers
    # fixed as the message says: the audit passes and serve starts, in production mode
    assert cli(central_db_url, "disable", "advisor", "demo-advisor", capsys=capsys)[0] == 0
    assert cli(central_db_url, "register-kiosk", "k-demo", "--station", STATION, capsys=capsys)[0] == 0
    code, out, _ = cli(central_db_url, "audit", capsys=capsys)
    assert code == 0, out
    from central.staff_auth import add_staff

    add_staff(Database(central_db_url), STATION, "李明", "a-long-enough-pass")
    with Serving(central_db_url) as srv:
        assert srv.proc.poll() is None, srv.proc.stderr.read()
        resp = requests.get(srv.base + "/staff/login", timeout=10)
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        login = requests.post(srv.base + "/staff/login", timeout=10, allow_redirects=False,
                              headers={"Origin": srv.base},
                              data={"station": STATION, "counter": "1", "name": "李明",
                                    "password": "a-long-enough-pass"})
        assert login.status_code == 303, login.text[:300]
        cookie = login.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_a_sqlite_file_is_made_owner_only_and_a_loose_one_fails_the_audit(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'data' / 'central.db'}"
    assert cli(url, "seed", "--vacancies", "1", capsys=capsys)[0] == 0
    files = [f for f in (tmp_path / "data").iterdir()]
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), [
        (f.name, oct(f.stat().st_mode)) for f in files]
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    os.chmod(tmp_path / "data" / "central.db", 0o644)
    os.chmod(tmp_path / "data", 0o755)
    from central import audit

    loose = [c for c in audit.file_checks(tmp_path / "data" / "central.db") if not c.ok]
    assert [c.what for c in loose] == [f"{tmp_path / 'data' / 'central.db'} is 0644", f"folder {tmp_path / 'data'} is 0755"]
    assert loose[0].fix == f"chmod 600 {tmp_path / 'data' / 'central.db'}"
    # any command that opens the database tightens the file again; the folder is the operator's to fix
    code, out, _ = cli(url, "audit", capsys=capsys)
    assert code == 1
    assert f"OK    {tmp_path / 'data' / 'central.db'} is 0600" in out
    assert f"FAIL  folder {tmp_path / 'data'} is 0755" in out and f"fix: chmod 700 {tmp_path / 'data'}" in out


def test_disable_and_enable_a_kiosk_an_advisor_and_a_staff_account(central, capsys):
    from central.consult import add_advisor
    from central.staff_auth import LoginFailed, add_staff, login
    from tests.sync.centralserver import KIOSK
    from tests.sync.centralserver import STATION as KIOSK_STATION

    url = central.db.url
    client = make_client(central.url)
    config = f"{p.PREFIX}/stations/{KIOSK_STATION}/config"
    assert client.call("GET", config, p.StationConfigReply)[0].station_id == KIOSK_STATION
    assert cli(url, "disable", "kiosk", KIOSK, capsys=capsys)[0] == 0
    resp = requests.get(central.url + config, timeout=10)  # unsigned: missing_auth; signed: refused
    assert resp.status_code == 401
    from kiosk.sync.client import Refused

    with pytest.raises(Refused) as e:
        client.call("GET", config, p.StationConfigReply)
    assert "disabled" in str(e.value)
    assert cli(url, "enable", "kiosk", KIOSK, capsys=capsys)[0] == 0
    assert client.call("GET", config, p.StationConfigReply)[0].station_id == KIOSK_STATION

    add_staff(central.db, KIOSK_STATION, "王芳", "2468-long-pass")
    code, out, _ = cli(url, "disable", "staff", "王芳", "--station", KIOSK_STATION, capsys=capsys)
    assert code == 0 and "its sessions ended" in out
    with pytest.raises(LoginFailed):
        login(central.db, KIOSK_STATION, "王芳", "2468-long-pass")
    assert cli(url, "enable", "staff", "王芳", "--station", KIOSK_STATION, capsys=capsys)[0] == 0
    assert login(central.db, KIOSK_STATION, "王芳", "2468-long-pass").name == "王芳"

    with central.db.session() as s:
        add_advisor(s, "adv-1", "advisor-pass-123", display_name="张顾问")
    assert cli(url, "disable", "advisor", "adv-1", capsys=capsys)[0] == 0
    page = requests.post(central.url + "/advisor/login", data={"login": "adv-1", "password": "advisor-pass-123"},
                         headers={"Origin": central.url}, allow_redirects=False, timeout=10)
    assert page.status_code == 401
    assert cli(url, "enable", "advisor", "adv-1", capsys=capsys)[0] == 0
    page = requests.post(central.url + "/advisor/login", data={"login": "adv-1", "password": "advisor-pass-123"},
                         headers={"Origin": central.url}, allow_redirects=False, timeout=10)
    assert page.status_code == 303
    code, _, err = cli(url, "disable", "kiosk", "no-such-kiosk", capsys=capsys)
    assert code == 2 and "no kiosk no-such-kiosk" in err


def test_central_logs_mask_personal_data_in_messages_and_exceptions(tmp_path):
    """``serve`` logs through uvicorn's handlers too: an exception quoting an ID number is masked."""
    script = (
        "import logging, sys\n"
        "from central.__main__ import redact_logs\n"
        "import uvicorn\n"
        "from central.app import create_app\n"
        "from central.db import Database\n"
        f"db = Database('sqlite:///{tmp_path}/c.db'); db.migrate()\n"
        "uvicorn.Config(create_app(db), log_level='info')\n"
        "redact_logs()\n"
        "log = logging.getLogger('uvicorn.error')\n"
        "try:\n"
        "    raise ValueError('bad 12010419800101123X 13812345678')\n"
        "except ValueError:\n"
        "    log.exception('failed for 12010419800101123X')\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "12010419800101123X" not in proc.stderr and "13812345678" not in proc.stderr
    assert "failed for 120104********123X" in proc.stderr and "ValueError: bad 120104********123X" in proc.stderr


def test_the_personal_data_key_comes_from_outside_the_data_or_the_audit_fails(tmp_path, monkeypatch):
    from central import audit, crypto

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    monkeypatch.delenv(crypto.ENV_KEY_FILE, raising=False)
    old = crypto.ring()
    try:
        crypto.use(None)  # a demo: no ring configured, one is made beside the data
        (check, mode) = audit.data_key_checks()
        assert not check.ok and "var/central-data.key" in check.what and crypto.ENV_KEY_FILE in check.fix
        assert mode.ok and mode.what.endswith("is 0600")
        assert crypto.ring().open(crypto.ring().seal("x")) == "x"
        key_file = tmp_path / "data.key"
        key_file.write_text(crypto.new_key_line("k1") + "\n")
        os.chmod(key_file, 0o644)
        monkeypatch.setenv(crypto.ENV_KEY_FILE, str(key_file))
        crypto.use(None)
        (check, mode) = audit.data_key_checks()
        assert check.ok and "sealing with 'k1'" in check.what
        assert not mode.ok and mode.fix == f"chmod 600 {key_file}"
        key_file.write_text("k1:not base64!\n")
        crypto.use(None)
        (check,) = audit.data_key_checks()
        assert not check.ok and "not base64" in check.what
    finally:
        crypto.use(old)


def test_the_data_key_commands(central_db_url, capsys):
    from central import crypto

    code, out, _ = cli(central_db_url, "new-data-key", capsys=capsys)
    assert code == 0 and len(crypto.parse(out.strip(), "printed").ids) == 1
    assert cli(central_db_url, "seed", "--vacancies", "1", capsys=capsys)[0] == 0
    code, out, err = cli(central_db_url, "rotate-data-key", capsys=capsys)
    assert code == 0 and "re-sealed 0 values with key 'test'" in out and "tables" in err
