"""Group articles from different outlets about one event into stories (first version)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .config import Config
from .corpus import Corpus
from .models import Article


@dataclass(frozen=True)
class StoryDecision:
    """Which story an article joins and why."""

    story_id: str
    matched_article_id: str | None = None
    similarity: float | None = None
    is_new: bool = True


def new_story_id(article: Article) -> str:
    """A stable story id derived from its founding article."""
    return "s" + hashlib.sha256(article.id.encode()).hexdigest()[:11]


class StoryIndex:
    """Finds the story an incoming article belongs to."""

    def __init__(self, corpus: Corpus, config: Config):
        self.corpus = corpus
        self.config = config

    def assign(self, article: Article) -> StoryDecision:
        """Story of a new article; a copy joins its original's story."""
        if article.copy_of:
            original = self.corpus.article(article.copy_of)
            if original and original.story_id:
                return StoryDecision(original.story_id, original.id, 1.0, is_new=False)
        return StoryDecision(new_story_id(article))

    def remember(self, article: Article, decision: StoryDecision) -> None:
        """Persist the story row (inside the caller's transaction)."""
        now = article.ingested_at.isoformat() if article.ingested_at else ""
        self.corpus.db.execute(
            "INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at",
            (decision.story_id, article.title, now, now),
        )
