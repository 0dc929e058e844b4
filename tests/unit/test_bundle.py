"""The release bundle format on its own: what ``check`` accepts and what it refuses, with the reason."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from kiosk.domain import bundle as b


@pytest.fixture
def parts(tmp_path) -> dict:
    wheel = tmp_path / "jincai_kiosk-2.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("kiosk/__init__.py", "")
    lock = tmp_path / "requirements.lock"
    lock.write_text("requests==2.32.3\n")
    key = b.new_key()
    return {"wheel": wheel, "lock": lock, "key": key, "public": b.public_key_text(key), "dir": tmp_path}


def made(parts: dict, name: str = "a.bundle") -> Path:
    out = parts["dir"] / name
    b.make(parts["wheel"], parts["lock"], parts["key"], out)
    return out


def rewrite(src: Path, dst: Path, change) -> Path:  # noqa: ANN001 - (name, data) -> list of (name, data)
    with tarfile.open(src) as t:
        members = [(i.name, t.extractfile(i).read()) for i in t]
    with tarfile.open(dst, "w") as t:
        for name, data in [x for m in members for x in change(*m)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return dst


def test_a_made_bundle_checks_and_unpacks(parts, tmp_path):
    into = tmp_path / "into"
    into.mkdir()
    m = b.check(made(parts), (b.public_key_text(b.new_key()), parts["public"]), into)  # a second key is tried too
    assert (m.version, m.wheel) == ("2.0.0", parts["wheel"].name)
    assert (into / b.LOCK).read_text() == "requests==2.32.3\n" and (into / m.wheel).read_bytes() == parts["wheel"].read_bytes()
    assert m.lock_sha256 == b.sha256_file(parts["lock"])
    assert b.read_manifest(made(parts, "b.bundle")).version == "2.0.0"


@pytest.mark.parametrize(("change", "reason"), [
    (lambda n, d: [(n, d + b"\n" if n == b.MANIFEST else d)], "signature does not match"),
    (lambda n, d: [(n, d if n != b.LOCK else b"evil==1\n")], "requirements.lock: 8 bytes, the manifest says"),
    (lambda n, d: [(n, d if n != b.LOCK else b"requests==6.66.6\n")], "requirements.lock does not match its signed hash"),
    (lambda n, d: [(n, d)] + ([("wheels/extra-1.0-py3-none-any.whl", b"x")] if n == b.LOCK else []),
     "is in the bundle but not in its signed manifest"),
    (lambda n, d: [] if n == b.LOCK else [(n, d)], "the bundle lacks requirements.lock"),
    (lambda n, d: [(n if n != b.LOCK else "../etc/passwd", d)], "a file name a bundle may not have"),
    (lambda n, d: [(n, d)] if n != b.SIGNATURE else [], "must start with manifest.json and manifest.sig"),
])
def test_what_check_refuses(parts, tmp_path, change, reason):
    bad = rewrite(made(parts), tmp_path / "bad.bundle", change)
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(b.BundleError, match=reason.replace(".", r"\.")):
        b.check(bad, (parts["public"],), into)


def test_a_truncated_bundle_is_refused(parts, tmp_path):
    good = made(parts)
    cut = tmp_path / "cut.bundle"
    cut.write_bytes(good.read_bytes()[: 3 * 512 + 100])  # the head and part of the first file
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(b.BundleError, match="truncated|lacks|bytes, the manifest says"):
        b.check(cut, (parts["public"],), into)


def test_garbage_and_keys_that_are_not_keys(parts, tmp_path):
    junk = tmp_path / "junk.bundle"
    junk.write_bytes(b"not a tar at all" * 100)
    with pytest.raises(b.BundleError, match="not a readable bundle|not a release bundle"):
        b.check(junk, (parts["public"],), tmp_path)
    with pytest.raises(b.BundleError, match="no release key is configured"):
        b.check(made(parts), (), tmp_path)
    with pytest.raises(b.BundleError, match="not a base64 Ed25519 key"):
        b.check(made(parts), ("bm90IGEga2V5",), tmp_path)


def test_a_manifest_whose_wheel_is_another_version_is_refused(parts, tmp_path):
    body = json.loads(tarfile.open(made(parts)).extractfile(b.MANIFEST).read())
    body["version"] = "3.0.0"
    with pytest.raises(b.BundleError, match="is not version '3.0.0'"):
        b._parse(json.dumps(body).encode())
    with pytest.raises(b.BundleError, match="not a kiosk wheel"):
        b.make(parts["lock"], parts["lock"], parts["key"], tmp_path / "x.bundle")
