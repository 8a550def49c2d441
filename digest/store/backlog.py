"""The backlog rule's record: unsent articles archived instead of digested ([build] max_age_days).

An archived article stays in the corpus (searchable by `digest brief`) but is no longer unsent;
`digest build --since DATE` brings back those dated on or after DATE.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

from digest.models import Article, utcnow
from digest.store.corpus import Corpus

# An article's day as models.article_day reads it: published, else ingested (ISO text, date first).
_DAY = "substr(coalesce(a.published, a.ingested_at), 1, 10)"


def archive(corpus: Corpus, articles: Sequence[Article], cutoff: date) -> int:
    """Record the articles as archived (dated before `cutoff`), in one transaction."""
    stamp = utcnow().isoformat()
    with corpus.transaction() as db:
        db.executemany("INSERT INTO archived_articles (article_id, archived_at, cutoff) VALUES (?, ?, ?) "
                       "ON CONFLICT DO NOTHING",
                       [(a.id, stamp, cutoff.isoformat()) for a in articles])
    return len(articles)


def restore_since(corpus: Corpus, since: date) -> int:
    """Archived articles dated on or after `since` become unsent again; how many."""
    with corpus.transaction() as db:
        cur = db.execute(
            f"DELETE FROM archived_articles WHERE article_id IN (SELECT a.id FROM articles a "
            f"JOIN archived_articles x ON x.article_id = a.id WHERE {_DAY} >= ?)", (since.isoformat(),))
        return cur.rowcount
