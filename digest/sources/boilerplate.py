"""Boilerplate learned from the corpus: lines an outlet repeats across many of its articles.

The rules in clean.py catch what any site does; this catches what one site does
("Reporting by the Harbour desk", a fixed disclaimer) once it has been seen in at
least MIN_ARTICLES articles and in MIN_SHARE of that outlet's articles.

Inside `OutletLines.batch()` (the inbox's batch transaction) the counts are held in memory
and written once at its end; articles inside the block see the lines counted before them
exactly as if each had been written (the corpus does not change meanwhile, so its counts
are read once and the held ones added).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from typing import Iterator

from digest.models import Article
from digest.sources.clean import line_key
from digest.store import outlets
from digest.store.corpus import Corpus

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
        self.corpus = corpus
        self._known: dict[str, frozenset[str]] = {}
        self._batching = False
        self._forget_held()

    def _forget_held(self) -> None:
        """Drop the counts held in a batch and what was read from the corpus meanwhile."""
        self._totals: Counter[str] = Counter()  # articles per outlet, not written yet
        self._held: dict[str, Counter[str]] = {}  # outlet -> line key -> articles, not written yet
        self._stored: dict[tuple[str, str], int] = {}  # written counts of held keys, read once
        self._hot: dict[str, set[str]] = {}  # held keys whose full count reaches MIN_ARTICLES
        self._written: dict[tuple[str, int | None], object] = {}  # corpus reads, valid while batching

    @contextmanager
    def batch(self) -> Iterator["OutletLines"]:
        """Hold line counts in memory while the block runs, then write them at once (enter it
        inside the caller's transaction); on an error the held counts are dropped."""
        self._batching = True
        try:
            yield self
            self.flush()
        except BaseException:
            self._forget_held()
            self._known.clear()
            raise
        finally:
            self._batching = False

    def flush(self) -> None:
        """Write the held counts (caller's transaction) and forget what was read meanwhile."""
        if self._totals:
            outlets.add_counts(self.corpus, sorted(self._totals.items()),
                               sorted((o, k, n) for o, counts in self._held.items() for k, n in counts.items()))
        self._forget_held()
        self._known.clear()

    def known(self, outlet: str) -> frozenset[str]:
        """Keys of the lines that are boilerplate for this outlet so far."""
        if outlet not in self._known:
            total = self._written_total(outlet) + self._totals[outlet]
            needed = max(MIN_ARTICLES, int(total * MIN_SHARE + 0.999))
            held, stored = self._held.get(outlet, {}), self._stored
            hot = {k for k in self._hot.get(outlet, ()) if stored[(outlet, k)] + held[k] >= needed}
            self._known[outlet] = self._written_frequent(outlet, needed).union(hot)
        return self._known[outlet]

    def _written_total(self, outlet: str) -> int:
        """The outlet's article count in the corpus (read once per batch while batching)."""
        found = self._written.get((outlet, None)) if self._batching else None
        if found is None:
            found = outlets.total(self.corpus, outlet)
            if self._batching:
                self._written[(outlet, None)] = found
        return found

    def _written_frequent(self, outlet: str, needed: int) -> frozenset[str]:
        """Keys of the outlet's lines counted in at least `needed` articles in the corpus."""
        found = self._written.get((outlet, needed)) if self._batching else None
        if found is None:
            found = outlets.frequent_lines(self.corpus, outlet, needed)
            if self._batching:
                self._written[(outlet, needed)] = found
        return found

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
        if self._batching:
            self._hold(article.outlet, keys)
            return
        outlets.add_counts(self.corpus, [(article.outlet, 1)], [(article.outlet, k, 1) for k in sorted(keys)])
        self._known.pop(article.outlet, None)

    def _hold(self, outlet: str, keys: set[str]) -> None:
        """Count one article's line keys in memory; read the corpus counts of keys new to the batch."""
        held = self._held.setdefault(outlet, Counter())
        new = sorted(k for k in keys if k not in held)
        if new:
            stored = outlets.line_counts(self.corpus, outlet, new)
            self._stored.update(((outlet, k), n) for k, n in stored.items())
        held.update(keys)
        self._totals[outlet] += 1
        hot = self._hot.setdefault(outlet, set())
        hot.update(k for k in keys if self._stored[(outlet, k)] + held[k] >= MIN_ARTICLES)
        self._known.pop(outlet, None)

    def strip_all(self, articles: list[Article]) -> list[Article]:
        """Stored articles without the lines their outlets are known to repeat by now: the
        first articles of an outlet were stored before its furniture was learned."""
        cleaned = []
        for article in articles:
            stripped = self.strip(article)
            cleaned.append(stripped if stripped.body.strip() else article)
        return cleaned
