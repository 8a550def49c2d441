"""The corpus tables behind feed polling: each feed's validators, health and back-off, and the
GUIDs already taken from it."""
from __future__ import annotations

import sqlite3
from typing import Any

from digest.store.corpus import Corpus


def feed_row(corpus: Corpus, url: str) -> sqlite3.Row:
    """A configured feed's stored state, its row created on first use."""
    with corpus.transaction() as db:
        db.execute("INSERT INTO feeds (url, fetch_url) VALUES (?, ?) ON CONFLICT DO NOTHING", (url, url))
    return corpus.db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()


def seen_guids(corpus: Corpus, url: str) -> set[str]:
    """GUIDs already taken from this feed (or from an old address that moved to it)."""
    rows = corpus.db.execute(
        "SELECT guid FROM feed_entries WHERE feed_url = ? OR feed_url IN "
        "(SELECT url FROM feeds WHERE fetch_url = ? AND url != ?)", (url, url, url))
    return {r[0] for r in rows}


def record_success(corpus: Corpus, url: str, values: dict[str, Any]) -> None:
    """A feed answered: its address, validators, status and title; failures and back-off cleared."""
    with corpus.transaction() as db:
        db.execute(
            "UPDATE feeds SET fetch_url = :fetch_url, etag = :etag, last_modified = :last_modified, "
            "status = :status, http_status = :http_status, checked_at = :now, ok_at = :now, failures = 0, "
            "next_try = NULL, last_error = :warning, title = coalesce(:title, title) WHERE url = :url",
            {**values, "url": url})


def record_failure(corpus: Corpus, url: str, values: dict[str, Any]) -> None:
    """A feed failed: its status, failure count, next try and error; the last good validators kept."""
    with corpus.transaction() as db:
        db.execute(
            "UPDATE feeds SET fetch_url = :fetch_url, status = :status, http_status = :http_status, "
            "checked_at = :now, failures = :failures, next_try = :next_try, last_error = :error WHERE url = :url",
            {**values, "url": url})


def remember_entry(corpus: Corpus, feed_url: str, guid: str, article_id: str | None, topic: str | None,
                   seen_at: str) -> None:
    """An entry's GUID, and the article it became (inside the caller's transaction)."""
    corpus.db.execute(
        "INSERT INTO feed_entries (feed_url, guid, article_id, topic, seen_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (feed_url, guid) DO UPDATE SET article_id = excluded.article_id, topic = excluded.topic, "
        "seen_at = excluded.seen_at",
        (feed_url, guid, article_id, topic, seen_at))


def feed_rows(corpus: Corpus) -> list[dict[str, Any]]:
    """Every feed's stored state with its entry count, for `digest status` and `digest feeds list`."""
    rows = corpus.db.execute(
        "SELECT f.*, (SELECT count(*) FROM feed_entries e WHERE e.feed_url = f.url) AS entries "
        "FROM feeds f ORDER BY f.url")
    return [dict(r) for r in rows]


def topics_for(corpus: Corpus, article_ids: list[str]) -> dict[str, str]:
    """The [[feed]] topic of each article that came from a feed with one."""
    if not article_ids:
        return {}
    rows = corpus.db.execute(
        f"SELECT article_id, topic FROM feed_entries WHERE topic IS NOT NULL AND article_id IN "
        f"({','.join('?' * len(article_ids))}) ORDER BY seen_at, feed_url", list(article_ids))
    return {r[0]: r[1] for r in rows}
