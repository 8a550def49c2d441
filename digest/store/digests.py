"""The corpus table of built digests: which were built, where, and whether they were delivered."""
from __future__ import annotations

import sqlite3

from digest.models import utcnow
from digest.store.corpus import Corpus


def recent(corpus: Corpus, limit: int = 5) -> list[sqlite3.Row]:
    """The newest digests (id, built_at, outdir), newest first."""
    return corpus.db.execute("SELECT id, built_at, outdir FROM digests ORDER BY built_at DESC LIMIT ?",
                             (limit,)).fetchall()


def one(corpus: Corpus, digest_id: str) -> sqlite3.Row | None:
    """One digest's row (id, outdir), or None."""
    return corpus.db.execute("SELECT id, outdir FROM digests WHERE id = ?", (digest_id,)).fetchone()


def archived(corpus: Corpus) -> list[sqlite3.Row]:
    """Every built digest (id, date, built_at, outdir, json), newest first: the outbox archive's entries."""
    return corpus.db.execute("SELECT id, date, built_at, outdir, json FROM digests "
                             "ORDER BY built_at DESC, id DESC").fetchall()


def undelivered(corpus: Corpus, since: str = "") -> list[sqlite3.Row]:
    """Digests built since `since` whose sending never began (id, outdir), oldest first."""
    return corpus.db.execute(
        "SELECT id, outdir FROM digests WHERE delivered_at IS NULL AND attempted_at IS NULL AND built_at >= ? "
        "ORDER BY built_at, id", (since,)).fetchall()


def unconfirmed(corpus: Corpus) -> list[sqlite3.Row]:
    """Digests whose sending began but whose end was never recorded (id, attempted_at), oldest first."""
    return corpus.db.execute(
        "SELECT id, attempted_at FROM digests WHERE delivered_at IS NULL AND attempted_at IS NOT NULL "
        "ORDER BY built_at, id").fetchall()


def mark_delivered(corpus: Corpus, digest_id: str) -> None:
    """Record the delivery time of one digest."""
    with corpus.transaction() as db:
        db.execute("UPDATE digests SET delivered_at = ? WHERE id = ?", (utcnow().isoformat(), digest_id))


def mark_attempt(corpus: Corpus, digest_id: str, began: bool) -> None:
    """Record (before sending) or clear (after a failure the server reported) that sending began."""
    with corpus.transaction() as db:
        db.execute("UPDATE digests SET attempted_at = ? WHERE id = ?",
                   (utcnow().isoformat() if began else None, digest_id))
