"""The kiosk updating itself: an ``update`` order from central, done in the background.

The order names a version with its bundle's size and hash. The bundle is downloaded from central,
checked (size and hash on the way, then the city's Ed25519 signature and every file in it,
``kiosk.domain.bundle``) and installed as a new virtual environment beside the running one under
the install root: the running version's dependencies are hard-linked in (no space, no network),
then pip adds what the bundle's lock file changes (only from the bundle's own wheels) and the new
kiosk wheel. The new version must import and answer with its own version before it counts.

Nothing of this touches the running version: a bad signature, a truncated download, a full disk
or a failed install ends in stage ``failed`` with the reason (on the next heartbeat, so the fleet
page shows it) and removes what was half made. A ready version takes over at a quiet moment
(``switch_if_quiet``: on the attract screen, and in the night window unless the order said now
or the kiosk is set to switch between visits): the launcher (``kiosk.launcher``) starts it on
trial and rolls it back if it does not reach its attract screen and central in time.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from datetime import UTC, datetime
from pathlib import Path

from kiosk import launcher
from kiosk.domain import bundle as b
from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient, SyncError
from kiosk.sync.orders import Outcome

log = logging.getLogger(__name__)

INSTALLED_MARK = ".installed"
#: the kiosk's own packages and distribution: never carried over from the running version
OWN_PACKAGES = ("kiosk", "central")
OWN_PREFIXES = ("jincai_kiosk-", "__editable__.jincai_kiosk", "__editable___jincai_kiosk")
STEP_TIMEOUT_S = 900


class InstallError(RuntimeError):
    """An install that did not complete; the message says why (for the fleet page)."""


def _now() -> datetime:
    return datetime.now(UTC)


class Updater:
    def __init__(self, root: Path, public_keys: tuple[str, ...], client: CentralClient, work_dir: Path,
                 running: str, *, switch: str = "night", trial_s: float = launcher.DEFAULT_TRIAL_S,
                 min_free_mb: int = 300) -> None:
        self.root = root
        self.public_keys = public_keys
        self.client = client
        self.work_dir = work_dir
        self.running = running
        self.switch_when = switch
        self.trial_s = trial_s
        self.min_free_mb = min_free_mb
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        #: (version, switch now) once installed and waiting for a quiet moment
        self._ready: tuple[str, bool] | None = None
        self._attract = False
        self._status = self._from_launcher()

    # --- what the heartbeat says ------------------------------------------------------------

    def _from_launcher(self) -> p.UpdateStatus | None:
        state = launcher.read_state(self.root)
        trial = state.get("trial")
        if trial and trial.get("version") == self.running:
            return p.UpdateStatus(version=self.running, stage="trial", detail=f"from {trial.get('from', '')}"[:200],
                                  at=datetime.fromtimestamp(float(trial.get("since", 0)), UTC))
        last = state.get("last")
        if last and last.get("stage") in ("confirmed", "rolled_back"):
            return p.UpdateStatus(version=str(last["version"])[:40], stage=last["stage"],
                                  detail=str(last.get("detail", ""))[:200],
                                  at=datetime.fromtimestamp(float(last.get("at", 0)), UTC))
        return None

    def status(self) -> p.UpdateStatus | None:
        with self._lock:
            return self._status

    def _set(self, version: str, stage: str, detail: str = "", *, quiet: bool = False) -> None:
        with self._lock:
            self._status = p.UpdateStatus(version=version, stage=stage, detail=detail[:200], at=_now())
        if not quiet:
            (log.warning if stage == "failed" else log.info)("update to %s: %s %s", version, stage, detail)

    # --- the order ------------------------------------------------------------------------------

    def order(self, args: dict) -> Outcome:
        """An ``update`` order: start the download in the background (raises with the reason why not)."""
        version, sha, size = str(args.get("version", "")), str(args.get("sha256", "")), args.get("size")
        if not b.VERSION.fullmatch(version) or len(sha) != 64 or not isinstance(size, int) or size <= 0:
            raise ValueError("an update order needs version, sha256 and size")
        if not self.public_keys:
            raise ValueError("no release key is configured (update.public_keys): this kiosk trusts no update")
        if version == self.running:
            return Outcome(True, f"already running {version}")
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise ValueError(f"already updating to {self._status.version if self._status else '?'}")
            self._ready = None
            self._thread = threading.Thread(target=self._work, args=(version, sha, size, bool(args.get("now"))),
                                            name="update", daemon=True)
            self._thread.start()
        return Outcome(True, f"downloading {version} ({size // 1024} KB) beside {self.running}")

    def wait(self, timeout: float | None = None) -> None:
        """Until the background work of the last order is over (commands and tests)."""
        t = self._thread
        if t is not None:
            t.join(timeout)

    def _work(self, version: str, sha: str, size: int, now: bool) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        download = self.work_dir / f"{version}.bundle"
        unpacked = self.work_dir / f"{version}.unpacked"
        try:
            self._set(version, "downloading", f"0 of {size // 1024} KB")
            need_mb = size / 2**20 * 2 + self.min_free_mb
            free_mb = shutil.disk_usage(self.work_dir).free / 2**20
            if free_mb < need_mb:
                raise InstallError(f"not enough free disk for the download: {free_mb:.0f} MB free at {self.work_dir}, "
                                   f"{need_mb:.0f} MB needed")
            self._download(version, sha, size, download)
            self._set(version, "checking")
            shutil.rmtree(unpacked, ignore_errors=True)
            unpacked.mkdir()
            manifest = b.check(download, self.public_keys, unpacked)
            if manifest.version != version:
                raise b.BundleError(f"the bundle holds version {manifest.version}, not {version}")
            self._set(version, "installing")
            install(self.root, unpacked, manifest, min_free_mb=self.min_free_mb)
            when = "now, between visits" if now or self.switch_when == "idle" else "in the night window"
            self._set(version, "ready", f"takes over {when}")
            with self._lock:
                self._ready = (version, now)
        except (b.BundleError, InstallError, SyncError) as e:
            self._set(version, "failed", str(e))
        except OSError as e:
            self._set(version, "failed", _disk_words(e, "downloading or unpacking"))
        finally:
            download.unlink(missing_ok=True)
            download.with_suffix(".part").unlink(missing_ok=True)
            shutil.rmtree(unpacked, ignore_errors=True)

    def _download(self, version: str, sha: str, size: int, dest: Path) -> None:
        part = dest.with_suffix(".part")
        step = max(size // 10, 1)
        marks = {"next": step}

        def progress(n: int) -> None:
            if n >= marks["next"]:
                marks["next"] += step
                self._set(version, "downloading", f"{n // 1024} of {size // 1024} KB", quiet=True)

        got = self.client.download(f"{p.PREFIX}/releases/{version}/bundle", part, max_bytes=size, progress=progress)
        if got != size:
            raise b.BundleError(f"the download is incomplete: {got} of {size} bytes came")
        if b.sha256_file(part) != sha:
            raise b.BundleError("the download does not match the hash central gave (damaged on the way)")
        part.replace(dest)

    # --- the quiet moment and the trial -------------------------------------------------------

    def ready(self) -> str:
        with self._lock:
            return self._ready[0] if self._ready else ""

    def switch_if_quiet(self, quiet: bool, night: bool) -> bool:
        """Hand over to the ready version if now is the moment; True: stop the app so it starts."""
        with self._lock:
            if self._ready is None or not quiet:
                return False
            version, now = self._ready
            if not (now or night or self.switch_when == "idle"):
                return False
            self._ready = None
        launcher.switch(self.root, version, self.trial_s)
        self._set(version, "trial", f"from {self.running}; starting")
        log.info("switching from %s to %s; the app stops and starts again", self.running, version)
        return True

    def attract_shown(self) -> None:
        """From the UI thread: only a flag; the trial ends on the next heartbeat (the sync thread),
        where writing the state and removing old versions block no screen."""
        self._attract = True

    def heartbeat_accepted(self, _reply: object = None) -> None:
        if not self._attract or not launcher.confirm(self.root, self.running):
            return
        status = self._from_launcher()
        with self._lock:
            self._status = status
        log.info("version %s confirmed: attract screen up and central reached", self.running)
        remove_old(self.root)


def _disk_words(e: OSError, doing: str) -> str:
    if e.errno == errno.ENOSPC:
        return f"the disk filled up while {doing}; the running version is untouched"
    return f"{doing} failed: {e.strerror or e}"[:200]


def site_packages(prefix: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)}))


def install(root: Path, unpacked: Path, manifest: b.Manifest, *, min_free_mb: int = 300,
            python: str = sys.executable) -> Path:
    """Install the checked bundle in ``unpacked`` as ``root/<version>``; the running interpreter's
    packages (all but the kiosk's own) are hard-linked in. Raises InstallError, leaving no half
    install behind. Returns the new version's directory."""
    version = manifest.version
    target = root / version
    if (target / INSTALLED_MARK).exists():
        return target
    if launcher.current_version(root) == version:
        raise InstallError(f"{version} is the running version's directory; it is not installed over")
    free_mb = shutil.disk_usage(root).free / 2**20
    need_mb = sum(f["size"] for f in manifest.files.values()) * 4 / 2**20 + min_free_mb
    if free_mb < need_mb:
        raise InstallError(f"not enough free disk to install {version}: {free_mb:.0f} MB free at {root}, "
                           f"{need_mb:.0f} MB needed")
    shutil.rmtree(target, ignore_errors=True)
    try:
        _run([python, "-m", "venv", "--without-pip", str(target)], "making the environment")
        _link_tree(Path(sysconfig.get_paths()["purelib"]), site_packages(target))
        wheels = unpacked / "wheels"
        wheels.mkdir(exist_ok=True)
        _run([python, "-m", "pip", "--python", str(target / "bin" / "python"), "install", "--no-index",
              "--disable-pip-version-check", "--no-input", "--quiet", "--find-links", str(wheels),
              "-r", str(unpacked / b.LOCK), str(unpacked / manifest.wheel)], "pip install")
        out = _run([str(target / "bin" / "python"), "-c", "import kiosk, sys; sys.stdout.write(kiosk.version())"],
                   "starting the new version")
        if out.strip() != version:
            raise InstallError(f"the installed kiosk says it is {out.strip()[:40]!r}, not {version}")
        _run([str(target / "bin" / "python"), "-m", "kiosk", "--help"], "the new version's command line")
        (target / INSTALLED_MARK).write_text(hashlib.sha256(manifest.wheel.encode()).hexdigest())
    except InstallError:
        shutil.rmtree(target, ignore_errors=True)
        raise
    except OSError as e:
        shutil.rmtree(target, ignore_errors=True)
        raise InstallError(_disk_words(e, f"installing {version}")) from None
    return target


def _run(cmd: list[str], what: str) -> str:
    """``cmd`` run from / (a kiosk package in the working directory must not stand in for the installed one)."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=STEP_TIMEOUT_S, cwd="/",
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PIP_NO_CACHE_DIR": "1"})
    except subprocess.TimeoutExpired:
        raise InstallError(f"{what} took longer than {STEP_TIMEOUT_S} s") from None
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        if any("No space left on device" in ln for ln in lines):
            raise InstallError(f"the disk filled up during {what}; the running version is untouched")
        raise InstallError(f"{what} failed: {(lines[-1] if lines else f'exit {done.returncode}')[:160]}")
    return done.stdout


def _link_tree(src: Path, dst: Path) -> None:
    """``src``'s packages into ``dst`` as hard links (a copy where the file system has none),
    compiled files too, so the new version's first start does not compile its dependencies."""
    dst.mkdir(parents=True, exist_ok=True)
    for entry in src.iterdir():
        if entry.name in OWN_PACKAGES or entry.name.startswith(OWN_PREFIXES):
            continue
        if entry.is_dir() and not entry.is_symlink():
            for dirpath, dirnames, filenames in os.walk(entry):
                rel = Path(dirpath).relative_to(src)
                (dst / rel).mkdir(exist_ok=True)
                for name in filenames:
                    _link(Path(dirpath) / name, dst / rel / name)
        else:
            _link(entry, dst / entry.name)


def _link(a: Path, b_: Path) -> None:
    try:
        os.link(a, b_, follow_symlinks=False)
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        shutil.copy2(a, b_, follow_symlinks=False)


def remove_old(root: Path) -> list[str]:
    """Remove installed versions but the current one and the one before it (the way back)."""
    state = launcher.read_state(root)
    keep = {launcher.current_version(root), (state.get("last") or {}).get("from", ""),
            (state.get("trial") or {}).get("from", "")}
    removed = []
    for d in root.iterdir():
        if d.is_dir() and not d.is_symlink() and (d / "bin").is_dir() and d.name not in keep:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d.name)
    return removed
