"""Several `digest fetch` and `digest run` workers on one PostgreSQL corpus (issue 16 item 2): both
poll the same feeds (served on 127.0.0.1, each answer held until every worker asked, so all of them
hold the same new entries), yet each entry is stored by one worker, and one of the runs builds."""
from __future__ import annotations

import random
import re
import subprocess
import sys
import threading
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from helpers.feeds import FeedServer, send
from helpers.workers import left_in, make_workspace, paragraph, write_inbox

from digest.config import load
from digest.store import workspace

WORKERS = 2
ENTRIES = 40  # per feed


def _feeds(seed: int = 16) -> tuple[dict[str, bytes], dict]:
    """Two RSS feeds; feed b re-posts some of a's entries under its own GUIDs (the same text: exact
    duplicates) and updates others (a paragraph added: near copies). The feeds, and the planted truth."""
    rng = random.Random(seed)
    texts = {"a": [], "b": []}
    planted = {"exact": 0, "near": 0}
    for n in range(ENTRIES):
        texts["a"].append((f"Harbour {n} " + " ".join(rng.choices("north south east west quay dock".split(), k=4)),
                           [paragraph(rng) for _ in range(4)]))
    for n in range(ENTRIES):
        roll = rng.random()
        if roll < 0.25:
            texts["b"].append(texts["a"][n])
            planted["exact"] += 1
        elif roll < 0.5:
            texts["b"].append((f"Update on harbour {n}", [*texts["a"][n][1], paragraph(rng)]))
            planted["near"] += 1
        else:
            texts["b"].append((f"Market {n}", [paragraph(rng) for _ in range(4)]))
    feeds = {}
    for name, entries in texts.items():
        items = "".join(
            f"<item><title>{escape(title)}</title><guid>{name}-{n}</guid>"  # undated: published today
            f"<description>{escape(''.join(f'<p>{p}</p>' for p in paragraphs))}</description></item>"
            for n, (title, paragraphs) in enumerate(entries))
        feeds[name] = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {name}</title>'
                       f"{items}</channel></rss>").encode()
    planted["distinct"] = len({(t, tuple(p)) for entries in texts.values() for t, p in entries})
    return feeds, planted


def _held(data: bytes, workers: int):
    """Serve `data` once `workers` requests for it arrived: every worker polls before any one stores."""
    barrier = threading.Barrier(workers, timeout=60)

    def route(handler, server):
        barrier.wait()
        send(handler, 200, data, {"Content-Type": "application/rss+xml"})
    return route


def _workspace(folder: Path, url: str, server: FeedServer) -> Path:
    """A PostgreSQL workspace listing the two feeds (every entry kept, whatever its date)."""
    config = make_workspace(folder, url)
    text = re.sub(r"(?m)^max_age_days = \d+$", "max_age_days = 0", config.read_text(encoding="utf-8"))
    tables = "".join(f'\n[[feed]]\nurl = "{server.url(f"/{n}.xml")}"\nname = "Feed {n}"\n' for n in "ab")
    config.write_text(text + tables, encoding="utf-8")
    return config


def _workers(config: Path, command: str, count: int) -> None:
    """Run `count` processes of one command at once; each must succeed."""
    procs = [subprocess.Popen([sys.executable, "-m", "digest", "--config", str(config), "-q", command],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(count)]
    for proc in procs:
        assert proc.wait(timeout=600) == 0, proc.stderr.read()


def _state(config: Path) -> dict:
    """What the corpus holds of the feeds: entries, articles, exact duplicates, copies, digests."""
    with workspace.open_corpus(load(config)) as corpus:
        one = lambda sql: corpus.db.execute(sql).fetchone()[0]  # noqa: E731
        counts = corpus.stats()
        return {
            "entries": one("SELECT count(*) FROM feed_entries WHERE article_id IS NOT NULL"),
            "articles": one("SELECT count(*) FROM articles WHERE source_path LIKE 'feed:%'"),
            "hashes": one("SELECT count(DISTINCT content_hash) FROM articles WHERE source_path LIKE 'feed:%'"),
            "exact": counts["duplicates_dropped"],
            "copies": counts["copies"],
            "all_articles": counts["articles"],
            "digests": counts["digests"],
        }


@pytest.fixture
def feeds_server():
    with FeedServer() as server:
        yield server


def test_two_fetch_workers_polling_the_same_feeds_store_each_entry_once(pg_server, feeds_server, tmp_path):
    data, planted = _feeds()
    feeds_server.routes.update({f"/{name}.xml": _held(body, WORKERS) for name, body in data.items()})
    config = _workspace(tmp_path / "ws", pg_server.fresh_database(), feeds_server)
    _workers(config, "fetch", WORKERS)
    assert len(feeds_server.hits("/a.xml")) == len(feeds_server.hits("/b.xml")) == WORKERS  # both polled both
    state = _state(config)
    assert state["entries"] == 2 * ENTRIES  # every GUID remembered once, with its article
    assert state["articles"] == state["hashes"] == planted["distinct"]  # every text stored once
    assert state["exact"] == planted["exact"]  # each re-post dropped once, as an exact duplicate
    assert state["copies"] >= planted["near"]  # every update marked a copy (of the original or the reverse)


def test_two_run_workers_fetch_ingest_and_build_once(pg_server, feeds_server, tmp_path):
    data, planted = _feeds()
    feeds_server.routes.update({f"/{name}.xml": _held(body, WORKERS) for name, body in data.items()})
    config = _workspace(tmp_path / "ws", pg_server.fresh_database(), feeds_server)
    files = write_inbox(config.parent / "inbox", 120)
    _workers(config, "run", WORKERS)
    state = _state(config)
    assert state["entries"] == 2 * ENTRIES and state["articles"] == planted["distinct"]
    assert left_in(config.parent / "inbox") == []
    assert state["all_articles"] == planted["distinct"] + files["distinct"]  # feeds' and files' texts, once each
    assert state["digests"] == 1  # the daily build ran once
