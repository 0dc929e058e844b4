"""`python -m kiosk paused`, what systemd runs after a crash loop, tells a real central so the
fleet sees it, and says so plainly when central cannot be told."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from central.models import Kiosk
from tests.sync.centralserver import KIOSK, SECRET, STATION, free_port

ROOT = Path(__file__).resolve().parents[2]


def paused(url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK")}
    env.update(KIOSK__CENTRAL__URL=url, KIOSK__CENTRAL__ENABLED="true", KIOSK__CENTRAL__KIOSK_ID=KIOSK,
               KIOSK__CENTRAL__SECRET=SECRET, KIOSK__STATION__ID=STATION, KIOSK__DATA_DIR=str(tmp_path),
               KIOSK__CENTRAL__CONNECT_TIMEOUT_S="2")
    return subprocess.run([sys.executable, "-m", "kiosk", "paused", "--once", "--reason", "5 restarts in 2 min"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_crash_loop_reaches_central_as_the_kiosks_health(central, tmp_path):
    proc = paused(central.url, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "暂停服务: 5 restarts in 2 min" in proc.stderr
    with central.db.session() as s:
        beat = s.get(Kiosk, KIOSK).last_heartbeat
    assert beat["devices"]["app"] == {"state": "crash_loop", "detail": "5 restarts in 2 min"}


def test_without_central_it_says_it_could_not_tell(tmp_path):
    proc = paused(f"http://127.0.0.1:{free_port()}", tmp_path)
    assert proc.returncode == 1
    assert "central not told" in proc.stderr
