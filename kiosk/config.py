"""Typed kiosk configuration, read from TOML with environment overrides.

The embedded default is ``config/kiosk.toml`` (the demo station). A deployment points
``KIOSK_CONFIG`` (or ``--config``) at its own file. Any single value can be overridden by an
environment variable named after its dotted key: ``KIOSK__STATION__NAME`` overrides
``station.name``, ``KIOSK__IDLE__TIMEOUT_S`` overrides ``idle.timeout_s``.

Errors name the key, the file and what was expected, because the person reading them is an
operator at a station, not the author of the code.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

PACKAGE = Path(__file__).resolve().parent
#: the checkout's root; an installed kiosk has none (``in_checkout()``)
PROJECT_ROOT = PACKAGE.parent
#: the files the package carries: in a checkout these are links to the project's assets/ and config/
ASSETS = PACKAGE / "assets"
DEFAULT_CONFIG_PATH = PACKAGE / "config_files" / "kiosk.toml"
#: where an installed kiosk's own config lives (the setup script writes it)
SYSTEM_CONFIG_PATH = Path("/etc/jincai/kiosk.toml")
ENV_PREFIX = "KIOSK__"


class ConfigError(ValueError):
    """Invalid configuration; the message names the key and the file."""


@dataclass(frozen=True)
class StationConfig:
    id: str
    name: str
    district: str
    street: str
    lat: float
    lon: float
    area_type: Literal["urban", "rural"] = "urban"
    address: str = ""
    phone: str = ""
    opening_hours: str = "周一至周五 9:00-17:00"

    def __post_init__(self) -> None:
        if not -90 <= self.lat <= 90:
            raise ConfigError(f"station.lat: {self.lat} is not a latitude (-90..90)")
        if not -180 <= self.lon <= 180:
            raise ConfigError(f"station.lon: {self.lon} is not a longitude (-180..180)")
        if not self.id.strip():
            raise ConfigError("station.id: must not be empty")


@dataclass(frozen=True)
class ScreenConfig:
    width: int = 1080
    height: int = 1920
    fullscreen: bool = False
    show_cursor: bool = False
    maxfps: int = 30

    def __post_init__(self) -> None:
        if self.width < 480 or self.height < 480:
            raise ConfigError(f"screen.width/height: {self.width}x{self.height} is too small (min 480)")

    @property
    def orientation(self) -> Literal["portrait", "landscape"]:
        return "portrait" if self.height >= self.width else "landscape"


@dataclass(frozen=True)
class IdleConfig:
    timeout_s: float = 60.0
    countdown_s: float = 15.0
    #: 长辈模式: more time to read, and a longer countdown that is spoken
    elder_timeout_s: float = 120.0
    elder_countdown_s: float = 30.0

    def __post_init__(self) -> None:
        for name, timeout, countdown in (("", self.timeout_s, self.countdown_s),
                                         ("elder_", self.elder_timeout_s, self.elder_countdown_s)):
            if timeout < 5:
                raise ConfigError(f"idle.{name}timeout_s: {timeout} is too short (min 5 s)")
            if countdown < 0 or countdown >= timeout:
                raise ConfigError(f"idle.{name}countdown_s: {countdown} must be between 0 and idle.{name}timeout_s")


@dataclass(frozen=True)
class MaintenanceConfig:
    """The nightly maintenance (kiosk.core.maintenance): when, in station time; "" turns it off."""

    window: str = "02:00-04:00"
    #: what a remote ``reboot`` order runs in the window (the install script lets the kiosk's user do it)
    reboot_command: str = "systemctl reboot"

    def __post_init__(self) -> None:
        import re

        if self.window and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", self.window):
            raise ConfigError(f"maintenance.window: expected HH:MM-HH:MM (e.g. 02:00-04:00), got {self.window!r}")


@dataclass(frozen=True)
class UpdateConfig:
    """Updating itself from central's signed release bundles (kiosk.sync.updates, kiosk.launcher)."""

    #: where versions are installed side by side; "" (a checkout, a test): this kiosk does not update itself
    root: str = ""
    #: the city's release keys, base64 Ed25519 (``python -m kiosk release key``); none: every update is refused
    public_keys: tuple[str, ...] = ()
    #: when a downloaded version takes over: "night" (the maintenance window) or "idle" (between visits);
    #: an order with now=1 takes over between visits either way
    switch: Literal["night", "idle"] = "night"
    #: a new version that has not shown its attract screen and reached central by then is rolled back
    trial_s: float = 300.0
    #: free disk an update must leave
    min_free_mb: int = 300

    def __post_init__(self) -> None:
        if self.trial_s < 10:
            raise ConfigError(f"update.trial_s: {self.trial_s} is too short for a kiosk to start (10 s at least)")


@dataclass(frozen=True)
class DeviceConfig:
    """One device: which backend drives it and where it is attached."""

    backend: str = "simulated"
    port: str = ""
    baudrate: int = 115200
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DevicesConfig:
    idcard: DeviceConfig = field(default_factory=DeviceConfig)
    printer: DeviceConfig = field(default_factory=DeviceConfig)
    scanner: DeviceConfig = field(default_factory=DeviceConfig)
    speaker: DeviceConfig = field(default_factory=lambda: DeviceConfig(backend="espeak-ng"))


@dataclass(frozen=True)
class CentralConfig:
    url: str = "http://127.0.0.1:8700"
    kiosk_id: str = ""
    secret: str = ""
    #: the city-wide key of the statistics de-duplication hash (the same on every kiosk)
    person_key_secret: str = "demo-person-key-change-me"
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    enabled: bool = True
    #: how often the kiosk tells central it is alive (the fleet page; remote orders come with the reply)
    heartbeat_s: float = 60.0

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ConfigError(f"central.url: {self.url!r} must start with http:// or https://")


@dataclass(frozen=True)
class DemoConfig:
    """Demo-only switches. A production config leaves ``enabled = false``."""

    enabled: bool = False
    seed_vacancies: int = 2000
    seed: int = 2024
    developer_controls: bool = False


@dataclass(frozen=True)
class AdminConfig:
    """The staff/diagnostics screen: reached by holding a finger on the attract screen's clock
    for three seconds, then a PIN. Only a salted scrypt hash of the PIN is kept in ``pin_hash``
    (``python -m kiosk hash-pin`` prints it). ``pin_sha256``, the older unsalted form, still
    opens the demo; a real station refuses to start with it."""

    pin_hash: str = ""
    pin_sha256: str = ""
    max_attempts: int = 5
    lockout_s: float = 300.0

    def __post_init__(self) -> None:
        h = self.pin_sha256
        if h and (len(h) != 64 or any(c not in "0123456789abcdef" for c in h)):
            raise ConfigError("admin.pin_sha256: expected 64 lowercase hex digits; better, set admin.pin_hash "
                              "(python -m kiosk hash-pin)")
        parts = self.pin_hash.split("$")
        if self.pin_hash and (len(parts) != 6 or parts[0] != "scrypt" or not all(x.isalnum() for x in parts[1:])):
            raise ConfigError("admin.pin_hash: expected scrypt$N$r$p$salt$digest (python -m kiosk hash-pin)")

    @property
    def stored_pin(self) -> str:
        return self.pin_hash or self.pin_sha256


@dataclass(frozen=True)
class IceServerConfig:
    """One STUN or TURN server (``urls`` like ``stun:stun.example.cn:3478`` or
    ``turn:turn.example.cn:3478?transport=udp``); TURN needs username and credential."""

    urls: str
    username: str = ""
    credential: str = ""

    def __post_init__(self) -> None:
        if not self.urls.startswith(("stun:", "turn:", "turns:")):
            raise ConfigError(f"video.ice_servers.urls: {self.urls!r} must start with stun:, turn: or turns:")
        if self.urls.startswith("turn") and not (self.username and self.credential):
            raise ConfigError(f"video.ice_servers: {self.urls!r} is a TURN server and needs username and credential")


@dataclass(frozen=True)
class VideoConfig:
    """Remote video consultation. Media sources: ``"test"`` (synthetic 640x480 pattern / tone,
    the demo), ``"none"``, or a device for aiortc's MediaPlayer: ``"v4l2:/dev/video0"``,
    ``"alsa:default"``, ``"pulse:default"``. ``audio_out`` likewise: ``"alsa:default"``,
    ``"pulse:default"`` or ``"none"``."""

    enabled: bool = False
    camera: str = "test"
    microphone: str = "test"
    audio_out: str = "none"
    width: int = 640
    height: int = 480
    #: the kiosk's camera: the advisor sees a seated resident, for whom 15 frames a second are
    #: smooth; each frame costs a VP8 encode on the kiosk (30 doubled the encoder's CPU)
    fps: int = 15
    ice_servers: tuple[IceServerConfig, ...] = ()
    topics: tuple[str, ...] = ("求职指导", "政策咨询", "创业指导", "技能培训", "其他")
    identity_required_topics: tuple[str, ...] = ()
    #: how often the kiosk asks central about its request while waiting
    poll_s: float = 1.0
    #: how long an offer may wait for the advisor's answer
    answer_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        for key, value in (("camera", self.camera), ("microphone", self.microphone), ("audio_out", self.audio_out)):
            kind = value.split(":", 1)[0]
            allowed = ("test", "none", "v4l2", "alsa", "pulse") if key != "audio_out" else ("none", "alsa", "pulse")
            if kind not in allowed:
                raise ConfigError(f"video.{key}: {value!r} is not one of {', '.join(a + (':DEVICE' if a in ('v4l2', 'alsa', 'pulse') else '') for a in allowed)}")
        if not self.topics:
            raise ConfigError("video.topics: must name at least one topic")
        unknown = sorted(set(self.identity_required_topics) - set(self.topics))
        if unknown:
            raise ConfigError(f"video.identity_required_topics: {unknown[0]!r} is not in video.topics")
        if self.width < 160 or self.height < 120 or not 1 <= self.fps <= 60:
            raise ConfigError(f"video.width/height/fps: {self.width}x{self.height}@{self.fps} is out of range")


QR_PLACEHOLDERS = ("central_url", "station_id", "id", "token")


@dataclass(frozen=True)
class QrConfig:
    """The address behind every kind of QR the kiosk prints or shows (docs/PHONE_PAGES.md).

    Placeholders: ``{central_url}`` (``central.url``), ``{station_id}`` (this station), ``{id}``
    (the job, shortlist, ticket, fair, service, station or request reference) and ``{token}``
    (the capability token of a personal page: at least 128 random bits, only its hash leaves the
    kiosk in the event). A city with its own mobile platform points these at it."""

    job: str = "{central_url}/jobs/{id}?s={station_id}"
    shortlist: str = "{central_url}/shortlists/{id}"
    ticket: str = "{central_url}/tickets/{id}"
    appointment: str = "{central_url}/appointments/{id}"
    job_fair: str = "{central_url}/job-fairs/{id}?s={station_id}"
    service: str = "{central_url}/services/{id}"
    service_request: str = "{central_url}/requests/{id}?k={token}"
    callback: str = "{central_url}/callbacks/{token}"
    interest: str = "{central_url}/interests/{token}"
    station: str = "{central_url}/stations/{id}"
    #: the 招聘登记 form on an employer's phone (the 企业招聘 tile)
    employer: str = "{central_url}/employer/new?s={station_id}"

    def __post_init__(self) -> None:
        import string

        needs = {"job": "id", "shortlist": "id", "ticket": "id", "appointment": "id", "job_fair": "id",
                 "service": "id", "service_request": "id", "callback": "token", "interest": "token", "station": "id",
                 "employer": "station_id"}
        for key, need in needs.items():
            template = getattr(self, key)
            try:
                names = {n for _lit, n, _spec, _conv in string.Formatter().parse(template) if n is not None}
            except ValueError as e:
                raise ConfigError(f"qr.{key}: {template!r} is not a template: {e}") from None
            unknown = sorted(names - set(QR_PLACEHOLDERS))
            if unknown:
                raise ConfigError(f"qr.{key}: unknown placeholder {{{unknown[0]}}} (known: "
                                  + ", ".join("{" + n + "}" for n in QR_PLACEHOLDERS) + ")")
            if need not in names:
                raise ConfigError(f"qr.{key}: {template!r} must contain {{{need}}}")


@dataclass(frozen=True)
class KioskConfig:
    station: StationConfig
    screen: ScreenConfig = field(default_factory=ScreenConfig)
    idle: IdleConfig = field(default_factory=IdleConfig)
    maintenance: MaintenanceConfig = field(default_factory=MaintenanceConfig)
    update: UpdateConfig = field(default_factory=UpdateConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    central: CentralConfig = field(default_factory=CentralConfig)
    demo: DemoConfig = field(default_factory=DemoConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)
    video: VideoConfig = field(default_factory=VideoConfig)
    language: Literal["zh_CN"] = "zh_CN"
    data_dir: str = "var"
    #: the outbox key outside the data dir ("": data_dir/outbox.key, made on first use); e.g. a
    #: root-only path, or a TPM-sealed systemd credential (docs/DEPLOY.md)
    key_file: str = ""
    qr: QrConfig = field(default_factory=lambda: QrConfig())
    source: str = ""

    @property
    def data_path(self) -> Path:
        """The data directory, relative paths taken from the project root."""
        p = Path(self.data_dir).expanduser()
        return p if p.is_absolute() else data_home() / p

    @property
    def database_path(self) -> Path:
        return self.data_path / "kiosk.sqlite3"

    def _url(self, template: str, **values: str) -> str:
        return template.format(central_url=self.central.url.rstrip("/"), station_id=self.station.id,
                               **{"id": "", "token": "", **values})

    def employer_url(self) -> str:
        return self._url(self.qr.employer)

    def job_url(self, vacancy_id: str) -> str:
        return self._url(self.qr.job, id=vacancy_id)

    def shortlist_url(self, shortlist_id: str) -> str:
        return self._url(self.qr.shortlist, id=shortlist_id)

    def ticket_url(self, ticket_id: str) -> str:
        return self._url(self.qr.ticket, id=ticket_id)

    def appointment_url(self, appointment_id: str, token: str = "") -> str:
        return self._url(self.qr.appointment, id=appointment_id, token=token)

    def fair_url(self, fair_id: str) -> str:
        return self._url(self.qr.job_fair, id=fair_id)

    def service_url(self, service_id: str) -> str:
        return self._url(self.qr.service, id=service_id)

    def service_request_url(self, reference: str, token: str = "") -> str:
        """The status page of a home-visit or proxy request (printed as a QR, scanned at any kiosk)."""
        return self._url(self.qr.service_request, id=reference, token=token)

    def callback_url(self, token: str) -> str:
        return self._url(self.qr.callback, token=token)

    def interest_url(self, token: str) -> str:
        return self._url(self.qr.interest, token=token)

    def station_url(self, station_id: str) -> str:
        return self._url(self.qr.station, id=station_id)

    # the templates the scanner recognises when a printed QR is held to a kiosk
    @property
    def job_url_template(self) -> str:
        return self.qr.job

    @property
    def ticket_url_template(self) -> str:
        return self.qr.ticket

    @property
    def service_request_url_template(self) -> str:
        return self.qr.service_request

    @property
    def appointment_url_template(self) -> str:
        return self.qr.appointment


#: Secrets published in this repository (the demo config, the production example's placeholders).
PUBLISHED_SECRETS = ("demo-person-key-change-me", "CHANGE-ME", "set-by-registration", "demo-secret-change-me")
MIN_PERSON_KEY_SECRET = 32
GENERATE_SECRET = 'python3 -c "import secrets; print(secrets.token_hex(32))"'


def production_problems(cfg: KioskConfig) -> list[str]:
    """Why this config must not run a real station (empty when it may): with ``demo.enabled =
    false`` no published or short secret. A default ``person_key_secret`` lets anyone who knows
    a resident's region and birth year recover the ID number from a stored person key."""
    if cfg.demo.enabled:
        return []
    problems = []
    pk = cfg.central.person_key_secret
    if pk.startswith(PUBLISHED_SECRETS) or len(pk) < MIN_PERSON_KEY_SECRET:
        problems.append(f"central.person_key_secret is {'a published default' if pk.startswith(PUBLISHED_SECRETS) else 'too short'}: "
                        f"set the city's key (the same on every kiosk; {MIN_PERSON_KEY_SECRET}+ characters, made once "
                        f"with {GENERATE_SECRET}) in the config or KIOSK__CENTRAL__PERSON_KEY_SECRET")
    if cfg.admin.pin_sha256 and not cfg.admin.pin_hash:
        problems.append("admin.pin_sha256 is an unsalted hash of the staff PIN (reversed in milliseconds): run "
                        "python -m kiosk hash-pin and put its output in admin.pin_hash instead")
    if cfg.central.enabled and (cfg.central.secret.startswith(PUBLISHED_SECRETS) or len(cfg.central.secret) < 16):
        problems.append("central.secret is not this kiosk's own: register it on central (python -m central "
                        "register-kiosk ID --station STATION prints the secret) and set it with central.kiosk_id")
    return problems


#: settings city IT set remotely (a ``set_config`` order), in the data directory; the file's and
#: the environment's own values win over them
OVERRIDES_FILE = "config-overrides.json"
#: what a remote order may not change: the link to central, the keys, the staff PIN, the data's place
NOT_REMOTE = ("central.", "admin.", "demo.", "update.root", "update.public_keys", "data_dir", "key_file", "language")


def overrides_env(raw: dict[str, Any], env: typing.Mapping[str, str]) -> dict[str, str]:
    """The saved remote overrides as ``KIOSK__…`` variables (none when there is no file)."""
    import json

    data_dir = Path(str(env.get(ENV_PREFIX + "DATA_DIR") or raw.get("data_dir") or "var")).expanduser()
    path = (data_dir if data_dir.is_absolute() else data_home() / data_dir) / OVERRIDES_FILE
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as e:
        raise ConfigError(f"{path}: not valid JSON ({e}); delete it to start without the remote settings") from None
    return override_env(saved)


def override_env(settings: typing.Mapping[str, Any]) -> dict[str, str]:
    """``{"idle.timeout_s": 90}`` as ``{"KIOSK__IDLE__TIMEOUT_S": "90"}``."""
    return {ENV_PREFIX + key.upper().replace(".", "__"): str(value) for key, value in settings.items()}


def in_checkout() -> bool:
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "kiosk").is_dir()


def data_home() -> Path:
    """What a relative ``data_dir`` is taken from: the checkout's root, or for an installed kiosk
    $XDG_DATA_HOME/jincai-kiosk (the service unit names an absolute data_dir instead)."""
    if in_checkout():
        return PROJECT_ROOT
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "jincai-kiosk"


def config_path(path: str | os.PathLike[str] | None = None, env: typing.Mapping[str, str] | None = None) -> Path:
    """The config file to read, as an installed program looks for it: the path given, then
    $KIOSK_CONFIG, then /etc/jincai/kiosk.toml when there is one, then the packaged default
    (the demo station)."""
    env = os.environ if env is None else env
    if path or env.get("KIOSK_CONFIG"):
        return Path(path or env["KIOSK_CONFIG"])
    return SYSTEM_CONFIG_PATH if SYSTEM_CONFIG_PATH.is_file() else DEFAULT_CONFIG_PATH


def load_config(path: str | os.PathLike[str] | None = None, env: typing.Mapping[str, str] | None = None) -> KioskConfig:
    """Read the config file (``config_path``) and apply the environment's overrides."""
    env = os.environ if env is None else env
    cfg_path = config_path(path, env)
    try:
        raw = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {cfg_path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{cfg_path}: not valid TOML: {e}") from None
    _apply_env(raw, {**overrides_env(raw, env), **env})
    raw["source"] = str(cfg_path)
    try:
        return _build(KioskConfig, raw, "")
    except ConfigError as e:
        raise ConfigError(f"{cfg_path}: {e}") from None


def _apply_env(raw: dict[str, Any], env: typing.Mapping[str, str]) -> None:
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        keys = name[len(ENV_PREFIX):].lower().split("__")
        node = raw
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{name}: {'.'.join(keys)} does not name a config key")
        node[keys[-1]] = _EnvValue(value)


class _EnvValue(str):
    """A string from the environment, to be converted to the field's type."""


def _build(cls: type, raw: Any, prefix: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix or 'config'}: expected a table, got {raw!r}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"unknown key {prefix}{unknown[0]} (known: {', '.join(sorted(known))})")
    kwargs = {}
    for name, f in known.items():
        key = f"{prefix}{name}"
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ConfigError(f"missing required key {key}")
            continue
        kwargs[name] = _convert(hints[name], raw[name], key)
    try:
        return cls(**kwargs)
    except ConfigError:
        raise
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: {e}") from None


def _convert(tp: Any, value: Any, key: str) -> Any:
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, key + ".")
    if origin is Literal:
        allowed = get_args(tp)
        if value not in allowed:
            raise ConfigError(f"{key}: {value!r} is not one of {', '.join(map(repr, allowed))}")
        return str(value)
    if origin is tuple:
        args = get_args(tp)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise ConfigError(f"{key}: unsupported type {tp}")
        if isinstance(value, _EnvValue):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        return tuple(_convert(args[0], v, key) for v in value)
    if origin in (dict,) or tp is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a table, got {value!r}")
        return dict(value)
    if origin in (typing.Union, types.UnionType):
        raise ConfigError(f"{key}: unsupported type {tp}")
    if tp is bool:
        if isinstance(value, _EnvValue):
            low = value.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
        elif isinstance(value, bool):
            return value
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    if tp in (int, float):
        if isinstance(value, bool):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        if isinstance(value, _EnvValue) or (tp is float and isinstance(value, int)):
            try:
                return tp(value)
            except ValueError:
                raise ConfigError(f"{key}: expected {'an integer' if tp is int else 'a number'}, got {value!r}") from None
        if isinstance(value, tp):
            return value
        raise ConfigError(f"{key}: expected {'an integer' if tp is int else 'a number'}, got {value!r}")
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return str(value)
    raise ConfigError(f"{key}: unsupported type {tp}")
