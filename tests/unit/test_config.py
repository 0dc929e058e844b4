from pathlib import Path

import pytest

from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, load_config

VALID = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "kiosk.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_embedded_default_is_the_demo_station():
    cfg = load_config(env={})
    assert cfg.station.name == "和平区南市街就业驿站"
    assert cfg.station.area_type == "urban"
    assert cfg.screen.orientation == "portrait"
    assert cfg.idle.timeout_s == 60
    assert cfg.demo.enabled
    assert cfg.devices.printer.backend == "simulated"
    assert cfg.job_url("V1") == "http://127.0.0.1:8700/jobs/V1?s=TJ-HP-NSJ-01"


def test_env_overrides_typed_values():
    cfg = load_config(env={"KIOSK__IDLE__TIMEOUT_S": "90", "KIOSK__STATION__NAME": "测试驿站",
                           "KIOSK__SCREEN__FULLSCREEN": "yes", "KIOSK__SCREEN__WIDTH": "1920",
                           "KIOSK__SCREEN__HEIGHT": "1080"})
    assert cfg.idle.timeout_s == 90.0
    assert cfg.station.name == "测试驿站"
    assert cfg.screen.fullscreen is True
    assert cfg.screen.width == 1920 and cfg.screen.orientation == "landscape"


@pytest.mark.parametrize(
    "env, key",
    [
        ({"KIOSK__IDLE__TIMEOUT_S": "soon"}, "idle.timeout_s"),
        ({"KIOSK__STATION__AREA_TYPE": "town"}, "station.area_type"),
        ({"KIOSK__SCREEN__FULLSCREEN": "maybe"}, "screen.fullscreen"),
        ({"KIOSK__STATION__LAT": "139.1"}, "station.lat"),
        ({"KIOSK__STATION__COLOUR": "red"}, "station.colour"),
        ({"KIOSK__CENTRAL__URL": "ftp://x"}, "central.url"),
    ],
)
def test_bad_values_name_the_key(env, key):
    with pytest.raises(ConfigError) as e:
        load_config(env=env)
    assert key in str(e.value)
    assert str(DEFAULT_CONFIG_PATH) in str(e.value)


def test_wrong_type_in_file(tmp_path):
    p = write(tmp_path, VALID.replace("timeout_s = 60", 'timeout_s = "sixty"'))
    with pytest.raises(ConfigError, match=r"idle\.timeout_s: expected a number"):
        load_config(p, env={})


def test_missing_required_key(tmp_path):
    p = write(tmp_path, VALID.replace('id = "TJ-HP-NSJ-01"\n', ""))
    with pytest.raises(ConfigError, match=r"missing required key station\.id"):
        load_config(p, env={})


def test_not_toml(tmp_path):
    p = write(tmp_path, "[station\nname = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(p, env={})


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_kiosk_config_env_selects_file(tmp_path):
    p = write(tmp_path, VALID.replace("和平区南市街就业驿站", "别的驿站"))
    assert load_config(env={"KIOSK_CONFIG": str(p)}).station.name == "别的驿站"


def test_production_example_is_valid():
    cfg = load_config(DEFAULT_CONFIG_PATH.parent / "production.example.toml", env={})
    assert cfg.screen.fullscreen and not cfg.demo.enabled
    assert cfg.devices.idcard.backend == "serial"


def test_video_section():
    demo = load_config(env={})
    assert demo.video.enabled and demo.video.camera == "test" and demo.video.ice_servers == ()
    assert demo.video.topics == ("求职指导", "政策咨询", "创业指导", "技能培训", "其他")
    prod = load_config(DEFAULT_CONFIG_PATH.parent / "production.example.toml", env={})
    assert prod.video.camera.startswith("v4l2:") and prod.video.ice_servers[1].urls.startswith("turn:")
    assert prod.video.ice_servers[1].username == "kiosk"
    env = load_config(env={"KIOSK__VIDEO__IDENTITY_REQUIRED_TOPICS": "政策咨询, 其他",
                           "KIOSK__VIDEO__CAMERA": "none"})
    assert env.video.identity_required_topics == ("政策咨询", "其他") and env.video.camera == "none"


@pytest.mark.parametrize("section, key", [
    ('[video]\ncamera = "webcam"', "video.camera"),
    ('[video]\naudio_out = "test"', "video.audio_out"),
    ('[video]\nidentity_required_topics = ["算命"]', "video.identity_required_topics"),
    ('[video]\ntopics = []', "video.topics"),
    ('[video]\ntopics = "其他"', "video.topics"),
    ('[video]\nice_servers = [{ urls = "http://x" }]', "video.ice_servers"),
    ('[video]\nice_servers = [{ urls = "turn:x:3478" }]', "video.ice_servers"),
])
def test_bad_video_values_name_the_key(tmp_path, section, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(write(tmp_path, VALID.replace("[video]", "[video_old]").split("[video_old]")[0] + section),
                    env={})


def test_every_qr_has_a_template_and_a_city_can_point_them_elsewhere(tmp_path):
    cfg = load_config(env={})
    base = "http://127.0.0.1:8700"
    assert cfg.shortlist_url("S1") == f"{base}/shortlists/S1"
    assert cfg.ticket_url("T1") == f"{base}/tickets/T1"
    assert cfg.fair_url("F1") == f"{base}/job-fairs/F1?s=TJ-HP-NSJ-01"
    assert cfg.service_url("G1") == f"{base}/services/G1"
    assert cfg.station_url("TJ-1") == f"{base}/stations/TJ-1"
    assert cfg.service_request_url("PABCDEFG", "tok") == f"{base}/requests/PABCDEFG?k=tok"
    assert cfg.callback_url("tok") == f"{base}/callbacks/tok"
    assert cfg.interest_url("tok") == f"{base}/interests/tok"
    city = load_config(env={"KIOSK__QR__INTEREST": "https://m.example.cn/my/{token}?from={station_id}"})
    assert city.interest_url("abc") == "https://m.example.cn/my/abc?from=TJ-HP-NSJ-01"


@pytest.mark.parametrize("template, why", [("{central_url}/x/{idd}", "unknown placeholder"),
                                           ("{central_url}/callbacks/", "must contain {token}"),
                                           ("{central_url}/callbacks/{token", "not a template")])
def test_a_bad_qr_template_names_its_key(tmp_path, template, why):
    with pytest.raises(ConfigError, match=rf"qr\.callback: .*{why}"):
        load_config(env={"KIOSK__QR__CALLBACK": template})


def test_a_real_station_refuses_published_secrets_and_the_demo_does_not():
    from kiosk.config import production_problems

    assert production_problems(load_config(env={})) == []  # the demo station runs as shipped
    prod = load_config(DEFAULT_CONFIG_PATH.parent / "production.example.toml", env={})
    problems = production_problems(prod)
    assert len(problems) == 2
    assert "central.person_key_secret is a published default" in problems[0] and "token_hex(32)" in problems[0]
    assert "register-kiosk" in problems[1]
    fixed = load_config(DEFAULT_CONFIG_PATH.parent / "production.example.toml",
                        env={"KIOSK__CENTRAL__PERSON_KEY_SECRET": "9f" * 32, "KIOSK__CENTRAL__SECRET": "s" * 43})
    assert production_problems(fixed) == []
    short = load_config(DEFAULT_CONFIG_PATH.parent / "production.example.toml",
                        env={"KIOSK__CENTRAL__PERSON_KEY_SECRET": "short", "KIOSK__CENTRAL__SECRET": "s" * 43})
    assert ["too short" in x for x in production_problems(short)] == [True]
    demo_key = load_config(env={"KIOSK__DEMO__ENABLED": "false", "KIOSK__CENTRAL__ENABLED": "false"})
    assert ["published default" in x for x in production_problems(demo_key)] == [True]


def test_the_config_is_looked_up_where_an_installed_program_looks(tmp_path, monkeypatch):
    import kiosk.config as config

    system = tmp_path / "etc" / "kiosk.toml"
    monkeypatch.setattr(config, "SYSTEM_CONFIG_PATH", system)
    assert config.config_path(env={}) == DEFAULT_CONFIG_PATH  # nothing installed: the packaged demo
    write(tmp_path, VALID.replace("和平区南市街就业驿站", "系统配置驿站"))
    system.parent.mkdir()
    (tmp_path / "kiosk.toml").rename(system)
    assert load_config(env={}).station.name == "系统配置驿站"
    env_file = write(tmp_path, VALID.replace("和平区南市街就业驿站", "环境变量驿站"))
    assert load_config(env={"KIOSK_CONFIG": str(env_file)}).station.name == "环境变量驿站"
    given = tmp_path / "given.toml"
    given.write_text(VALID.replace("和平区南市街就业驿站", "命令行驿站"), encoding="utf-8")
    assert load_config(given, env={"KIOSK_CONFIG": str(env_file)}).station.name == "命令行驿站"


def test_the_packaged_default_is_the_projects_config_file():
    from kiosk.config import PROJECT_ROOT

    assert DEFAULT_CONFIG_PATH.read_bytes() == (PROJECT_ROOT / "config" / "kiosk.toml").read_bytes()


def test_a_relative_data_dir_of_an_installed_kiosk_goes_under_xdg_data_home(tmp_path, monkeypatch):
    import kiosk.config as config

    assert load_config(env={}).data_path == config.PROJECT_ROOT / "var"  # a checkout keeps it beside the code
    monkeypatch.setattr(config, "in_checkout", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert load_config(env={}).data_path == tmp_path / "jincai-kiosk" / "var"
