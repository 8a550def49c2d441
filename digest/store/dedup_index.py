"""The corpus tables behind near-duplicate detection: signatures, band and sentence postings,
copy decisions and the index's own settings (dedup/check.py decides; this only reads and writes)."""
from __future__ import annotations

import sqlite3
from typing import Iterable, Sequence

from digest.store.corpus import Corpus

TABLES = {"bands": "dedup_bands", "sentences": "dedup_sentences"}


def meta(corpus: Corpus, key: str) -> str | None:
    """One value of dedup_meta ('params', 'indexed_upto'), or None."""
    row = corpus.db.execute("SELECT value FROM dedup_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(corpus: Corpus, key: str, value: str) -> None:
    """Set one value of dedup_meta (caller's transaction)."""
    corpus.db.execute("INSERT INTO dedup_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      (key, value))


def data_version(corpus: Corpus) -> int:
    """Changes when another connection commits."""
    return corpus.data_version()


def signature_count(corpus: Corpus) -> int:
    """Articles with a stored signature."""
    return corpus.db.execute("SELECT count(*) FROM dedup_signatures").fetchone()[0]


def same_text(corpus: Corpus, content_hash: str) -> sqlite3.Row | None:
    """(id, copy_of) of the stored article with this content hash (the body is not read), or None."""
    return corpus.db.execute("SELECT id, copy_of FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()


def save_decision(corpus: Corpus, article_id: str, values: tuple) -> None:
    """A copy's decision: (kind, original_id, similarity, containment, reason, new_text, decided_at)."""
    corpus.db.execute("INSERT INTO dedup_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE "
                      "SET kind = excluded.kind, original_id = excluded.original_id, similarity = excluded.similarity, "
                      "containment = excluded.containment, reason = excluded.reason, new_text = excluded.new_text, "
                      "decided_at = excluded.decided_at", (article_id, *values))


def signatures(corpus: Corpus, rowids: list[int]) -> list[sqlite3.Row]:
    """(article_rowid, shingles, signature) of some articles."""
    return corpus.db.execute(
        f"SELECT article_rowid, shingles, signature FROM dedup_signatures "
        f"WHERE article_rowid IN ({','.join('?' * len(rowids))})", rowids).fetchall()


def postings(corpus: Corpus, kind: str, keys: Sequence[int], limit: int | None = None) -> Iterable[tuple[int, int]]:
    """(key, article rowid) posted under some keys; with `limit`, at most that many rows per key
    (a key shared by half the corpus then costs no more than a rare one)."""
    table = TABLES[kind]
    if limit is None:
        sql = f"SELECT key, article_rowid FROM {table} WHERE key IN ({','.join('?' * len(keys))})"
    else:
        sql = " UNION ALL ".join(f"SELECT * FROM (SELECT key, article_rowid FROM {table} WHERE key = ? "
                                 f"LIMIT {int(limit)}) AS k{i}" for i in range(len(keys)))
    return corpus.db.execute(sql, list(keys))


def bodies(corpus: Corpus, rowids: list[int]) -> list[sqlite3.Row]:
    """(rowid, id, body, copy_of) of some articles, in no particular order."""
    return corpus.db.execute(
        f"SELECT rowid, id, body, copy_of FROM articles WHERE rowid IN ({','.join('?' * len(rowids))})",
        rowids).fetchall()


def rowid_of(corpus: Corpus, article_id: str) -> int | None:
    """An article's rowid, or None when it is not stored."""
    row = corpus.db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def save_signature(corpus: Corpus, rowid: int, num_perm: int, shingles: int, signature: bytes, keys: bytes) -> None:
    """One article's signature and posting keys (caller's transaction)."""
    corpus.db.execute("INSERT INTO dedup_signatures (article_rowid, num_perm, shingles, signature, keys) "
                      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_rowid) DO UPDATE SET num_perm = excluded.num_perm, "
                      "shingles = excluded.shingles, signature = excluded.signature, keys = excluded.keys",
                      (rowid, num_perm, shingles, signature, keys))


def waiting(corpus: Corpus, after: int) -> list[sqlite3.Row]:
    """(rowid, posting keys) of stored articles past `after` whose postings are not in the tables."""
    return corpus.db.execute(
        "SELECT article_rowid, keys FROM dedup_signatures "
        "WHERE article_rowid > ? AND keys IS NOT NULL ORDER BY article_rowid", (after,)).fetchall()


def waiting_count(corpus: Corpus, after: int) -> int:
    """How many stored articles past `after` have postings not in the tables."""
    return corpus.db.execute("SELECT count(*) FROM dedup_signatures WHERE article_rowid > ? AND keys IS NOT NULL",
                             (after,)).fetchone()[0]


def insert_postings(corpus: Corpus, kind: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Add (key, rowid) postings, best in key order (caller's transaction)."""
    corpus.db.executemany(f"INSERT INTO {TABLES[kind]} VALUES (?, ?) ON CONFLICT DO NOTHING", pairs)


def clear(corpus: Corpus) -> None:
    """Forget every signature and posting (caller's transaction): the index is rebuilt next."""
    for table in ("dedup_bands", "dedup_sentences", "dedup_signatures"):
        corpus.db.execute(f"DELETE FROM {table}")
    corpus.db.execute("DELETE FROM dedup_meta WHERE key = 'indexed_upto'")


def article_bodies(corpus: Corpus, batch: int) -> Iterable[list[tuple[int, str]]]:
    """Every stored article's (rowid, body), `batch` at a time, oldest first."""
    cursor = corpus.db.cursor().execute("SELECT rowid, body FROM articles ORDER BY rowid")
    while rows := cursor.fetchmany(batch):
        yield rows
