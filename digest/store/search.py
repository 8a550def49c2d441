"""Full-text search of the corpus (SQLite FTS5, or a PostgreSQL tsvector with a GIN index, over
titles and bodies, migration 42), kept in step with ingestion: Corpus.insert_article indexes each
article in the same transaction."""
from __future__ import annotations

import re

from digest.errors import DigestError
from digest.store.corpus import Corpus

_PHRASE = re.compile(r'"([^"]+)"')
_WORD = re.compile(r"\w+")


def fts_query(text: str) -> str:
    """A user's query as FTS5 syntax (which PostgreSQL's websearch_to_tsquery reads alike): "quoted
    phrases" kept, every other word required, nothing else interpreted (so "U.S.-China" or a stray '-' is never a syntax error)."""
    phrases = [" ".join(_WORD.findall(p)) for p in _PHRASE.findall(text)]
    words = _WORD.findall(_PHRASE.sub(" ", text))
    terms = [f'"{p}"' for p in phrases if p] + [f'"{w}"' for w in words]
    if not terms:
        raise DigestError(f"search {text!r}: give at least one word to look for")
    return " ".join(terms)


def _matching(corpus: Corpus, text: str, since: str | None, before: str | None) -> tuple[str, list]:
    """The FROM/WHERE of articles matching a query in [since, before) (day: published, else
    ingested), and its arguments."""
    when = "substr(coalesce(a.published, a.ingested_at), 1, 10)"
    sql = f" FROM {corpus.dialect.fts_from}"
    args: list = [fts_query(text)]
    for clause, value in ((f"{when} >= ?", since), (f"{when} < ?", before)):
        if value:
            sql += f" AND {clause}"
            args.append(value)
    return sql, args


def search(corpus: Corpus, text: str, since: str | None = None, before: str | None = None,
           limit: int = 20) -> list:
    """Articles matching a query, best first (title words weigh more), with a snippet."""
    where, args = _matching(corpus, text, since, before)
    sql = ("SELECT a.id, a.title, a.outlet, a.url, a.story_id, "
           "substr(coalesce(a.published, a.ingested_at), 1, 10) AS day, "
           f"{corpus.dialect.fts_snippet} AS snippet, {corpus.dialect.fts_rank} AS score")
    if limit < 0:  # every match
        return corpus.db.execute(sql + where + " ORDER BY score, a.rowid", args).fetchall()
    return corpus.db.execute(sql + where + " ORDER BY score, a.rowid LIMIT ?", (*args, limit)).fetchall()


def matching_stories(corpus: Corpus, text: str, since: str | None, before: str | None) -> set[str]:
    """Stories with at least one article matching the query in the date range (no ranking, no snippets)."""
    where, args = _matching(corpus, text, since, before)
    rows = corpus.db.execute("SELECT DISTINCT a.story_id" + where + " AND a.story_id IS NOT NULL", args)
    return {r[0] for r in rows}
