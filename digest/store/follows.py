"""The stories the reader follows (`digest follow`): kept open past [stories] window_days."""
from __future__ import annotations

import sqlite3
from typing import Iterable

from digest.models import utcnow
from digest.store import story_tables
from digest.store.corpus import Corpus


def story_exists(corpus: Corpus, story_id: str) -> bool:
    """Whether the corpus has this story."""
    return corpus.db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None


def follow(corpus: Corpus, story_id: str) -> bool:
    """Follow a story; False when it was followed already."""
    with corpus.transaction() as db:
        cursor = db.execute("INSERT INTO followed_stories (story_id, followed_at) VALUES (?, ?) "
                            "ON CONFLICT (story_id) DO NOTHING",
                            (story_id, utcnow().isoformat()))
        story_tables.note_change(corpus)
    return cursor.rowcount > 0


def unfollow(corpus: Corpus, story_id: str) -> bool:
    """Stop following a story; False when it was not followed."""
    with corpus.transaction() as db:
        cursor = db.execute("DELETE FROM followed_stories WHERE story_id = ?", (story_id,))
        story_tables.note_change(corpus)
    return cursor.rowcount > 0


def followed(corpus: Corpus) -> list[sqlite3.Row]:
    """Followed stories (story_id, followed_at, title, articles, last_day), oldest followed first."""
    return corpus.db.execute(
        "SELECT f.story_id, f.followed_at, coalesce(s.title, '') AS title, count(m.article_id) AS articles, "
        "max(m.day) AS last_day FROM followed_stories f LEFT JOIN stories s ON s.id = f.story_id "
        "LEFT JOIN story_members m ON m.story_id = f.story_id GROUP BY f.story_id, f.followed_at, s.title "
        "ORDER BY f.followed_at, f.story_id").fetchall()


def followed_members(corpus: Corpus) -> Iterable[tuple[str, str, str, str, str, str]]:
    """(article_id, story_id, day, terms json, language, title) of every member of a followed story."""
    return corpus.db.execute(
        "SELECT m.article_id, m.story_id, m.day, m.terms, a.language, a.title FROM followed_stories f "
        "JOIN story_members m ON m.story_id = f.story_id JOIN articles a ON a.id = m.article_id "
        "ORDER BY m.story_id, m.day, m.article_id")
