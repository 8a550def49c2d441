"""digest.toml: defaults documented in one file, unknown names and wrong types refused."""
from __future__ import annotations

import tomllib

import pytest

from digest import config as config_mod
from digest.errors import ConfigError


def test_init_writes_every_default_with_a_comment(workspace_dir):
    text = (workspace_dir / "digest.toml").read_text()
    parsed = tomllib.loads(text)
    lines = text.splitlines()
    for section, values in parsed.items():
        for key in values:
            index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
            assert lines[index - 1].startswith("#"), key
    assert parsed == config_mod.merge({})


def test_paths_are_relative_to_the_config_file(workspace_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = config_mod.load(workspace_dir / "digest.toml")
    assert cfg.path("inbox") == (workspace_dir / "inbox").resolve()
    assert cfg.path("corpus") == (workspace_dir / "corpus.sqlite").resolve()


def test_user_values_override_defaults(tmp_path):
    file = tmp_path / "digest.toml"
    file.write_text('[digest]\ntitle = "Desk"\n[summary]\npoints_per_section = 3\n')
    cfg = config_mod.load(file)
    assert cfg.settings.digest.title == "Desk"
    assert cfg.settings.summary.points_per_section == 3
    assert cfg.settings.dedup.num_perm == 128


@pytest.mark.parametrize("text, words", [
    ('[digest]\ntitel = "x"\n', ["titel", "known"]),
    ('[nope]\nx = 1\n', ["[nope]", "known sections"]),
    ('[summary]\npoints_per_section = "many"\n', ["points_per_section", "int"]),
    ('[digest\n', ["not valid TOML"]),
])
def test_bad_config_names_file_and_option(tmp_path, text, words):
    file = tmp_path / "digest.toml"
    file.write_text(text)
    with pytest.raises(ConfigError) as info:
        config_mod.load(file)
    message = str(info.value)
    assert str(file) in message
    for word in words:
        assert word in message


def test_missing_config_suggests_init(tmp_path):
    with pytest.raises(ConfigError, match="digest init"):
        config_mod.load(tmp_path / "digest.toml")


def test_feed_tables_are_kept(tmp_path):
    file = tmp_path / "digest.toml"
    file.write_text('[[feed]]\nurl = "http://127.0.0.1:1/a.xml"\nname = "A"\n')
    cfg = config_mod.load(file)
    assert [f["url"] for f in cfg.feeds] == ["http://127.0.0.1:1/a.xml"]


def test_unknown_time_zone_names_the_option(tmp_path):
    cfg = config_mod.from_mapping({"digest": {"timezone": "Mars/Olympus"}}, tmp_path)
    with pytest.raises(ConfigError, match=r"\[digest\] timezone = 'Mars/Olympus'"):
        cfg.timezone()
    assert str(config_mod.from_mapping({"digest": {"timezone": "Europe/Kyiv"}}, tmp_path).timezone()) == "Europe/Kyiv"


def test_mail_addresses_are_checked_once_for_headers_and_envelope(tmp_path):
    config = config_mod.from_mapping(
        {"email": {"from": "Morning Desk <desk@example.org>", "to": ["Ana <ana@example.org>", "bo@example.org"]}},
        tmp_path)
    mail = config.mail_addresses()
    assert mail.header_from == "Morning Desk <desk@example.org>" and mail.envelope_from == "desk@example.org"
    assert mail.header_to == ("Ana <ana@example.org>", "bo@example.org")
    assert mail.envelope_to == ("ana@example.org", "bo@example.org")
    for bad in ({"from": "nobody"}, {"to": ["ana at example"]}, {"to": []}):
        with pytest.raises(ConfigError, match=r"\[email\] (from|to)"):
            config_mod.from_mapping({"email": bad}, tmp_path).mail_addresses()


@pytest.mark.parametrize("section, key, value, words", [
    ("ingest", "max_file_mb", -1, "above 0"),
    ("summary", "stories_per_digest", 1e300, "at most"),
    ("summary", "stories_per_digest", float("inf"), "stories_per_digest"),
    ("stories", "similarity", float("nan"), "above 0"),
    ("stories", "similarity", -0.2, "above 0"),
    ("dedup", "num_perm", -5, "at least 16"),
    ("dedup", "shingle_size", 0, "at least 1"),
    ("feeds", "concurrency", 0, "at least 1"),
    ("smtp", "port", 70000, "at most 65535"),
    ("ingest", "archive", "keep", "'move', 'delete'"),
    ("email", "inliner", "tidy", "'premailer', 'css-inline'"),
    ("ingest", "follow_links", "everywhere", "'inbox', 'workspace', 'none'"),
    ("paths", "corpus", "  ", "is empty"),
    ("backup", "keep", -1, "at least 0"),
    ("feeds", "round_timeout", float("nan"), "should be int"),
])
def test_options_out_of_range_are_refused_by_name(tmp_path, section, key, value, words):
    with pytest.raises(ConfigError) as caught:
        config_mod.from_mapping({section: {key: value}}, tmp_path)
    message = str(caught.value)
    assert f"[{section}] {key}" in message and words in message


def test_every_option_of_default_toml_is_typed_with_its_range():
    from digest.settings import option_names
    assert {k: set(v) for k, v in tomllib.loads(config_mod.default_text()).items()} == option_names()


def test_settings_are_typed_and_read_only(tmp_path):
    cfg = config_mod.from_mapping({"feeds": {"timeout": 5}, "pdf": {"page_size": "letter"}}, tmp_path)
    assert cfg.settings.feeds.timeout == 5 and cfg.settings.dedup.num_perm == 128
    assert cfg.settings.pdf.page_size == "letter"
    with pytest.raises(AttributeError):
        cfg.settings.feeds.timeout = 1  # type: ignore[misc]
