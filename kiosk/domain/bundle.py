"""A release bundle: what a kiosk installs when it updates itself, and how it knows the city made it.

A bundle is an uncompressed tar (the wheel is compressed already) of

- ``manifest.json``: the version, the wheel's and the lock file's names, and each file's size
  and SHA-256;
- ``manifest.sig``: the Ed25519 signature of ``manifest.json``'s exact bytes, base64;
- the kiosk's wheel, ``requirements.lock``, and ``wheels/*.whl`` for dependencies that changed.

The release key's private half stays with whoever builds releases (``python -m kiosk release``);
kiosks hold the public half in their config. Central only stores and serves bundles, so a
central that is broken into cannot make one a kiosk accepts. ``check`` reads a bundle without
trusting it: names, types and sizes first, then the signature, then every file's hash.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
LOCK = "requirements.lock"
MAX_MANIFEST = 64 * 1024
#: a bundle holds the kiosk's wheel and, at most, a few changed dependencies
MAX_BUNDLE = 400 * 1024 * 1024
_WHEEL = re.compile(r"jincai_kiosk-(?P<version>[0-9][0-9A-Za-z.+!-]{0,38})-py3-none-any\.whl")
_NAME = re.compile(r"(wheels/)?[A-Za-z0-9][A-Za-z0-9_.+!-]{0,120}")
VERSION = re.compile(r"[0-9][0-9A-Za-z.+!]{0,39}")


class BundleError(ValueError):
    """A bundle that must not be installed; the message says why (for the fleet page)."""


@dataclass(frozen=True)
class Manifest:
    version: str
    wheel: str
    files: dict[str, dict]
    made_at: str

    @property
    def lock_sha256(self) -> str:
        return self.files[LOCK]["sha256"]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def public_key_text(private_pem: bytes) -> str:
    """The base64 public key kiosks put in ``update.public_keys``, from the private key's PEM."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem, password=None)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def new_key() -> bytes:
    """A new release key (PKCS#8 PEM, unencrypted: keep it off the network)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption())


def make(wheel: Path, lock: Path, private_pem: bytes, out: Path, extra_wheels: tuple[Path, ...] = ()) -> Manifest:
    """Write a signed bundle of ``wheel`` (the kiosk's), ``lock`` and any changed dependencies."""
    from cryptography.hazmat.primitives import serialization

    m = _WHEEL.fullmatch(wheel.name)
    if m is None:
        raise BundleError(f"{wheel.name} is not a kiosk wheel (jincai_kiosk-VERSION-py3-none-any.whl)")
    members = {wheel.name: wheel, LOCK: lock, **{f"wheels/{w.name}": w for w in extra_wheels}}
    files = {name: {"size": path.stat().st_size, "sha256": sha256_file(path)} for name, path in members.items()}
    manifest = Manifest(m["version"], wheel.name, files, datetime.now(UTC).isoformat(timespec="seconds"))
    body = json.dumps({"format": FORMAT, "version": manifest.version, "wheel": manifest.wheel, "files": files,
                       "made_at": manifest.made_at}, sort_keys=True, indent=1).encode()
    key = serialization.load_pem_private_key(private_pem, password=None)
    signature = base64.b64encode(key.sign(body)) + b"\n"
    tmp = out.with_name(out.name + ".tmp")
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in ((MANIFEST, body), (SIGNATURE, signature)):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
        for name, path in members.items():
            info = tar.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o644
            with open(path, "rb") as f:
                tar.addfile(info, f)
    tmp.replace(out)
    return manifest


def read_manifest(path: Path) -> Manifest:
    """The manifest, its form checked, signature NOT checked (central's view of a bundle it stores)."""
    body, _sig, rest = _open(path)
    with rest:
        return _parse(body)


def check(path: Path, public_keys: tuple[str, ...], into: Path) -> Manifest:
    """Verify the bundle at ``path`` against the city's release keys and unpack it into ``into``
    (which must be empty); raises BundleError with the reason, leaving ``into`` to the caller."""
    if not public_keys:
        raise BundleError("no release key is configured (update.public_keys), so no update can be trusted")
    body, sig, tar = _open(path)
    with tar:
        _verify(body, sig, public_keys)
        manifest = _parse(body)
        seen = set()
        for info in tar:
            if info.name in (MANIFEST, SIGNATURE):
                continue
            want = manifest.files.get(info.name)
            if want is None or not info.isreg():
                raise BundleError(f"{info.name} is in the bundle but not in its signed manifest")
            if info.size != want["size"]:
                raise BundleError(f"{info.name}: {info.size} bytes, the manifest says {want['size']}")
            dest = into / info.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            h = hashlib.sha256()
            src = tar.extractfile(info)
            with open(dest, "wb") as f:
                for block in iter(lambda: src.read(1 << 20), b""):
                    h.update(block)
                    f.write(block)
            if h.hexdigest() != want["sha256"]:
                raise BundleError(f"{info.name} does not match its signed hash (altered or damaged on the way)")
            seen.add(info.name)
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise BundleError(f"the bundle lacks {', '.join(missing)} (truncated?)")
    return manifest


def _open(path: Path) -> tuple[bytes, bytes, _Rest]:
    size = path.stat().st_size
    if size > MAX_BUNDLE:
        raise BundleError(f"the bundle is {size // 2**20} MB, more than a bundle may be ({MAX_BUNDLE // 2**20} MB)")
    try:
        tar = tarfile.open(path, "r:")
    except (tarfile.TarError, EOFError, OSError) as e:
        raise BundleError(f"not a readable bundle (truncated or damaged): {e}") from None
    head = {}
    try:
        for _ in range(2):
            info = tar.next()
            if info is None or info.name not in (MANIFEST, SIGNATURE) or not info.isreg() or info.size > MAX_MANIFEST:
                raise BundleError("not a release bundle: it must start with manifest.json and manifest.sig")
            head[info.name] = tar.extractfile(info).read()
        if set(head) != {MANIFEST, SIGNATURE}:
            raise BundleError("not a release bundle: manifest.json or manifest.sig is missing")
    except BundleError:
        tar.close()
        raise
    except (tarfile.TarError, EOFError, OSError) as e:
        tar.close()
        raise BundleError(f"not a readable bundle (truncated or damaged): {e}") from None
    return head[MANIFEST], head[SIGNATURE], _Rest(tar)


class _Rest:
    """The tar after its two head members, read to the end (a truncated tail is a BundleError)."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar

    def __enter__(self) -> _Rest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.tar.close()

    def __iter__(self):  # noqa: ANN204 - yields tarfile.TarInfo
        try:
            while (info := self.tar.next()) is not None:
                if not _NAME.fullmatch(info.name) or ".." in info.name:
                    raise BundleError(f"a file name a bundle may not have: {info.name[:80]!r}")
                yield info
        except (tarfile.TarError, EOFError, OSError) as e:
            raise BundleError(f"the bundle is truncated or damaged: {e}") from None

    def extractfile(self, info: tarfile.TarInfo):  # noqa: ANN201 - a binary file object
        return _Checked(self.tar.extractfile(info))


class _Checked:
    def __init__(self, f) -> None:  # noqa: ANN001 - tarfile's ExFileObject
        self.f = f

    def read(self, n: int) -> bytes:
        try:
            return self.f.read(n)
        except (tarfile.TarError, EOFError, OSError) as e:
            raise BundleError(f"the bundle is truncated or damaged: {e}") from None


def _verify(body: bytes, sig: bytes, public_keys: tuple[str, ...]) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        signature = base64.b64decode(sig.strip(), validate=True)
    except ValueError:
        raise BundleError("the signature is not base64") from None
    for text in public_keys:
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
        except ValueError:
            raise BundleError(f"update.public_keys holds a key that is not a base64 Ed25519 key: {text[:12]}…") from None
        try:
            key.verify(signature, body)
            return
        except InvalidSignature:
            continue
    raise BundleError("the signature does not match the city's release key: this bundle was not made by the city "
                      "or was altered")


def _parse(body: bytes) -> Manifest:
    try:
        raw = json.loads(body)
        version, wheel, files = raw["version"], raw["wheel"], raw["files"]
        if raw.get("format") != FORMAT:
            raise BundleError(f"bundle format {raw.get('format')!r}; this kiosk reads format {FORMAT}")
        m = _WHEEL.fullmatch(wheel)
        if m is None or m["version"] != version or not VERSION.fullmatch(version):
            raise BundleError(f"the manifest's wheel {wheel!r} is not version {version!r} of the kiosk")
        if wheel not in files or LOCK not in files:
            raise BundleError("the manifest lists no wheel or no requirements.lock")
        for name, f in files.items():
            if not _NAME.fullmatch(name) or ".." in name or not isinstance(f.get("size"), int) \
                    or not re.fullmatch(r"[0-9a-f]{64}", str(f.get("sha256", ""))):
                raise BundleError(f"the manifest's entry for {name[:80]!r} is malformed")
        return Manifest(version, wheel, files, str(raw.get("made_at", "")))
    except BundleError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise BundleError(f"the manifest is not readable: {type(e).__name__}") from None
