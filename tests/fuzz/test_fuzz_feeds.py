"""Hostile feeds from a real HTTP server on 127.0.0.1: entries stored clean, no entry fails its feed."""
from __future__ import annotations

import random
from xml.sax.saxutils import escape

import pytest
from helpers.feeds import FeedServer, body
from hostile_inputs import HOSTILE_URLS, hostile_piece, hostile_text, mutate, sentences

from digest import config as config_mod
from digest.ingest import feeds
from digest.store import workspace
from digest.text.unicode_safety import BIDI_CONTROLS, CONTROLS, ZERO_WIDTH

SEED = 20261202
ITEMS = 120
FORBIDDEN = frozenset(BIDI_CONTROLS + ZERO_WIDTH + CONTROLS)
XML_INVALID = dict.fromkeys(c for c in range(0x20) if c not in (9, 10, 13))


def _xml(text: str) -> str:
    """Text escaped for XML, without the control characters XML 1.0 forbids."""
    return escape(text.translate(XML_INVALID), {'"': "&quot;"})


def hostile_feed(rng: random.Random, items: int) -> bytes:
    """An RSS feed whose channel and items carry hostile titles, links, authors and HTML bodies."""
    out = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           f"<title>{_xml(rng.choice(('', hostile_piece(rng))))}</title>"]
    for i in range(items):
        link = rng.choice(HOSTILE_URLS + (f"https://news.example/{i}",) * 4)
        out.append(f"<item><title>{_xml(hostile_text(rng, 3))}</title><link>{_xml(link)}</link>"
                   f"<guid>fuzz-{i}</guid><author>x@example.org ({_xml(hostile_piece(rng))})</author>"
                   f"<description>{_xml(sentences(rng, 4) + ' ' + hostile_text(rng, 10))}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode("utf-8")


def _fetch(tmp_path, data: bytes, name: str = ""):
    """Serve one feed, fetch it once; the report and the stored articles."""
    with FeedServer() as server:
        server.routes["/f.xml"] = body(data)
        config = config_mod.from_mapping({"feed": [{"url": server.url("/f.xml"), "name": name}],
                                          "feeds": {"timeout": 5, "max_age_days": 0}}, tmp_path)
        with workspace.open_corpus(config) as corpus:
            report = feeds.fetch_all(config, corpus)
            stored = [dict(r) for r in corpus.db.execute("SELECT * FROM articles")]
    return report, stored


def test_hostile_entries_are_stored_without_spoofing_characters(tmp_path):
    report, stored = _fetch(tmp_path, hostile_feed(random.Random(SEED), ITEMS))
    assert report.failed == [] and len(report.feeds_ok) == 1
    assert len(stored) > ITEMS // 2
    for row in stored:
        for name in ("title", "outlet", "body", "url", "author"):
            assert not FORBIDDEN.intersection(row[name] or ""), (name, row[name])


@pytest.mark.parametrize("case", range(8))
def test_mutated_feeds_never_fail_unexpectedly(tmp_path, case):
    rng = random.Random(f"{SEED}-{case}")
    report, stored = _fetch(tmp_path, mutate(rng, hostile_feed(rng, 30)))
    assert not [error for _, error in report.failed if error.startswith("unexpected")]
    for row in stored:
        assert not FORBIDDEN.intersection(row["title"] + row["outlet"] + row["body"])

