"""Exact and near-duplicate detection against the whole corpus (first version: exact only)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from .config import Config
from .corpus import Corpus
from .models import Article

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Fold case, accents of quotes, punctuation and whitespace so trivial edits hash alike."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def content_hash(body: str) -> str:
    """Hash of the normalised body: equal for exact duplicates."""
    return hashlib.sha256(normalise(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """What an incoming article is relative to the corpus."""

    kind: str  # "new", "exact" (dropped) or "copy" (kept, copy_of set)
    original_id: str | None = None
    similarity: float | None = None
    reason: str = ""


class Deduplicator:
    """Decides whether an article is new, an exact duplicate or a copy of a corpus article."""

    def __init__(self, corpus: Corpus, config: Config):
        self.corpus = corpus
        self.config = config

    def check(self, article: Article) -> Decision:
        """Classify one finished article (content_hash set) against the corpus."""
        original = self.corpus.article_by_hash(article.content_hash)
        if original:
            return Decision("exact", original.id, 1.0, f"same normalised text as {original.id}")
        return Decision("new")

    def remember(self, article: Article) -> None:
        """Persist what later checks need (inside the caller's transaction)."""
