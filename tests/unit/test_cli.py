"""Start-up failures an operator can meet, each with a clear message and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*args: str, env_extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("KIOSK")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_no_display_says_how_to_get_one(tmp_path):
    p = kiosk("run", env_extra={"KIOSK__DATA_DIR": str(tmp_path)}, drop=("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"))
    assert p.returncode == 2
    assert "no display found" in p.stderr and "--xvfb" in p.stderr
    assert "Traceback" not in p.stderr


def test_invalid_config_names_the_key(tmp_path):
    p = kiosk("run", env_extra={"KIOSK__IDLE__TIMEOUT_S": "often", "KIOSK__DATA_DIR": str(tmp_path)})
    assert p.returncode == 2
    assert "idle.timeout_s" in p.stderr and "Traceback" not in p.stderr


def test_missing_font_is_explained(tmp_path):
    p = kiosk("run", env_extra={"KIOSK_FONT_DIRS": str(tmp_path / "none"), "KIOSK__DATA_DIR": str(tmp_path),
                                "SDL_VIDEODRIVER": "offscreen"})
    assert p.returncode == 2
    assert "fonts-noto-cjk" in p.stderr and "Traceback" not in p.stderr


def test_corrupt_database_is_not_replaced(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    db.write_bytes(b"\x00garbage" * 512)
    before = db.read_bytes()
    p = kiosk("run", env_extra={"KIOSK__DATA_DIR": str(tmp_path), "SDL_VIDEODRIVER": "offscreen"})
    assert p.returncode == 2
    assert "damaged" in p.stderr and str(db) in p.stderr and "Traceback" not in p.stderr
    assert db.read_bytes() == before


def test_second_kiosk_on_the_same_data_dir_is_refused(tmp_path):
    import fcntl

    (tmp_path / "kiosk.lock").write_text("4242")
    with open(tmp_path / "kiosk.lock", "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        p = kiosk("run", env_extra={"KIOSK__DATA_DIR": str(tmp_path), "SDL_VIDEODRIVER": "offscreen"})
    assert p.returncode == 2
    assert "already running" in p.stderr and "4242" in p.stderr


def test_seed_command_shows_progress(tmp_path):
    db = tmp_path / "seed.db"
    p = kiosk("seed", "--vacancies", "6000", "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert "seeding vacancies: 6000/6000 (100%)" in p.stderr
    assert "seeded 6000 vacancies" in p.stderr


def test_run_refuses_a_real_station_with_the_demo_person_key(tmp_path):
    p = kiosk("run", env_extra={"KIOSK__DATA_DIR": str(tmp_path), "SDL_VIDEODRIVER": "offscreen",
                                "KIOSK__DEMO__ENABLED": "false", "KIOSK__CENTRAL__ENABLED": "false"})
    assert p.returncode == 2
    assert "person_key_secret is a published default" in p.stderr and "token_hex(32)" in p.stderr
    assert not (tmp_path / "kiosk.db").exists()  # refused before it opened anything


def test_the_command_is_found_past_the_options_and_the_config_file():
    from kiosk.cli import command_in

    assert command_in(["run", "--tour", "out"]) == "run"
    assert command_in(["-v", "--config", "seed", "run"]) == "run"
    assert command_in(["--conf", "sync", "-v", "bench", "startup"]) == "bench"
    assert command_in(["--config=x.toml", "seed"]) == "seed"
    assert command_in(["-v", "--help"]) is None


def test_a_named_command_gets_its_parser_alone_and_no_command_gets_all():
    from kiosk.cli import build_parser

    args = build_parser("run").parse_args(["--config", "k.toml", "run", "--tour", "out"])
    assert args.command == "run" and args.tour == "out" and args.config == "k.toml"
    helps = build_parser("no-such-command").format_help()
    assert all(name in helps for name in ("run", "seed", "sync", "bench", "i18n"))
    assert "seed" not in build_parser("run").format_help()
