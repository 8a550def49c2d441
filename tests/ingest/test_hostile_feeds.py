"""Hostile feed servers on 127.0.0.1: requests and fetch rounds end on time; redirects cannot reach private addresses."""
from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from helpers.feeds import (
    FeedServer,
    article_page,
    body,
    redirect,
    slow,
    static,
    teaser_feed,
    trickle,
    trickle_headers,
)

from digest import config as config_mod
from digest.cli.main import cli
from digest.errors import InputError
from digest.ingest import feeds
from digest.sources import http
from digest.store import workspace


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv


@pytest.fixture
def inside():
    """A private service on another loopback address (127.0.0.2), like a cloud metadata endpoint."""
    with FeedServer("127.0.0.2") as srv:
        srv.routes["/latest/meta-data/iam"] = body(b'{"AccessKeyId": "ASIA-SECRET-KEY"}', "application/json")
        srv.routes["/feed.xml"] = static("rss2.xml")
        srv.routes["/page.html"] = body(article_page(99), "text/html")
        yield srv


def make_config(tmp_path, feed_tables, **options):
    """A workspace config with these [[feed]] tables; the test feeds carry fixed 2026 dates."""
    settings = {"timeout": 1, "max_mb": 1, "concurrency": 4, "max_age_days": 0}
    settings.update(options)
    return config_mod.from_mapping({"feed": feed_tables, "feeds": settings}, tmp_path)


def fetch(config):
    with workspace.open_corpus(config) as corpus:
        return feeds.fetch_all(config, corpus)


def timed_fetch(config, server):
    """Fetch and time it, after a first fetch elsewhere has loaded what storing needs (language model, parsers)."""
    server.routes["/warm.xml"] = static("rss2.xml")
    fetch(make_config(config.root / "warm-up", [{"url": server.url("/warm.xml")}]))
    start = time.monotonic()
    report = fetch(config)
    return report, time.monotonic() - start


def titles(config):
    with workspace.open_corpus(config) as corpus:
        return [r[0] for r in corpus.db.execute("SELECT title FROM articles ORDER BY title")]


def page_hits(server, count):
    return sum(len(server.hits(f"/page/{n}.html")) for n in range(count))


# item 3: deadlines -----------------------------------------------------------------------
def test_timeout_bounds_the_whole_request_headers_and_body(tmp_path, server):
    server.routes.update({"/headers.xml": trickle_headers(8), "/body.xml": trickle(8),
                          "/hang.xml": slow(8, static("atom.xml")), "/rss2.xml": static("rss2.xml")})
    config = make_config(tmp_path, [{"url": server.url(p)} for p in ("/headers.xml", "/body.xml", "/hang.xml",
                                                                     "/rss2.xml")], timeout=2)
    report, elapsed = timed_fetch(config, server)
    assert elapsed < 2 + 2, f"fetch took {elapsed:.1f} s with [feeds] timeout = 2"
    reasons = dict(report.failed)
    for path in ("/headers.xml", "/body.xml", "/hang.xml"):
        assert "[feeds] timeout" in reasons[server.url(path)], reasons
    assert report.counts()["added"] == 2 and report.feeds_ok == [server.url("/rss2.xml")]


def test_full_article_pages_are_capped_per_feed_and_fetched_concurrently(tmp_path, server):
    server.routes["/teasers.xml"] = teaser_feed(8)
    for n in range(8):
        server.routes[f"/page/{n}.html"] = slow(1.5, body(article_page(n), "text/html"))
    server.routes["/rss2.xml"] = static("rss2.xml")
    config = make_config(tmp_path, [{"url": server.url("/teasers.xml"), "full_article": True},
                                    {"url": server.url("/rss2.xml")}], timeout=3, max_pages_per_feed=6)
    report, elapsed = timed_fetch(config, server)
    assert elapsed < 2 * 1.5 + 2, f"6 pages of 1.5 s, 4 at once, took {elapsed:.1f} s"
    assert page_hits(server, 8) == 6 and report.counts()["entries_deferred"] == 2
    assert "Ferry timetable changes & new night crossing" in titles(config)
    assert any(t.startswith("Harbour report number") for t in titles(config))
    again = fetch(config)  # the two entries left over are taken by the next round
    assert page_hits(server, 8) == 8 and again.counts()["entries_deferred"] == 0
    assert server.hits("/teasers.xml")[-1].get("If-None-Match") is None  # validators kept back while entries wait


def test_a_fetch_round_ends_at_round_timeout(tmp_path, server):
    server.routes.update({"/rss2.xml": static("rss2.xml"), "/teasers.xml": teaser_feed(12),
                          "/late.xml": slow(10, static("atom.xml"))})
    for n in range(12):
        server.routes[f"/page/{n}.html"] = slow(2, body(article_page(n), "text/html"))
    config = make_config(tmp_path, [{"url": server.url(p), "full_article": p == "/teasers.xml"}
                                    for p in ("/rss2.xml", "/teasers.xml", "/late.xml")],
                         timeout=20, concurrency=2, round_timeout=3, max_pages_per_feed=12)
    report, elapsed = timed_fetch(config, server)
    assert elapsed < 3 + 2, f"the round took {elapsed:.1f} s with [feeds] round_timeout = 3"
    assert "Ferry timetable changes & new night crossing" in titles(config)
    reasons = dict(report.failed)
    assert "[feeds] round_timeout" in reasons[server.url("/late.xml")]
    assert report.counts()["entries_deferred"] > 0 and report.counts()["feeds_late"] == 1
    with workspace.open_corpus(config) as corpus:
        late = corpus.db.execute("SELECT * FROM feeds WHERE url = ?", (server.url("/late.xml"),)).fetchone()
    assert late["status"] == "error" and late["next_try"] is None  # retried by the next run, no back-off


# item 4: private addresses -----------------------------------------------------------------
def workspace_with(tmp_path, urls):
    """A real workspace whose digest.toml lists these feeds, for `digest fetch` and `digest status`."""
    file = workspace.init(tmp_path / "ws")
    text = file.read_text().replace("max_age_days = 7", "max_age_days = 0").replace("timeout = 20", "timeout = 2")
    file.write_text(text + "".join(f'\n[[feed]]\nurl = "{url}"\n' for url in urls))
    return file


def test_redirects_to_other_private_addresses_are_refused_before_connecting(tmp_path, server, inside):
    server.routes.update({"/meta.xml": redirect(302, inside.url("/latest/meta-data/iam")),
                          "/inner.xml": redirect(301, inside.url("/feed.xml")),
                          "/cloud.xml": redirect(302, "http://169.254.169.254/latest/meta-data/"),
                          "/same.xml": redirect(302, server.url("/atom.xml")),
                          "/atom.xml": static("atom.xml", "application/atom+xml")})
    urls = [server.url(p) for p in ("/meta.xml", "/inner.xml", "/cloud.xml", "/same.xml")]
    file = workspace_with(tmp_path, urls)
    runner = CliRunner()
    fetched = runner.invoke(cli, ["--config", str(file), "fetch"], catch_exceptions=False)
    status = runner.invoke(cli, ["--config", str(file), "status"], catch_exceptions=False).output
    assert inside.requests == []
    for text in (fetched.output, status):
        assert "ASIA-SECRET-KEY" not in text and "Ferry" not in text
    config = config_mod.load(file)
    assert not any("Ferry" in t for t in titles(config)) and titles(config)  # the same-host redirect was taken
    lines = {url: line for url in urls for line in status.splitlines() if line.strip().startswith(url + ":")}
    for url, target in ((urls[0], inside.url("/latest/meta-data/iam")), (urls[1], inside.url("/feed.xml")),
                        (urls[2], "http://169.254.169.254/latest/meta-data/")):
        assert target in lines[url] and "private or local address" in lines[url] and "[[feed]] url" in lines[url]
        assert "nothing was fetched" in lines[url]
    assert urls[3] not in lines


def test_full_article_links_reach_only_the_configured_private_host(tmp_path, server, inside):
    port = server.base.rsplit(":", 1)[1]
    links = {"same": server.url("/page/0.html"), "name": f"http://localhost:{port}/page/1.html",
             "hop": server.url("/page/2.html")}
    server.routes.update({"/page/0.html": body(article_page(0), "text/html"),
                          "/page/1.html": body(article_page(1), "text/html"),
                          "/page/2.html": redirect(302, inside.url("/page.html"))})
    items = "".join(f"<item><title>{k}</title><link>{v}</link><guid>{k}</guid><description>Teaser {k}</description>"
                    f"</item>" for k, v in links.items())
    server.routes["/feed.xml"] = body(f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode())
    config = make_config(tmp_path, [{"url": server.url("/feed.xml"), "full_article": True}])
    fetch(config)
    assert len(server.hits("/page/0.html")) == 1  # the host the user configured
    assert server.hits("/page/1.html") == []  # localhost: a name resolving to 127.0.0.1, not the configured host
    assert inside.requests == []  # a redirect hop of a page to another private address


def test_a_name_is_resolved_once_checked_and_the_connection_pinned(server, monkeypatch):
    from digest.sources import netguard

    real = netguard.is_private

    assert netguard.refusal("news.example", 443, ["10.0.0.7"], None) == "10.0.0.7"
    assert netguard.refusal("news.example", 443, ["93.184.215.14", "127.0.0.1"], None) == "127.0.0.1"
    assert netguard.refusal("news.example", 443, ["::ffff:169.254.169.254"], None) == "::ffff:169.254.169.254"
    assert netguard.refusal("news.example", 443, ["93.184.215.14", "2606:2800:220:1::"], None) is None
    assert netguard.refusal("127.0.0.1", 8080, ["127.0.0.1"], ("127.0.0.1", 8080)) is None
    assert netguard.refusal("127.0.0.1", 8081, ["127.0.0.1"], ("127.0.0.1", 8080)) == "127.0.0.1"
    assert netguard.refusal("localhost", 8080, ["127.0.0.1"], ("localhost", 8080)) is None
    # a configured public name re-pointed at a private address (DNS rebinding of the feed host itself)
    assert netguard.refusal("news.example", 443, ["169.254.169.254"], ("news.example", 443)) == "169.254.169.254"
    port = int(server.base.rsplit(":", 1)[1])
    server.routes["/rss2.xml"] = static("rss2.xml")
    asked = []

    def resolver(host, port_):
        asked.append(host)
        return ["127.0.0.1"]

    limits = http.Limits(timeout=2, max_bytes=10**6, concurrency=1, min_chars=80)
    feed = f"http://feeds.example:{port}/rss2.xml"  # no DNS knows this name: only the pinned address answers
    with http.make_client(limits, resolve=resolver) as client:
        with pytest.raises(InputError, match="private or local address"):
            http.http_get(client, feed, limits, trusted=feed)  # a name resolving to loopback is not trusted
        assert server.hits("/rss2.xml") == []
        asked.clear()
        with monkeypatch.context() as patch:  # the pinning itself, with loopback taken for a public address
            patch.setattr(netguard, "is_private", lambda address: address != "127.0.0.1" and real(address))
            got = http.http_get(client, feed, limits, trusted=feed)
        assert got.status == 200 and asked == ["feeds.example"]
        assert server.hits("/rss2.xml")[0]["Host"] == f"feeds.example:{port}"
        with pytest.raises(InputError, match="private or local address"):
            http.http_get(client, f"http://other.example:{port}/rss2.xml", limits, trusted=feed)
    assert len(server.hits("/rss2.xml")) == 1


def test_a_resolver_that_never_answers_is_bounded_by_the_timeout():
    def silent_dns(host, port):  # stands in for a DNS server that never answers (none can be run here)
        time.sleep(5)
        return ["93.184.215.14"]

    limits = http.Limits(timeout=1, max_bytes=10**6, concurrency=1, min_chars=80)
    start = time.monotonic()
    with http.make_client(limits, resolve=silent_dns) as client:
        with pytest.raises(InputError, match=r"\[feeds\] timeout"):
            http.http_get(client, "http://news.example/feed.xml", limits)
    assert time.monotonic() - start < 1 + 1
