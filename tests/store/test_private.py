"""The kiosk's data at rest is its own: the data directory 0700 and its files 0600, a key file
others can read refused with the fix, and a key kept outside the data directory."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store.engine import open_store
from kiosk.store.outbox import KEY_FILE, OutboxCipher, OutboxKeyError
from kiosk.store.private import secure_data_dir

ROOT = Path(__file__).resolve().parents[2]


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_a_new_database_and_its_wal_are_owner_only(tmp_path):
    store = open_store(tmp_path / "data" / "kiosk.db")
    try:
        store.set_setting("x", "1")
        files = sorted(p.name for p in (tmp_path / "data").iterdir())
        assert "kiosk.db" in files and "kiosk.db-wal" in files
        assert {f: mode(tmp_path / "data" / f) for f in files} == {f: 0o600 for f in files}
        assert mode(tmp_path / "data") == 0o700
    finally:
        store.close()


def test_a_loose_data_dir_is_tightened_but_the_key_is_only_checked(tmp_path):
    data = tmp_path / "var"
    (data / "fonts").mkdir(parents=True)
    for name in ("kiosk.db", "kiosk.log", "fonts/cache.bin", KEY_FILE):
        (data / name).write_bytes(os.urandom(32))
        os.chmod(data / name, 0o644)
    os.chmod(data, 0o755)
    old_umask = os.umask(0o022)
    try:
        fixed = secure_data_dir(data, keep=(KEY_FILE,))
    finally:
        os.umask(old_umask)
    assert mode(data) == 0o700 and mode(data / "fonts") == 0o700
    assert [mode(data / n) for n in ("kiosk.db", "kiosk.log", "fonts/cache.bin")] == [0o600] * 3
    assert mode(data / KEY_FILE) == 0o644 and data / KEY_FILE not in fixed  # never changed silently
    with pytest.raises(OutboxKeyError) as e:
        OutboxCipher.from_data_dir(data)
    assert f"chmod 600 {data / KEY_FILE}" in str(e.value) and "0644" in str(e.value)
    os.chmod(data / KEY_FILE, 0o600)
    assert OutboxCipher.from_data_dir(data).open("e1", OutboxCipher.from_data_dir(data).seal("e1", b"x")) == b"x"


def test_a_first_key_is_made_owner_only(tmp_path):
    OutboxCipher.from_data_dir(tmp_path / "new")
    assert mode(tmp_path / "new" / KEY_FILE) == 0o600 and mode(tmp_path / "new") == 0o700


def test_a_key_kept_outside_the_data_dir(tmp_path):
    key = tmp_path / "credentials" / "outbox.key"
    with pytest.raises(OutboxKeyError) as e:
        OutboxCipher.from_data_dir(tmp_path / "var", key)
    assert "does not exist" in str(e.value) and "head -c 32 /dev/urandom" in str(e.value)
    assert not key.exists() and not (tmp_path / "var" / KEY_FILE).exists()  # never made here
    key.parent.mkdir()
    key.write_bytes(os.urandom(32))
    os.chmod(key, 0o400)  # as systemd hands a credential over
    blob = OutboxCipher.from_data_dir(tmp_path / "var", key).seal("e1", b"secret")
    assert OutboxCipher.from_data_dir(tmp_path / "other", key).open("e1", blob) == b"secret"
    assert not (tmp_path / "var" / KEY_FILE).exists()
    os.chmod(key, 0o640)
    with pytest.raises(OutboxKeyError):
        OutboxCipher.from_data_dir(tmp_path / "var", key)


def test_the_kiosk_will_not_start_with_a_key_others_can_read(tmp_path):
    (tmp_path / KEY_FILE).write_bytes(os.urandom(32))
    os.chmod(tmp_path / KEY_FILE, 0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK")}
    env.update({"KIOSK__DATA_DIR": str(tmp_path), "SDL_VIDEODRIVER": "offscreen"})
    p = subprocess.run([sys.executable, "-m", "kiosk", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2, p.stderr[-1000:]
    assert "will not start" in p.stderr and f"chmod 600 {tmp_path / KEY_FILE}" in p.stderr
    assert mode(tmp_path) == 0o700  # the rest was tightened on the way
