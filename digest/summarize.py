"""Condense a story's articles into a headline, a lede and key-point sections (first version)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .config import Config
from .models import Article, KeyPoint, Section

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class Condensed:
    """The condensation of one story."""

    title: str
    lede: str
    sections: tuple[Section, ...]


def sentences(text: str) -> list[str]:
    """Split text into sentences (rough first version)."""
    return [s.strip() for para in text.split("\n") for s in _SENTENCE_END.split(para) if s.strip()]


def condense(articles: Sequence[Article], config: Config) -> Condensed:
    """Lead sentences of each original article, one general section."""
    originals = [a for a in articles if not a.copy_of] or list(articles)
    budget = int(config.get("summary", "points_per_section"))
    points: list[KeyPoint] = []
    for article in originals:
        for sentence in sentences(article.body)[1:3]:
            if len(points) < budget:
                points.append(KeyPoint(sentence, (article.id,)))
    lede = (sentences(originals[0].body) or [""])[0]
    section = Section(None, tuple(points), kind="general")
    return Condensed(originals[0].title, lede, (section,) if points else ())
