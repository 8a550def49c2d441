"""The outbox archive: index.html and an Atom feed.xml of every built digest, a digest of digests."""
from __future__ import annotations

import json
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from helpers.feeds import FeedServer, body
from helpers.paths import EXAMPLES

from digest.cli.main import cli
from digest.store import workspace
from digest.store.corpus import Corpus

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = 'Desk <script>alert("x")</script> & Co'
FIRST_DAY = ("coastal-herald-solar.txt", "diario-del-puerto-solar.txt", "grid-weekly-solar.md",
             "northern-ledger-solar.html", "regional-wire-solar-syndicated.eml")


def _ok(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example workspace built twice (the solar story on 5 March, the rest on 6 March)."""
    folder = tmp_path_factory.mktemp("archive") / "demo"
    shutil.copytree(EXAMPLES, folder)
    toml = folder / "digest.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r'(?m)^title = .*$', f"title = {TITLE!r}".replace("'", "'''"), text, count=1),
                    encoding="utf-8")
    later = folder / "later"
    later.mkdir()
    for path in (folder / "inbox").iterdir():
        if path.is_file() and path.name not in FIRST_DAY:
            path.rename(later / path.name)
    _ok("--config", toml, "ingest")
    _ok("--config", toml, "build", "--date", "2026-03-05")
    for path in later.iterdir():
        path.rename(folder / "inbox" / path.name)
    _ok("--config", toml, "ingest")
    _ok("--config", toml, "build", "--date", "2026-03-06")
    return folder


def _digests(folder: Path) -> list[tuple[str, int]]:
    with Corpus(folder / "corpus.sqlite") as corpus:
        rows = corpus.db.execute("SELECT id, json FROM digests ORDER BY built_at").fetchall()
    return [(r[0], len(json.loads(r[1])["stories"])) for r in rows]


def test_every_build_is_listed_in_the_index_with_its_files(built):
    index = (built / "outbox" / "index.html").read_text(encoding="utf-8")
    digests = _digests(built)
    assert [d for d, _ in digests] == ["2026-03-05", "2026-03-06"]
    for digest_id, stories in digests:
        row = re.search(rf'<tr id="{digest_id}">(.*?)</tr>', index, re.S).group(1)
        assert f"{stories} stor" in row
        for name in ("digest.html", "digest.pdf", "digest.txt"):
            assert f'href="{digest_id}/{name}"' in row
            assert (built / "outbox" / digest_id / name).is_file()
    assert index.index('id="2026-03-06"') < index.index('id="2026-03-05"')  # newest first
    assert 'type="application/atom+xml" href="feed.xml"' in index


def test_feed_is_atom_that_feedparser_reads_without_bozo(built):
    parsed = feedparser.parse((built / "outbox" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link.split("/")[0] for e in parsed.entries] == ["2026-03-06", "2026-03-05"]
    root = ET.parse(built / "outbox" / "feed.xml").getroot()
    for tag in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert root.findtext(ATOM + tag), tag
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(ATOM + "entry"):
        assert entry.findtext(ATOM + "id").startswith("urn:uuid:")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext(ATOM + "updated"))
        content = entry.find(ATOM + "content")
        assert content.get("type") == "html" and "<p" in content.text and "<html" not in content.text
        assert 'class="preheader"' not in content.text  # hidden by mail styles, shown by feed readers


def test_rebuild_gives_the_same_archive_and_ids(built):
    feed, index = (built / "outbox" / "feed.xml").read_bytes(), (built / "outbox" / "index.html").read_bytes()
    (built / "outbox" / "feed.xml").unlink()
    (built / "outbox" / "index.html").unlink()
    _ok("--config", built / "digest.toml", "archive", "--rebuild")
    assert (built / "outbox" / "feed.xml").read_bytes() == feed
    assert (built / "outbox" / "index.html").read_bytes() == index


def test_a_title_with_markup_stays_text(built):
    index = (built / "outbox" / "index.html").read_text(encoding="utf-8")
    raw = (built / "outbox" / "feed.xml").read_text(encoding="utf-8")
    assert "<script" not in index and "&lt;script&gt;" in index
    assert "<script" not in raw
    root = ET.fromstring(raw.encode("utf-8"))
    assert root.findtext(ATOM + "title") == TITLE
    for entry in root.findall(ATOM + "entry"):
        assert TITLE in entry.findtext(ATOM + "title")
        assert "<script" not in entry.findtext(ATOM + "content")  # the digest's own HTML escaped it


def test_base_url_makes_every_link_absolute(built, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(built, folder)
    toml = folder / "digest.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[archive]\nbase_url = "https://news.example/desk"\n',
                    encoding="utf-8")
    _ok("--config", toml, "archive", "--rebuild")
    root = ET.parse(folder / "outbox" / "feed.xml").getroot()
    hrefs = [link.get("href") for link in root.iter(ATOM + "link")]
    assert len(hrefs) == 2 + 2 * 3 and all(h.startswith("https://news.example/desk/") for h in hrefs), hrefs
    assert "https://news.example/desk/feed.xml" in hrefs
    old_ids = [e.findtext(ATOM + "id") for e in ET.parse(built / "outbox" / "feed.xml").getroot().iter(ATOM + "entry")]
    assert [e.findtext(ATOM + "id") for e in root.iter(ATOM + "entry")] == old_ids
    bad = toml.read_text(encoding="utf-8").replace("https://news.example/desk", "news.example")
    toml.write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(toml), "archive", "--rebuild"])
    assert result.exit_code == 1 and "[archive] base_url" in result.output


def test_a_second_workspace_fetches_the_digests_and_builds_a_digest_of_digests(built, tmp_path):
    feed = (built / "outbox" / "feed.xml").read_bytes()
    with FeedServer() as server:
        server.routes["/desk/feed.xml"] = body(feed, "application/atom+xml")
        second = tmp_path / "second"
        workspace.init(second)
        toml = second / "digest.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + f'\n[[feed]]\nurl = "{server.url("/desk/feed.xml")}"\n',
                        encoding="utf-8")
        fetched = _ok("--config", toml, "fetch").stdout
    assert "2 added" in fetched, fetched
    with Corpus(second / "corpus.sqlite") as corpus:
        rows = corpus.db.execute("SELECT title, url, body FROM articles ORDER BY url").fetchall()
    assert [r["url"] for r in rows] == [server.url(f"/desk/{d}/digest.html") for d in ("2026-03-05", "2026-03-06")]
    assert all(r["title"].startswith(TITLE + ": ") for r in rows)  # the markup came through as text
    assert "floating solar farm" in rows[0]["body"] and "Bike lanes plan passes" in rows[1]["body"]
    _ok("--config", toml, "build", "--date", "2026-03-07")
    assert (second / "outbox" / "2026-03-07" / "digest.html").is_file()
    assert (second / "outbox" / "feed.xml").is_file()


def test_a_deleted_digest_folder_is_left_out_with_a_warning(built, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(built, folder)
    shutil.rmtree(folder / "outbox" / "2026-03-05")
    result = CliRunner().invoke(cli, ["--config", str(folder / "digest.toml"), "archive", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert "2026-03-05" in result.output and "left out" in result.output
    parsed = feedparser.parse((folder / "outbox" / "feed.xml").read_bytes())
    assert [e.link for e in parsed.entries] == ["2026-03-06/digest.html"]
    assert 'id="2026-03-05"' not in (folder / "outbox" / "index.html").read_text(encoding="utf-8")


def test_a_rendered_again_digest_is_updated_in_the_feed(built, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(built, folder)

    def updated() -> dict[str, str]:
        root = ET.parse(folder / "outbox" / "feed.xml").getroot()
        return {e.find(ATOM + "link").get("href"): e.findtext(ATOM + "updated") for e in root.iter(ATOM + "entry")}
    before = updated()
    time.sleep(1.1)  # Atom times have whole seconds
    _ok("--config", folder / "digest.toml", "build", "--again", "--date", "2026-03-05")
    after = updated()
    assert after["2026-03-05/digest.html"] > before["2026-03-05/digest.html"]
    assert after["2026-03-06/digest.html"] == before["2026-03-06/digest.html"]
