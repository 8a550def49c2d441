"""The real ingest path on a corpus file, and a power cut in the middle of it."""
from __future__ import annotations

from pathlib import Path

from digest import config as config_mod
from digest.dedup.check import Kind
from digest.ingest.inbox import Store
from digest.models import Article
from digest.store.corpus import Corpus


class Pipeline:
    """The real ingest path (digest.ingest.inbox.Store) on a corpus file, for dedup and story tests."""

    def __init__(self, path: Path, settings: dict | None = None, location: str | Path | None = None):
        self.corpus = Corpus(location or path / "c.sqlite")
        self.config = config_mod.from_mapping(settings or {}, path)
        self.store = Store(self.corpus, self.config)
        self.dedup, self.stories = self.store.dedup, self.store.stories

    def add(self, article: Article):
        """Ingest one article; returns (dedup decision, stored article or None when exact)."""
        stored = self.store.put(article)
        return stored.dedup, (None if stored.dedup.kind == Kind.EXACT else stored.article)

    def add_story(self, article: Article):
        """Ingest one article; returns (story decision, stored article), or (None, None) when exact."""
        stored = self.store.put(article)
        return (None, None) if stored.dedup.kind == Kind.EXACT else (stored.story, stored.article)

    def story_of(self, article: Article) -> str:
        """The story id stored now (merges may have moved it since assignment)."""
        return self.corpus.article(article.id).story_id


def crash_on_insert(monkeypatch, nth: int) -> list[str]:
    """Make Corpus.insert_article raise "power cut" at its nth call; the ids it was called with."""
    real_insert = Corpus.insert_article
    calls: list[str] = []

    def crashing(self, article):
        calls.append(article.id)
        if len(calls) == nth:
            raise RuntimeError("power cut")
        real_insert(self, article)

    monkeypatch.setattr("digest.store.corpus.Corpus.insert_article", crashing)
    return calls
