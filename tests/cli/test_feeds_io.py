"""Feeds in and out: `feeds export` (OPML 2.0), `feeds remove`, `feeds disable` / `enable`, round trip."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from helpers.feeds import FeedServer, static

from digest import config as config_mod
from digest.cli.main import cli
from digest.ingest.feeds import feed_specs
from digest.store import workspace

HAND_WRITTEN = '''
# the harbour desk's own feed: keep it first
[[feed]]
url = "https://harbour.example/feed.xml"  # moved here in 2025
name = "Harbour <Board> & Co"
topic = "Local"

# national wires below
[[feed]]
url = "https://wire.example/rss"
full_article = true
'''


def _workspace(tmp_path, name: str, extra: str = "") -> str:
    folder = tmp_path / name
    workspace.init(folder)
    toml = folder / "digest.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return str(toml)


def _ok(runner, *args):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_export_then_import_into_a_fresh_workspace_keeps_every_feed_and_setting(runner, tmp_path):
    first = _workspace(tmp_path, "a", HAND_WRITTEN)
    _ok(runner, "--config", first, "feeds", "add", "https://news.example/atom", "--name", "Néws \"One\"",
        "--topic", "World", "--full-article")
    _ok(runner, "--config", first, "feeds", "disable", "https://wire.example/rss")
    opml_file = tmp_path / "out.opml"
    _ok(runner, "--config", first, "feeds", "export", str(opml_file))
    printed = _ok(runner, "--config", first, "feeds", "export").stdout
    assert printed.encode("utf-8") == opml_file.read_bytes()
    root = ET.fromstring(opml_file.read_bytes())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") and root.findtext("head/dateCreated")
    feeds = [o for o in root.iter("outline") if o.get("xmlUrl")]
    assert len(feeds) == 3 and all(o.get("type") == "rss" and o.get("text") for o in feeds)
    second = _workspace(tmp_path, "b")
    _ok(runner, "--config", second, "feeds", "import", str(opml_file))
    before = feed_specs(config_mod.load(first))
    after = feed_specs(config_mod.load(second))
    assert sorted(before, key=lambda s: s.url) == sorted(after, key=lambda s: s.url)
    assert {s.url: (s.name, s.topic, s.full_article, s.enabled) for s in after}["https://wire.example/rss"] \
        == ("", "", True, False)


def test_remove_deletes_one_table_and_keeps_the_comments(runner, tmp_path):
    toml = _workspace(tmp_path, "a", HAND_WRITTEN)
    _ok(runner, "--config", toml, "feeds", "add", "https://third.example/rss", "--topic", "Sport")
    _ok(runner, "--config", toml, "feeds", "remove", "https://harbour.example/feed.xml")
    text = open(toml, encoding="utf-8").read()
    assert "harbour.example" not in text.replace("# the harbour desk", "")
    for comment in ("# the harbour desk's own feed: keep it first", "# national wires below",
                    "# Title shown in the email subject"):
        assert comment in text
    assert [s.url for s in feed_specs(config_mod.load(toml))] == ["https://wire.example/rss",
                                                                    "https://third.example/rss"]
    again = runner.invoke(cli, ["--config", toml, "feeds", "remove", "https://harbour.example/feed.xml"])
    assert again.exit_code == 1 and "https://harbour.example/feed.xml" in again.output
    assert "feeds list" in again.output


def test_a_disabled_feed_stays_listed_but_is_not_fetched(runner, tmp_path):
    with FeedServer() as server:
        server.routes["/a.xml"] = static("rss2.xml")
        server.routes["/b.xml"] = static("atom.xml", "application/atom+xml")
        toml = _workspace(tmp_path, "a", f'\n[[feed]]\nurl = "{server.url("/a.xml")}"  # keep me\n'
                                         f'\n[[feed]]\nurl = "{server.url("/b.xml")}"\n')
        _ok(runner, "--config", toml, "feeds", "disable", server.url("/a.xml"))
        assert "# keep me" in open(toml, encoding="utf-8").read()
        _ok(runner, "--config", toml, "fetch")
        assert not server.hits("/a.xml") and len(server.hits("/b.xml")) == 1
        listing = _ok(runner, "--config", toml, "feeds", "list").stdout
        assert server.url("/a.xml") in listing and "disabled" in listing
        _ok(runner, "--config", toml, "feeds", "enable", server.url("/a.xml"))
        _ok(runner, "--config", toml, "fetch")
        assert len(server.hits("/a.xml")) == 1
    assert all(s.enabled for s in feed_specs(config_mod.load(toml)))
    assert "# keep me" in open(toml, encoding="utf-8").read()


def test_enabled_must_be_true_or_false(runner, tmp_path):
    toml = _workspace(tmp_path, "a", '\n[[feed]]\nurl = "https://x.example/rss"\nenabled = "no"\n')
    result = runner.invoke(cli, ["--config", toml, "feeds", "list"])
    assert result.exit_code == 1 and "enabled" in result.output and "https://x.example/rss" in result.output
