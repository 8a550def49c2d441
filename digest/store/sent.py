"""What earlier digests sent of each story: when first, which digests, which articles (for updates)."""
from __future__ import annotations

import sqlite3

from digest.store.corpus import Corpus


def history(corpus: Corpus, story_ids: list[str], before_digest: str | None = None) -> list[sqlite3.Row]:
    """(story_id, digest_id, date, article_id) of every article earlier digests carried for these
    stories (all digests, or those built before `before_digest`), oldest digest first."""
    # built_at is kept to the second: two builds in one second are ordered by id (YYYY-MM-DD, then -2, -3)
    before = " AND (d.built_at, d.id) < (SELECT built_at, id FROM digests WHERE id = ?)" if before_digest else ""
    values, param = corpus.dialect.value_set(sorted(story_ids))
    return corpus.db.execute(
        "SELECT da.story_id, d.id AS digest_id, d.date, da.article_id FROM digest_articles da "
        f"JOIN digests d ON d.id = da.digest_id WHERE da.story_id IN {values}"
        f"{before} ORDER BY d.built_at, d.id, da.article_id",
        (param, *([before_digest] if before_digest else []))).fetchall()


def digest_json(corpus: Corpus, digest_ids: list[str]) -> dict[str, str]:
    """The recorded JSON of these digests, by id."""
    values, param = corpus.dialect.value_set(sorted(digest_ids))
    rows = corpus.db.execute(f"SELECT id, json FROM digests WHERE id IN {values}", (param,))
    return {r[0]: r[1] for r in rows}
