"""Boilerplate learned from the corpus: lines an outlet repeats across many of its articles.

The rules in clean.py catch what any site does; this catches what one site does
("Reporting by the Harbour desk", a fixed disclaimer) once it has been seen in at
least MIN_ARTICLES articles and in MIN_SHARE of that outlet's articles.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache

from ..corpus import Corpus
from ..models import Article
from .clean import line_key

MIN_ARTICLES = 3
MIN_SHARE = 0.3
MAX_LINE_CHARS = 300  # longer lines are article text, not furniture


@lru_cache(maxsize=65536)
def _key(line: str) -> str | None:
    """Short stable key of a line, or None for lines too long or empty to be boilerplate
    (cached: strip and remember key the same lines of each article)."""
    line = line.strip()
    if not line or len(line) > MAX_LINE_CHARS:
        return None
    return hashlib.sha1(line_key(line).encode("utf-8")).hexdigest()[:16]


class OutletLines:
    """Counts each outlet's short lines across its articles and strips the ones it keeps repeating."""

    def __init__(self, corpus: Corpus):
        self.db = corpus.db
        self._known: dict[str, frozenset[str]] = {}

    def known(self, outlet: str) -> frozenset[str]:
        """Keys of the lines that are boilerplate for this outlet so far."""
        if outlet not in self._known:
            row = self.db.execute("SELECT articles FROM outlet_totals WHERE outlet = ?", (outlet,)).fetchone()
            total = row[0] if row else 0
            needed = max(MIN_ARTICLES, int(total * MIN_SHARE + 0.999))
            rows = self.db.execute(
                "SELECT line_key FROM outlet_lines WHERE outlet = ? AND articles >= ?", (outlet, needed))
            self._known[outlet] = frozenset(r[0] for r in rows)
        return self._known[outlet]

    def strip(self, article: Article) -> Article:
        """The article without its outlet's known boilerplate lines."""
        known = self.known(article.outlet)
        if not known:
            return article
        paragraphs = []
        for block in article.body.split("\n\n"):
            kept = [line for line in block.split("\n") if _key(line) not in known]
            if kept:
                paragraphs.append("\n".join(kept))
        return replace(article, body="\n\n".join(paragraphs))

    def remember(self, article: Article) -> None:
        """Count the article's distinct short lines (inside the caller's transaction)."""
        keys = {k for k in map(_key, article.body.splitlines()) if k}
        self.db.execute(
            "INSERT INTO outlet_totals VALUES (?, 1) ON CONFLICT(outlet) DO UPDATE SET articles = articles + 1",
            (article.outlet,))
        self.db.executemany(
            "INSERT INTO outlet_lines VALUES (?, ?, 1) "
            "ON CONFLICT(outlet, line_key) DO UPDATE SET articles = articles + 1",
            [(article.outlet, k) for k in sorted(keys)])
        self._known.pop(article.outlet, None)

    def strip_all(self, articles: list[Article]) -> list[Article]:
        """Stored articles without the lines their outlets are known to repeat by now: the
        first articles of an outlet were stored before its furniture was learned."""
        cleaned = []
        for article in articles:
            stripped = self.strip(article)
            cleaned.append(stripped if stripped.body.strip() else article)
        return cleaned
