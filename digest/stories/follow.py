"""Followed stories (`digest follow`): an article past the window continues a story the reader follows.

The window (`[stories] window_days`) and span (`max_span_days`) keep a topic that goes on for
weeks from becoming one chain. A story the reader follows is the exception: an article that
no open story takes joins it when it matches one of its articles strongly, its cosine with
that article at or above `[stories] follow_similarity` (the same names, places and figures),
or a quotation shared with it, and its headline names no different entity of one wire
template. The article joins that story alone: nothing is merged, so no chain re-opens.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from digest.store import follows
from digest.store.corpus import Corpus
from digest.stories.link import cosine, different_entities
from digest.stories.terms import QUOTE_PREFIX


@dataclass(frozen=True)
class FollowMatch:
    """The followed story an article continues, its closest article and why."""

    story_id: str
    article_id: str
    similarity: float
    evidence: str


@dataclass
class _Followed:
    """One article of a followed story: its terms, language and headline."""

    story_id: str
    terms: dict[str, float]
    language: str
    title: str
    vector: dict[str, float] | None = None


class Follows:
    """The articles of the followed stories, read once per index, matched against new articles."""

    def __init__(self, corpus: Corpus, threshold: float):
        self.corpus = corpus
        self.threshold = threshold
        self._members: dict[str, _Followed] | None = None

    def _load(self) -> dict[str, _Followed]:
        """The followed stories' articles (not copies: those have no terms of their own)."""
        if self._members is None:
            self._members = {aid: _Followed(story_id, json.loads(terms), language or "und", title or "")
                             for aid, story_id, _, terms, language, title in follows.followed_members(self.corpus)
                             if terms != "{}"}
        return self._members

    def add(self, article_id: str, story_id: str, terms: dict[str, float], language: str, title: str) -> None:
        """A new article of a followed story counts as its member for the articles after it."""
        members = self._load()
        if any(m.story_id == story_id for m in members.values()) and terms:
            members[article_id] = _Followed(story_id, terms, language, title)

    def match(self, vector: dict[str, float], title: str, weights) -> FollowMatch | None:
        """The followed story this article (TF-IDF `vector`) continues, or None; `weights` turns
        stored terms into a vector (the index's DocFreq.weights)."""
        quotes = {t for t in vector if t.startswith(QUOTE_PREFIX)}
        best: FollowMatch | None = None
        for aid, member in sorted(self._load().items(), key=lambda kv: (kv[1].story_id, kv[0])):
            if different_entities(title, member.title):
                continue
            if member.vector is None:
                member.vector = weights(member.terms, member.language)
            score = cosine(vector, member.vector)
            quoted = bool(quotes) and not quotes.isdisjoint(member.terms)
            if score < self.threshold and not quoted:
                continue
            evidence = f"cosine {score:.2f} >= {self.threshold}" if score >= self.threshold \
                else "a quotation shared"
            if best is None or score > best.similarity:
                best = FollowMatch(member.story_id, aid, score, evidence)
        return best
