"""The corpus table of texts judged not to be articles (cookie walls, paywalls, error pages), by content hash."""
from __future__ import annotations

from datetime import date

from digest.models import Article, utcnow
from digest.store.corpus import Corpus


def record(corpus: Corpus, article: Article, reason: str, words: int) -> str | None:
    """Store a non-article (inside the caller's transaction); the first path of the same text if seen before."""
    row = corpus.db.execute(
        "SELECT source_path, title FROM non_articles WHERE content_hash = ?", (article.content_hash,)
    ).fetchone()
    if row:
        corpus.db.execute("UPDATE non_articles SET seen_count = seen_count + 1, last_seen = ? "
                          "WHERE content_hash = ?", (utcnow().isoformat(), article.content_hash))
        return row[0] or row[1]
    now = utcnow().isoformat()
    corpus.db.execute(
        "INSERT INTO non_articles (content_hash, reason, title, outlet, url, source_path, words, "
        "first_seen, last_seen, seen_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (article.content_hash, reason, article.title, article.outlet, article.url,
         article.source_path, words, now, now),
    )
    return None


def listing(corpus: Corpus, since: date | None, until: date | None) -> list[dict]:
    """Non-articles first seen in a date range (days included), most repeated first, for the dedup report."""
    rows = corpus.db.execute(
        "SELECT content_hash, reason, title, outlet, source_path, seen_count, first_seen FROM non_articles "
        "WHERE substr(first_seen, 1, 10) BETWEEN ? AND ? ORDER BY seen_count DESC, first_seen, content_hash",
        ((since or date.min).isoformat(), (until or date.max).isoformat()),
    )
    return [dict(row) for row in rows]


def count(corpus: Corpus) -> tuple[int, int]:
    """(distinct non-article texts, times they were seen) for `digest status`."""
    row = corpus.db.execute("SELECT count(*), coalesce(sum(seen_count), 0) FROM non_articles").fetchone()
    return int(row[0]), int(row[1])
