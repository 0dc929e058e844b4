"""What an installation holds that an attacker would try first: ``python -m central audit``.

Each check is one line, OK or FAIL, with what to do about a FAIL. ``serve`` runs the same checks
and will not start on a FAIL unless it was started with ``--demo``: a production path never runs
with a demo account, a demo secret, a default key or a database file others can read.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from central.db import Database

#: Accounts and secrets published in this repository (README, docs, Makefile, seed).
DEMO_ADVISORS = ("demo-advisor",)
DEMO_KIOSK_SECRETS = ("demo-secret-change-me",)
#: A kiosk secret shorter than this was typed, not generated (``register-kiosk`` makes 43).
MIN_KIOSK_SECRET = 32
MIN_SESSION_SECRET = 32


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'}  {self.what}" + ("" if self.ok else f"\n      fix: {self.fix}")


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def file_checks(db_path: Path) -> list[Check]:
    """The database file (and its WAL and shared memory) owner-only, its folder not open to others."""
    checks = []
    for f in (db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        if f.exists():
            mode = stat.S_IMODE(f.stat().st_mode)
            checks.append(Check(not mode & 0o077, f"{f} is {mode:04o}", f"chmod 600 {f}"))
    folder = db_path.parent
    if folder.exists():
        mode = stat.S_IMODE(folder.stat().st_mode)
        checks.append(Check(not mode & 0o027, f"folder {folder} is {mode:04o}", f"chmod 700 {folder}"))
    return checks


def account_checks(db: Database) -> list[Check]:
    from central.models import Advisor, Kiosk, Setting, StaffUser
    from central.staff_auth import SECRET_KEY

    checks = []
    with db.session() as s:
        demo = s.scalars(select(Advisor.login).where(Advisor.login.in_(DEMO_ADVISORS), Advisor.enabled)).all()
        checks.append(Check(not demo, f"demo advisor accounts enabled: {', '.join(demo) or 'none'}",
                            " ; ".join(f"python -m central disable advisor {a}" for a in demo)))
        weak = [k.id for k in s.scalars(select(Kiosk).where(Kiosk.enabled))
                if k.secret in DEMO_KIOSK_SECRETS or len(k.secret) < MIN_KIOSK_SECRET]
        checks.append(Check(not weak, f"kiosks with a demo or short secret: {', '.join(weak[:10]) or 'none'}"
                            + (f" (and {len(weak) - 10} more)" if len(weak) > 10 else ""),
                            "give each a generated secret: python -m central register-kiosk ID --station STATION "
                            "(prints it; put it in the kiosk's secret file), or python -m central disable kiosk ID"))
        secret = s.get(Setting, SECRET_KEY)
        checks.append(Check(secret is None or len(secret.value) >= MIN_SESSION_SECRET,
                            "the staff session signing secret is generated" if secret is None or len(secret.value)
                            >= MIN_SESSION_SECRET else "the staff session signing secret is short",
                            f"delete the setting {SECRET_KEY} (a new random one is made; everyone logs in again)"))
        staff = s.scalar(select(StaffUser.id).where(StaffUser.enabled).limit(1))
        checks.append(Check(True, "staff accounts: " + ("present" if staff else "none yet (add-staff)")))
    return checks


def data_key_checks() -> list[Check]:
    """Where the personal-data key ring comes from (central/crypto.py)."""
    from central import crypto

    try:
        keys = crypto.ring()
    except crypto.DataKeyError as e:
        return [Check(False, f"personal-data key: {e}", "python -m central new-data-key, into the key file")]
    checks = [Check(keys.source != str(crypto.DEMO_KEY_FILE),
                    f"personal-data key ring from {keys.source} (sealing with {keys.current!r})",
                    f"keep the key outside the data: python -m central new-data-key > /etc/jincai-central/data.key "
                    f"(root-only, or a TPM-sealed credential) and set ${crypto.ENV_KEY_FILE} to it; then move the "
                    f"demo key's line after it and run rotate-data-key")]
    if not keys.source.startswith("$"):
        path = Path(keys.source)
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            checks.append(Check(not mode & 0o077, f"{path} is {mode:04o}", f"chmod 600 {path}"))
    return checks


def run(db: Database) -> list[Check]:
    """Every check of this installation: its accounts and secrets, then its files."""
    checks = account_checks(db) + data_key_checks()
    path = sqlite_path(db.url)
    if path is not None:
        checks += file_checks(path)
    return checks


def failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok]
