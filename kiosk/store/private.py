"""The kiosk's data directory holds personal data at rest (PIPL): the directory is ``0700`` and
its files ``0600``. ``secure_data_dir`` makes it so at start (the process umask then keeps new
files that way); a key file others can read is refused, never silently tightened, because it
may already have been copied."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)


class LooseKeyError(RuntimeError):
    """A key file that group or others can read."""


def private_dir(path: Path) -> Path:
    """``path`` made (or tightened to) 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o700)
        log.warning("%s was %04o; made 0700 (it holds personal data)", path, mode)
    return path


def secure_data_dir(data_dir: Path, *, keep: tuple[str, ...] = ()) -> list[Path]:
    """The data directory 0700 and every file and folder in it owner-only, except the names in
    ``keep`` (key files: those are checked, not changed). Returns what was tightened."""
    os.umask(0o077)
    private_dir(data_dir)
    fixed = []
    for root, dirs, files in os.walk(data_dir):
        for name in dirs + files:
            p = Path(root) / name
            if name in keep or p.is_symlink():
                continue
            mode = stat.S_IMODE(p.stat().st_mode)
            if mode & 0o077:
                os.chmod(p, 0o700 if p.is_dir() else 0o600)
                fixed.append(p)
    if fixed:
        log.warning("made owner-only: %s", ", ".join(str(p.relative_to(data_dir)) for p in fixed[:10]))
    return fixed


def check_key_file(path: Path) -> None:
    """Refuse a key file that group or others can read, saying how to fix it."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise LooseKeyError(
            f"the key file {path} is {mode:04o}: others can read it, so the personal data it protects is "
            f"not private. Run: chmod 600 {path} (and chown it to the kiosk's user); if it may have been "
            "copied, send the outbox first, then replace the key")
