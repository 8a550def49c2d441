"""Feeds over real HTTP: a server on 127.0.0.1 serves RSS 2.0, Atom, RSS 1.0, 304s, redirects, errors."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from helpers.feeds import (
    FEEDS_DATA,
    FeedServer,
    body,
    huge,
    redirect,
    slow,
    static,
    status,
    trickle,
)
from helpers.paths import SHARED

from digest import config as config_mod
from digest.cli.main import cli
from digest.errors import ConfigError, InputError
from digest.ingest import feeds
from digest.sources import http, netguard, pages
from digest.sources.extract import html_fragment_to_text
from digest.store import feedstate, workspace


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv


def make_config(tmp_path: Path, feed_tables: list[dict], **feeds_options):
    """A workspace config with these [[feed]] tables and a short timeout."""
    options = {"timeout": 1, "max_mb": 1, "concurrency": 4}
    options["max_age_days"] = 0  # the test feeds carry fixed dates in 2026
    options.update(feeds_options)
    return config_mod.from_mapping({"feed": feed_tables, "feeds": options}, tmp_path)


def fetch(config, **kwargs):
    with workspace.open_corpus(config) as corpus:
        return feeds.fetch_all(config, corpus, **kwargs)


def rows(config, sql, *args):
    with workspace.open_corpus(config) as corpus:
        return [dict(r) for r in corpus.db.execute(sql, args)]


def feed_row(config, url):
    return rows(config, "SELECT * FROM feeds WHERE url = ?", url)[0]


def test_rss2_atom_rss1_become_articles(tmp_path, server):
    server.routes.update({"/rss2.xml": static("rss2.xml"), "/atom.xml": static("atom.xml", "application/atom+xml"),
                          "/rss1.rdf": static("rss1.rdf", "application/rdf+xml")})
    urls = [server.url(p) for p in ("/rss2.xml", "/atom.xml", "/rss1.rdf")]
    config = make_config(tmp_path, [{"url": urls[0], "name": "Harbour"}, {"url": urls[1]}, {"url": urls[2]}])
    seen = []
    report = fetch(config, progress=seen.append)
    assert report.failed == [] and seen == urls
    assert report.counts()["added"] == 5 and report.counts()["feeds_ok"] == 3
    arts = {r["title"]: r for r in rows(config, "SELECT * FROM articles")}
    ferry = arts["Ferry timetable changes & new night crossing"]
    assert ferry["outlet"] == "Harbour" and ferry["author"] == "Mira Olsen"
    assert ferry["url"] == "http://example.test/ferry-timetable"
    assert ferry["published"].startswith("2026-11-02T08:15:00") and not ferry["published_is_guess"]
    assert "<p>" not in ferry["body"] and "\n\n" in ferry["body"] and "six-month trial" in ferry["body"]
    apples = arts["Orchard growers report a record apple harvest"]  # HTML title cleaned to text
    assert apples["outlet"] == "Valley Observer" and apples["author"] == "Tomas Kerr" and apples["language"] == "en"
    assert arts["Town library extends opening hours for students"]["author"] == "Ana Ruiz"
    agent = server.hits("/rss2.xml")[0]["User-Agent"]
    assert agent.startswith("digest/") and "feed reader" in agent


def test_conditional_get_304_costs_nothing(tmp_path, server):
    stamp = "Wed, 04 Nov 2026 09:00:00 GMT"
    server.routes.update({"/rss2.xml": static("rss2.xml", etag='"v1"'),
                          "/atom.xml": static("atom.xml", "application/atom+xml", last_modified=stamp)})
    config = make_config(tmp_path, [{"url": server.url("/rss2.xml")}, {"url": server.url("/atom.xml")}])
    assert fetch(config).counts()["added"] == 4
    assert feed_row(config, server.url("/rss2.xml"))["etag"] == '"v1"'
    again = fetch(config)
    assert again.counts()["feeds_not_modified"] == 2 and again.counts()["added"] == 0
    assert server.hits("/rss2.xml")[1]["If-None-Match"] == '"v1"'
    assert server.hits("/atom.xml")[1]["If-Modified-Since"] == stamp
    assert feed_row(config, server.url("/atom.xml"))["status"] == "not_modified"
    assert feed_row(config, server.url("/atom.xml"))["last_modified"] == stamp


def test_seen_guids_are_skipped_before_any_work(tmp_path, server):
    server.routes["/rss2.xml"] = static("rss2.xml")  # no validators: the body comes every time
    config = make_config(tmp_path, [{"url": server.url("/rss2.xml")}])
    fetch(config)
    again = fetch(config)
    assert again.counts()["entries_seen_before"] == 2 and again.counts()["added"] == 0
    assert rows(config, "SELECT count(*) AS n FROM duplicates")[0]["n"] == 0
    assert {r["guid"] for r in rows(config, "SELECT guid FROM feed_entries")} == {"harbour-0001", "harbour-0002"}


def test_same_entry_in_two_feeds_goes_through_dedup(tmp_path, server):
    server.routes.update({"/a.xml": static("rss2.xml"), "/b.xml": static("rss2.xml")})
    config = make_config(tmp_path, [{"url": server.url("/a.xml")}, {"url": server.url("/b.xml")}])
    report = fetch(config)
    assert report.counts()["added"] == 2 and report.counts()["duplicates"] == 2
    assert rows(config, "SELECT count(*) AS n FROM articles")[0]["n"] == 2


def test_301_updates_stored_url_and_302_does_not(tmp_path, server):
    server.routes.update({"/old.xml": redirect(301, "/rss2.xml"), "/rss2.xml": static("rss2.xml"),
                          "/temp.xml": redirect(302, "/atom.xml"), "/atom.xml": static("atom.xml")})
    old, temp = server.url("/old.xml"), server.url("/temp.xml")
    config = make_config(tmp_path, [{"url": old}, {"url": temp}])
    report = fetch(config)
    assert report.moved == [(old, server.url("/rss2.xml"))] and report.counts()["added"] == 4
    assert feed_row(config, old)["fetch_url"] == server.url("/rss2.xml")
    assert feed_row(config, temp)["fetch_url"] == temp
    fetch(config)
    assert len(server.hits("/old.xml")) == 1 and len(server.hits("/rss2.xml")) == 2
    assert len(server.hits("/temp.xml")) == 2


def test_moved_feed_keeps_its_guids_when_the_config_is_updated(tmp_path, server):
    server.routes.update({"/old.xml": redirect(301, "/rss2.xml"), "/rss2.xml": static("rss2.xml")})
    fetch(make_config(tmp_path, [{"url": server.url("/old.xml")}]))
    report = fetch(make_config(tmp_path, [{"url": server.url("/rss2.xml")}]))
    assert report.counts()["entries_seen_before"] == 2 and report.counts()["duplicates"] == 0


def test_410_disables_the_feed(tmp_path, server):
    server.routes["/gone.xml"] = status(410)
    url = server.url("/gone.xml")
    config = make_config(tmp_path, [{"url": url}])
    report = fetch(config)
    assert report.gone == [url] and "410" in report.failed[0][1]
    assert feed_row(config, url)["status"] == "disabled"
    assert fetch(config).skipped == [url] and len(server.hits("/gone.xml")) == 1


def test_errors_keep_last_good_state_and_back_off(tmp_path, server):
    server.routes["/flaky.xml"] = static("rss2.xml", etag='"good"')
    url = server.url("/flaky.xml")
    config = make_config(tmp_path, [{"url": url}])
    fetch(config)
    server.routes["/flaky.xml"] = status(500)
    report = fetch(config)
    assert report.failed == [(url, f"HTTP 500 from {url}")]
    row = feed_row(config, url)
    assert row["etag"] == '"good"' and row["failures"] == 1 and row["next_try"] and row["status"] == "error"
    assert fetch(config).skipped == [url] and len(server.hits("/flaky.xml")) == 2
    fetch(config, force=True)
    assert feed_row(config, url)["failures"] == 2 and len(server.hits("/flaky.xml")) == 3
    assert feeds.backoff(1) < feeds.backoff(3) < feeds.backoff(30) == feeds.BACKOFF_MAX
    with workspace.open_corpus(config) as corpus:
        assert feedstate.feed_rows(corpus)[0]["last_error"] == f"HTTP 500 from {url}"


def test_retry_after_is_honoured(tmp_path, server):
    server.routes["/busy.xml"] = status(503, {"Retry-After": "7200"})
    url = server.url("/busy.xml")
    config = make_config(tmp_path, [{"url": url}])
    fetch(config)
    from datetime import datetime
    wait = datetime.fromisoformat(feed_row(config, url)["next_try"]) - datetime.fromisoformat(
        feed_row(config, url)["checked_at"])
    assert wait.total_seconds() == 7200


def test_retry_after_as_an_http_date_is_honoured(tmp_path, server):
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    later = format_datetime(datetime.now(timezone.utc) + timedelta(hours=3), usegmt=True)
    server.routes["/busy.xml"] = status(503, {"Retry-After": later})
    url = server.url("/busy.xml")
    config = make_config(tmp_path, [{"url": url}])
    fetch(config)
    wait = datetime.fromisoformat(feed_row(config, url)["next_try"]) - datetime.fromisoformat(
        feed_row(config, url)["checked_at"])
    assert 3 * 3600 - 60 <= wait.total_seconds() <= 3 * 3600
    now = datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert http.retry_after({"Retry-After": "Mon, 23 Nov 2026 00:10:00 GMT"}, now) == timedelta(minutes=10)
    assert http.retry_after({"Retry-After": "Wed, 01 Jan 2031 00:00:00 GMT"}, now) == http.RETRY_AFTER_MAX
    assert http.retry_after({"Retry-After": "soon"}, now) is None


def test_slow_feeds_never_block_the_others(tmp_path, server):
    server.routes.update({"/hang.xml": slow(6, static("atom.xml")), "/trickle.xml": trickle(6),
                          "/rss2.xml": static("rss2.xml")})
    config = make_config(tmp_path, [{"url": server.url(p)} for p in ("/hang.xml", "/trickle.xml", "/rss2.xml")])
    start = time.monotonic()
    report = fetch(config)
    assert time.monotonic() - start < 4
    assert report.counts()["added"] == 2
    reasons = dict(report.failed)
    assert "[feeds] timeout" in reasons[server.url("/hang.xml")]
    assert "[feeds] timeout" in reasons[server.url("/trickle.xml")]


@pytest.mark.parametrize("declared", [True, False])
def test_huge_responses_are_refused(tmp_path, server, declared):
    server.routes["/huge.xml"] = huge(3, declare_length=declared)
    config = make_config(tmp_path, [{"url": server.url("/huge.xml")}])
    report = fetch(config)
    assert "[feeds] max_mb" in report.failed[0][1]


def test_non_feeds_get_a_clear_error(tmp_path, server):
    server.routes.update({"/page": static("page.html", "text/html"),
                          "/api": static("error.json", "application/json"),
                          "/empty": body(b""), "/rss2.xml": static("rss2.xml")})
    config = make_config(tmp_path, [{"url": server.url(p)} for p in ("/page", "/api", "/empty", "/rss2.xml")])
    report = fetch(config)
    reasons = dict(report.failed)
    assert f"the page names its feed: {server.url('/rss2.xml')}" in reasons[server.url("/page")]
    assert "JSON" in reasons[server.url("/api")] and "rate limited" in reasons[server.url("/api")]
    assert "empty" in reasons[server.url("/empty")]
    assert report.counts()["added"] == 2


def test_entity_tricks_bozo_and_wrong_encoding(tmp_path, server):
    server.routes.update({"/laughs.xml": static("laughs.xml"), "/bozo.xml": static("bozo.xml"),
                          "/latin1.xml": static("latin1.xml", "application/rss+xml; charset=utf-8")})
    config = make_config(tmp_path, [{"url": server.url(p)} for p in ("/laughs.xml", "/bozo.xml", "/latin1.xml")])
    start = time.monotonic()
    report = fetch(config)
    assert time.monotonic() - start < 5
    titles = {r["title"] for r in rows(config, "SELECT title FROM articles")}
    assert "Bridge inspection finds no structural damage" in titles
    assert "Café owners vote for a longer terrace season" in titles
    assert not any("root:" in r["body"] for r in rows(config, "SELECT body FROM articles"))
    warned = dict(report.warnings)
    assert "not well-formed" in warned[server.url("/bozo.xml")]
    assert "declared as utf-8" in warned[server.url("/latin1.xml")]
    assert feed_row(config, server.url("/bozo.xml"))["last_error"].startswith("ill-formed or mis-encoded feed")


def test_full_article_fetches_the_page(tmp_path, server):
    server.routes.update({"/teaser.xml": static("teaser.xml"),
                          "/article/comet.html": static("comet.html", "text/html")})
    plain = make_config(tmp_path / "plain", [{"url": server.url("/teaser.xml")}])
    assert fetch(plain).counts()["entries_too_short"] == 1
    full = make_config(tmp_path / "full", [{"url": server.url("/teaser.xml"), "full_article": True,
                                            "topic": "Science"}])
    assert fetch(full).counts()["added"] == 1
    art = rows(full, "SELECT * FROM articles")[0]
    assert "first made at the observatory in forty years" in art["body"]
    assert "All rights reserved" not in art["body"] and "Subscribe" not in art["body"]
    with workspace.open_corpus(full) as corpus:
        assert feedstate.topics_for(corpus, [art["id"]]) == {art["id"]: "Science"}


def test_a_full_article_fetch_that_gets_a_consent_wall_stores_no_article(tmp_path, server):
    server.routes.update({"/teaser.xml": static("teaser.xml"),
                          "/article/comet.html": static("consent-wall.html", "text/html")})
    config = make_config(tmp_path, [{"url": server.url("/teaser.xml"), "full_article": True}])
    report = fetch(config)
    assert report.counts()["added"] == 0 and "page furniture" in report.non_articles[0][1]
    assert rows(config, "SELECT * FROM articles") == []
    assert [r["guid"] for r in rows(config, "SELECT guid FROM feed_entries")] == [server.url("/article/comet.html")]


def test_concurrency_is_bounded(tmp_path, server):
    live, peak, lock = [0], [0], threading.Lock()

    def counted(handler, srv):
        with lock:
            live[0] += 1
            peak[0] = max(peak[0], live[0])
        time.sleep(0.3)
        with lock:
            live[0] -= 1
        handler.send_response(304)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    for n in range(6):
        server.routes[f"/f{n}.xml"] = counted
    config = make_config(tmp_path, [{"url": server.url(f"/f{n}.xml")} for n in range(6)], concurrency=2)
    report = fetch(config)
    assert report.counts()["feeds_not_modified"] == 6 and peak[0] == 2


def test_bad_feed_tables_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="needs url"):
        feeds.feed_specs(make_config(tmp_path, [{"name": "no url"}]))
    with pytest.raises(ConfigError, match="unknown option"):
        feeds.feed_specs(make_config(tmp_path, [{"url": "https://example.org/rss", "tpoic": "x"}]))


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    text = html_fragment_to_text("<div><p>One &amp; two</p><script>alert(1)</script><p>Three<br>four</p></div>")
    assert text == "One & two\n\nThree\nfour"


def _shared_feed_files(kind: str) -> list[Path]:
    folder = SHARED / "data" / "feeds" / "tests" / kind
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (feedparser's test feeds live in ../shared next to the repo)")
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _header_lines(data: bytes) -> dict[str, str]:
    """The `Header: Name: value` lines feedparser's test files start with."""
    headers = {}
    for line in data[:2000].decode("latin-1").splitlines():
        if line.strip().startswith("Header:"):
            name, _, value = line.strip()[len("Header:"):].partition(":")
            headers[name.strip()] = value.strip()
    return headers


@pytest.mark.parametrize("kind", ["illformed", "encoding", "entities", "wellformed"])
def test_feedparser_corpus_never_crashes_the_parsing_path(kind):
    """No crash; every file where feedparser finds entries keeps all of them; the rest get a reason."""
    import feedparser

    spec = feeds.FeedSpec(url="http://127.0.0.1/feed")
    files = _shared_feed_files(kind)
    for path in files[:: max(1, len(files) // 150)]:  # an even sample of at most ~150 files
        data = path.read_bytes()
        headers = _header_lines(data)
        expected = len(feedparser.parse(data, response_headers=headers).entries)
        try:
            parsed = feeds.parse_feed(data, headers, spec.url)
        except InputError as exc:
            assert expected == 0 and exc.reason, path.name
            continue
        assert len(parsed.entries) == expected, path.name
        for entry in parsed.entries:
            article = feeds.entry_article(entry, spec, "", feeds.utcnow())
            assert isinstance(article.body, str) and "<script" not in article.body.lower(), path.name
            assert feeds.entry_guid(entry)


# commands -------------------------------------------------------------------
def invoke(config_file, *args):
    from click.testing import CliRunner

    return CliRunner().invoke(cli, ["--config", str(config_file), *args], catch_exceptions=False)


@pytest.fixture
def workspace_file(tmp_path):
    file = workspace.init(tmp_path / "ws")
    text = file.read_text().replace("max_age_days = 7", "max_age_days = 0")  # the test feeds carry fixed 2026 dates
    file.write_text(text)
    return file


def test_feeds_add_appends_and_keeps_comments(workspace_file):
    before = workspace_file.read_text()
    result = invoke(workspace_file, "feeds", "add", "https://harbour.example.test/rss.xml",
                    "--name", 'Harbour "Gazette"', "--topic", "Local", "--full-article")
    assert result.exit_code == 0, result.output
    after = workspace_file.read_text()
    assert after.startswith(before) and "# Feeds are listed as [[feed]] tables" in after
    config = config_mod.load(workspace_file)
    assert feeds.feed_specs(config) == [feeds.FeedSpec("https://harbour.example.test/rss.xml",
                                                       'Harbour "Gazette"', "Local", True)]
    again = invoke(workspace_file, "feeds", "add", "https://harbour.example.test/rss.xml")
    assert again.exit_code == 1 and "already a [[feed]]" in again.output
    bad = invoke(workspace_file, "feeds", "add", "ftp://example.test/feed")
    assert bad.exit_code == 1 and "http://" in bad.output
    assert workspace_file.read_text() == after


def test_feeds_import_opml(workspace_file):
    result = invoke(workspace_file, "feeds", "import", str(FEEDS_DATA / "subscriptions.opml"))
    assert result.exit_code == 0 and "4 feeds added" in result.output
    specs = feeds.feed_specs(config_mod.load(workspace_file))
    assert [(s.url, s.name, s.topic) for s in specs] == [
        ("https://harbour.example.test/rss.xml", "Harbour Gazette", "World"),
        ("https://valley.example.test/atom.xml", 'Valley "Observer"', "World"),
        ("https://teaser.example.test/feed", "Teaser Times", "Space"),
        ("https://plain.example.test/index.rdf", "No folder", ""),
    ]
    assert "0 feeds added, 4 already listed" in invoke(workspace_file, "feeds", "import",
                                                       str(FEEDS_DATA / "subscriptions.opml")).output
    broken = invoke(workspace_file, "feeds", "import", str(FEEDS_DATA / "laughs.xml"))
    assert broken.exit_code == 1 and "laughs.xml" in broken.output


def test_fetch_and_feeds_list_commands(workspace_file, server):
    server.routes.update({"/rss2.xml": static("rss2.xml"), "/gone.xml": status(410)})
    for path in ("/rss2.xml", "/gone.xml"):
        assert invoke(workspace_file, "feeds", "add", server.url(path)).exit_code == 0
    result = invoke(workspace_file, "fetch")
    assert result.exit_code == 0 and "2 added" in result.output and "410 Gone" in result.output
    config = config_mod.load(workspace_file)
    run = rows(config, "SELECT * FROM runs WHERE kind = 'fetch'")[0]
    assert run["status"] == "ok with errors" and json_loads(run["counts"])["added"] == 2
    listing = invoke(workspace_file, "feeds", "list").output
    assert "ok, checked" in listing and "2 entries" in listing and "disabled" in listing


def json_loads(text):
    import json

    return json.loads(text)


def test_status_lines_show_failing_feeds_and_next_run(tmp_path, server):
    from digest.cli.ops import status_lines

    server.routes["/broken.xml"] = status(500)
    config = make_config(tmp_path, [{"url": server.url("/broken.xml")}])
    fetch(config)
    with workspace.open_corpus(config) as corpus:
        lines = status_lines(config, corpus)
    assert lines[0].startswith("next scheduled run: ") and "07:00 UTC" in lines[0]
    assert lines[1] == "feeds: 1 configured, 1 failing"
    assert server.url("/broken.xml") in lines[2] and "HTTP 500" in lines[2] and "next try" in lines[2]


class _Terminal:
    """A text buffer that says it is a terminal, as stderr does in an interactive shell."""

    def __init__(self):
        import io

        self.buffer = io.StringIO()

    def write(self, text):
        return self.buffer.write(text)

    def flush(self):
        pass

    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_only(monkeypatch):
    from digest.cli.ops import progress_bar

    with progress_bar(3, "feeds") as callback:
        assert callback is None  # pytest's captured stderr is not a terminal: quiet, as under cron
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with progress_bar(3, "feeds") as callback:
        for url in ("a", "b", "c"):
            callback(url)
    assert "feeds" in terminal.buffer.getvalue() and "3/3" in terminal.buffer.getvalue()


def test_entries_older_than_max_age_are_remembered_not_stored(tmp_path, server):
    server.routes["/rss2.xml"] = static("rss2.xml")
    config = make_config(tmp_path, [{"url": server.url("/rss2.xml")}])
    spec = feeds.feed_specs(config)[0]
    with http.make_client(feeds.limits_from(config)) as client:
        def poll(days):
            limits = http.Limits(timeout=2, max_bytes=10**6, concurrency=1, min_chars=80, max_age_days=days)
            return feeds.poll(spec, feeds.FeedState(spec.url, spec.url), set(), client, limits)
        newest = feeds.utcnow() - feeds.datetime(2026, 11, 3, 10, 0, tzinfo=feeds.timezone.utc)
        cutoff = newest.total_seconds() / 86400 + 0.5  # keeps the entry of Nov 3, drops the one of Nov 2
        kept = poll(cutoff)
        assert [(e.guid, e.skip, e.article is not None) for e in kept.entries] == [
            ("harbour-0001", "old", False), ("harbour-0002", None, True)]
        assert all(e.article for e in poll(0).entries)
    with workspace.open_corpus(config) as corpus:
        report = feeds.FetchReport()
        feeds._Storer(config, corpus, report).outcome(kept, feeds.FeedState(spec.url, spec.url))
        assert report.counts()["entries_too_old"] == 1 and report.counts()["added"] == 1
        assert len(feedstate.seen_guids(corpus, spec.url)) == 2


def test_full_article_page_missing_keeps_the_feed_text(tmp_path, server, caplog):
    server.routes["/teaser.xml"] = static("teaser.xml")  # /article/comet.html is a 404 here
    config = make_config(tmp_path, [{"url": server.url("/teaser.xml"), "full_article": True}])
    report = fetch(config)
    assert report.failed == [] and report.counts()["entries_too_short"] == 1
    assert "full article not fetched" in caplog.text and "HTTP 404" in caplog.text


def test_public_feed_links_cannot_reach_private_addresses(tmp_path, server):
    limits = http.Limits(timeout=1, max_bytes=10**6, concurrency=1, min_chars=80)
    server.routes["/article/comet.html"] = static("comet.html", "text/html")
    from digest.models import Article

    article = Article(id="", title="t", outlet="o", body="teaser", url=server.url("/article/comet.html"))
    with http.make_client(limits) as client:
        public = pages.full_article(article, client, limits, feed_url="http://93.184.215.14/feed.xml")
        local = pages.full_article(article, client, limits, feed_url=server.url("/teaser.xml"))
    assert public.body == "teaser" and len(server.hits("/article/comet.html")) == 1  # only the local feed's fetch
    assert "forty years" in local.body
    assert netguard.is_private("127.0.0.1") and netguard.is_private("10.1.2.3") and netguard.is_private("::1")
    assert not netguard.is_private("93.184.215.14")
