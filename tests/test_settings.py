"""Settings: defaults < config file < NEWSDESK_* environment < CLI flags, where each value
came from, errors that name the bad key, and `newsdesk config show`."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.cli.main import main
from newsdesk.errors import ConfigError
from newsdesk.settings import SETTINGS, load_settings

CONFIG = """\
data_dir = "/srv/news"
sources = ["https://gazette.example/feed.xml", "feeds/"]

[fetch]
timeout = 5
user_agent = "newsroom-bot/2"

[dedupe]
near_threshold = 0.8
"""


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in an empty folder (no ./newsdesk.toml) without the caller's NEWSDESK_* variables;
    put back the root logger the CLI reconfigures."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("NEWSDESK_")]:
        monkeypatch.delenv(name)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield tmp_path
    root.handlers[:] = handlers
    root.setLevel(level)


def write_config(folder: Path, text: str = CONFIG, name: str = "site.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_the_settings_table() -> None:
    settings = load_settings(environ={})
    for setting in SETTINGS:
        assert settings[setting.name] == setting.default
        assert settings.origins[setting.name] == "default"
    assert settings.database_url.endswith("newsdesk-data/newsdesk.db")


def test_a_config_file_overrides_defaults(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    settings = load_settings(path, environ={})
    assert settings["fetch.timeout"] == 5.0 and isinstance(settings["fetch.timeout"], float)
    assert settings["fetch.user_agent"] == "newsroom-bot/2"
    assert settings["sources"] == ["https://gazette.example/feed.xml", "feeds/"]
    assert settings.origins["fetch.timeout"] == str(path)
    assert settings.origins["fetch.max_bytes"] == "default"
    assert settings.section("fetch")["timeout"] == 5.0


def test_newsdesk_toml_in_the_working_folder_is_read(tmp_path: Path) -> None:
    write_config(tmp_path, "[fetch]\nretries = 5\n", name="newsdesk.toml")
    settings = load_settings(environ={})
    assert settings["fetch.retries"] == 5
    assert settings.origins["fetch.retries"] == "newsdesk.toml"


def test_environment_overrides_the_file_and_overrides_win(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    environ = {"NEWSDESK_FETCH_TIMEOUT": "7.5", "NEWSDESK_DEDUPE_NEAR_THRESHOLD": "0.9",
               "NEWSDESK_FETCH_RESPECT_ROBOTS": "no", "NEWSDESK_SOURCES": "a.xml, b.opml"}
    settings = load_settings(path, overrides={"dedupe.near_threshold": "0.75",
                                              "fetch.retries": None}, environ=environ)
    assert settings["fetch.timeout"] == 7.5
    assert settings.origins["fetch.timeout"] == "NEWSDESK_FETCH_TIMEOUT"
    assert settings["dedupe.near_threshold"] == 0.75
    assert settings.origins["dedupe.near_threshold"] == "cli"
    assert settings["fetch.respect_robots"] is False
    assert settings["sources"] == ["a.xml", "b.opml"]
    assert settings["fetch.user_agent"] == "newsroom-bot/2"  # only in the file
    assert settings.origins["fetch.retries"] == "default"  # a None override is no override
    assert settings["data_dir"] == "/srv/news"


def test_an_unknown_key_in_the_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[fetch]\ntimeout = 5\ntimout = 6\n")
    with pytest.raises(ConfigError, match=r"fetch\.timout") as caught:
        load_settings(path, environ={})
    assert str(path) in str(caught.value)


def test_an_unknown_override_is_an_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"fetch\.speed"):
        load_settings(overrides={"fetch.speed": 3}, environ={})
    settings = load_settings(environ={})
    with pytest.raises(ConfigError, match=r"no\.such"):
        settings["no.such"]


@pytest.mark.parametrize(("source", "key"), [
    ("file", "fetch.timeout"), ("env", "fetch.timeout"), ("env", "fetch.respect_robots"),
    ("override", "fetch.max_bytes"),
])
def test_a_value_of_the_wrong_type_is_an_error_naming_the_key(
        tmp_path: Path, source: str, key: str) -> None:
    section, name = key.split(".")
    env_var = "NEWSDESK_" + key.replace(".", "_").upper()
    config, environ, overrides = None, {}, {}
    if source == "file":
        config = write_config(tmp_path, f'[{section}]\n{name} = "soon"\n')
    elif source == "env":
        environ = {env_var: "soon"}
    else:
        overrides = {key: "five megabytes"}
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")) as caught:
        load_settings(config, overrides=overrides, environ=environ)
    if source == "env":
        assert env_var in str(caught.value)  # says where the bad value came from


def test_a_missing_or_broken_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", environ={})
    broken = write_config(tmp_path, "[fetch\ntimeout = 5\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken, environ={})


def test_config_show_json_prints_the_resolved_values(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path)
    monkeypatch.setenv("NEWSDESK_FETCH_TIMEOUT", "9")
    code = main(["config", "show", "--json", "--config", str(path),
                 "--data-dir", str(tmp_path / "data")])
    assert code == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {s.name for s in SETTINGS}
    assert shown["fetch.timeout"] == 9.0  # environment over file
    assert shown["fetch.user_agent"] == "newsroom-bot/2"  # file over default
    assert shown["data_dir"] == str(tmp_path / "data")  # flag over file
    assert shown["dedupe.window_days"] == 14  # default


def test_config_show_table_names_where_each_value_came_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_FETCH_RETRIES", "4")
    assert main(["config", "show", "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "fetch.retries" in line)
    assert "4" in row and "NEWSDESK_FETCH_RETRIES" in row
    data_row = next(line for line in out.splitlines() if line.strip("│ ").startswith("data_dir"))
    assert "cli" in data_row
    assert f"resolved database: sqlite:///{tmp_path / 'data' / 'newsdesk.db'}" in out


def test_config_show_reports_a_bad_setting_and_fails(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NEWSDESK_FETCH_TIMEOUT", "soon")
    assert main(["config", "show", "--json"]) == 2
    err = capsys.readouterr().err
    assert "fetch.timeout" in err and "NEWSDESK_FETCH_TIMEOUT" in err
