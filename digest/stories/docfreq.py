"""Document frequencies for story vectors: the corpus's own counts, persisted, plus a background
prior from general word frequencies, so TF-IDF weights work from the very first article."""
from __future__ import annotations

import math
from collections import Counter
from operator import itemgetter, mul

from digest.store import story_tables as tables
from digest.store.corpus import Corpus
from digest.stories.terms import BACKGROUND_DOCS, term_priors

TOP_TERMS = 80        # terms kept per article vector (stored and compared)


class DocFreq:
    """Document frequencies: the corpus's own, persisted, plus a background prior.

    Counts are kept in memory as they grow; `flush` writes the increments since the last
    flush in one statement (per article, or per inbox batch: see StoryIndex.batch)."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.docs = self._written_docs = tables.documents(corpus)
        self._df: dict[str, int] = {}  # an exact dict: set.difference(dict) is then a C loop over terms
        self._pending: Counter[str] = Counter()  # increments not written yet

    def refresh(self) -> None:
        """Other workers counted documents: read the total again now, and each term's count as next
        used (nothing of this worker's is waiting then: a turn ends with a flush)."""
        self.docs = self._written_docs = tables.documents(self.corpus)
        self._df = {}

    def _load(self, terms) -> None:
        """Fetch the stored df of terms not cached yet (no pending increment is lost: those are cached)."""
        df = self._df
        missing = set(terms).difference(df)
        if missing:  # one prepared statement whatever the count: the terms go in as a JSON array
            df.update(dict.fromkeys(missing, 0))
            for term, count in tables.doc_freqs(self.corpus, sorted(missing)):
                df[term] = count

    def weights(self, terms: dict[str, float], language: str,
                priors: tuple[float, ...] | None = None) -> dict[str, float]:
        """TF-IDF weights of raw term frequencies, L2-normalised, top terms only (`priors`:
        the terms' background priors in their order, when worked out ahead: TextTerms)."""
        self._load(terms)
        if priors is None:
            priors = term_priors(terms, language)
        total = self.docs + BACKGROUND_DOCS + 1
        df = self._df
        log = math.log
        pairs = []  # a plain loop: faster here than maps or comprehensions
        for (term, tf), prior in zip(terms.items(), priors, strict=True):
            idf = log(total / (df[term] + prior + 1))
            if idf > 0:
                pairs.append((term, tf * idf))
        if len(pairs) > TOP_TERMS:  # only terms at or above the TOP_TERMS-th weight can be kept
            cutoff = sorted([w for _, w in pairs], reverse=True)[TOP_TERMS - 1]
            pairs = [(t, w) for t, w in pairs if w >= cutoff]
        top = sorted(sorted(pairs), key=itemgetter(1), reverse=True)[:TOP_TERMS]  # ties by term
        values = [w for _, w in top]
        norm = math.sqrt(sum(map(mul, values, values))) or 1.0
        return {t: w / norm for t, w in top}

    def add(self, terms, loaded: bool = False) -> None:
        """Count one more document containing `terms` (written by the next flush); `loaded`: the
        terms were weighed by this DocFreq already (`weights` fetched their counts)."""
        terms = list(terms)
        if not loaded:
            self._load(terms)
        df = self._df
        for term in terms:
            df[term] += 1
        self._pending.update(terms)
        self.docs += 1

    def flush(self) -> None:
        """Write the counts added since the last flush (caller's transaction)."""
        if self._pending:  # one statement for all terms: the upsert loop runs inside SQLite
            tables.add_doc_freqs(self.corpus, self._pending)
            self._pending = Counter()
        if self.docs != self._written_docs:
            tables.set_documents(self.corpus, self.docs)
            self._written_docs = self.docs
