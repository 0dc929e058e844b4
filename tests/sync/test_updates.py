"""An update that must not happen leaves the running version alone and says why: real bundles
from a real central over signed HTTP, the kiosk's real updater and pip. A bundle signed with
another key, one altered after signing, a download cut short, a disk without room and an install
pip cannot do each end in stage ``failed`` with the reason, with no half-made version left and
``current`` untouched. A good bundle installs beside the running version and takes over only at
a quiet moment."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from central import releases
from central.models import Release
from kiosk import launcher
from kiosk.domain import bundle as b
from kiosk.sync.updates import Updater
from tests.deploy.wheels import ROOT, make_bundle
from tests.sync.centralserver import running_central
from tests.sync.conftest import make_client

RUNNING = "9.1.0"
NEW = "9.1.1"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("bundles")
    key, other = b.new_key(), b.new_key()
    bad_lock = base / "requirements.lock"
    bad_lock.write_text(ROOT.joinpath("requirements.lock").read_text() + "jincai-no-such-package==1.0\n")
    (base / "good").mkdir()
    (base / "foreign").mkdir()
    (base / "unresolvable").mkdir()
    return {"public": b.public_key_text(key),
            "good": make_bundle(base / "good", NEW, key),
            "foreign": make_bundle(base / "foreign", NEW, other),
            "unresolvable": make_bundle(base / "unresolvable", NEW, key, lock=bad_lock)}


@pytest.fixture
def world(tmp_path):
    """A central, and an install root whose ``current`` is the running version (a stand-in
    directory: nothing here starts it)."""
    root = tmp_path / "opt"
    (root / RUNNING / "bin").mkdir(parents=True)
    (root / RUNNING / "bin" / "python").symlink_to("/usr/bin/python3")
    launcher.point_current(root, RUNNING)
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        yield central, root, tmp_path


def publish(central, path: Path) -> dict:  # noqa: ANN001
    with central.db.session() as s:
        row = releases.publish(s, path, by="test")
        return {"version": row.version, "sha256": row.sha256, "size": row.size, "now": True}


def updater(central, root: Path, tmp: Path, public: str, **kw) -> Updater:  # noqa: ANN001
    return Updater(root, (public,), make_client(central.url), tmp / "work", RUNNING, switch="night",
                   min_free_mb=kw.pop("min_free_mb", 10), **kw)


def outcome(up: Updater, args: dict) -> tuple[str, str]:
    assert up.order(args).ok
    up.wait(600)
    st = up.status()
    return st.stage, st.detail


def untouched(root: Path, tmp: Path) -> None:
    assert launcher.current_version(root) == RUNNING
    assert not (root / NEW).exists(), "a half-made version was left behind"
    assert list((tmp / "work").iterdir()) == [], "the download or its unpacked files were left behind"


def test_a_bundle_signed_with_another_key_is_refused(world, made):
    central, root, tmp = world
    stage, detail = outcome(updater(central, root, tmp, made["public"]), publish(central, made["foreign"]))
    assert stage == "failed" and "signature does not match the city's release key" in detail
    untouched(root, tmp)


def test_a_bundle_altered_after_signing_is_refused(world, made, tmp_path):
    central, root, tmp = world
    altered = tmp_path / "altered.bundle"
    with tarfile.open(made["good"]) as src, tarfile.open(altered, "w") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name.endswith(".whl"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(info, io.BytesIO(data))
    stage, detail = outcome(updater(central, root, tmp, made["public"]), publish(central, altered))
    assert stage == "failed" and "does not match its signed hash" in detail
    untouched(root, tmp)


def test_a_download_cut_short_is_refused(world, made):
    central, root, tmp = world
    args = publish(central, made["good"])
    with central.db.session() as s:  # central's copy lost its tail; the order still gives the full size
        row = s.get(Release, NEW)
        row.bundle = row.bundle[: row.size // 2]
    stage, detail = outcome(updater(central, root, tmp, made["public"]), args)
    assert stage == "failed" and f"the download is incomplete: {args['size'] // 2} of {args['size']} bytes" in detail
    untouched(root, tmp)


def test_a_disk_without_room_is_refused_before_anything_is_written(world, made):
    central, root, tmp = world
    stage, detail = outcome(updater(central, root, tmp, made["public"], min_free_mb=10**9),
                            publish(central, made["good"]))
    assert stage == "failed" and "not enough free disk for the download" in detail
    untouched(root, tmp)


def test_an_install_pip_cannot_do_is_undone(world, made):
    central, root, tmp = world
    stage, detail = outcome(updater(central, root, tmp, made["public"]), publish(central, made["unresolvable"]))
    assert stage == "failed" and detail.startswith("pip install failed") and "jincai-no-such-package" in detail
    untouched(root, tmp)


def test_no_release_key_no_update(world, made):
    central, root, tmp = world
    up = Updater(root, (), make_client(central.url), tmp / "work", RUNNING)
    with pytest.raises(ValueError, match="no release key is configured"):
        up.order(publish(central, made["good"]))
    assert launcher.current_version(root) == RUNNING


def test_a_good_bundle_installs_beside_and_waits_for_a_quiet_moment(world, made):
    central, root, tmp = world
    up = updater(central, root, tmp, made["public"])
    args = {**publish(central, made["good"]), "now": False}
    assert outcome(up, args) == ("ready", "takes over in the night window")
    assert (root / NEW / "bin" / "python").exists() and launcher.current_version(root) == RUNNING
    assert not up.switch_if_quiet(quiet=True, night=False)  # the day: it waits
    assert not up.switch_if_quiet(quiet=False, night=True)  # a visit: it waits
    assert up.switch_if_quiet(quiet=True, night=True)
    assert launcher.current_version(root) == NEW
    trial = launcher.read_state(root)["trial"]
    assert (trial["version"], trial["from"], trial["starts"]) == (NEW, RUNNING, 0)
    assert up.status().stage == "trial"


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MB file system (tmpfs): room for the checks before installing, not for the install."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_a_disk_that_fills_up_during_the_install_is_undone(world, made, small_disk):
    central, _root, tmp = world
    root = small_disk / "opt"
    (root / RUNNING / "bin").mkdir(parents=True)
    (root / RUNNING / "bin" / "python").symlink_to("/usr/bin/python3")
    launcher.point_current(root, RUNNING)
    stage, detail = outcome(updater(central, root, tmp, made["public"], min_free_mb=0), publish(central, made["good"]))
    assert stage == "failed" and "the disk filled up" in detail and "the running version is untouched" in detail
    untouched(root, tmp)
    assert shutil.disk_usage(root).used < 1 * 2**20, "what the failed install wrote was not removed"
