"""Exact and near-duplicate detection against the whole corpus.

Three relations are kept apart: the same normalised text ("exact", dropped), another
copy of the same article ("copy": syndicated, re-headlined, trimmed or updated; kept
with `copy_of`), and anything else ("new"). Near copies are found in time that does
not grow with the corpus: MinHash signatures over normalised word shingles are cut
into LSH bands stored in an indexed SQLite table, beside a bottom-k sample of
sentence hashes that finds trimmed copies (containment) the bands can miss. The few
candidates found are verified on their exact shingle sets, so the similarity shown
to the user is measured, not estimated.

Speed at corpus scale (bench/dedup.py, 1M articles): words and sentences are hashed
with array arithmetic instead of a Python loop per word, and the postings of the
newest articles wait in memory (their keys stored with their signature) until
FLUSH_SIZE of them are inserted into the posting tables together in key order. A
body's content hash and sketch depend on its text alone: a reader process can work them
out ahead (`ahead`, `SketchParams`) and `check` takes them when made from the very same body.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from digest.config import Config
from digest.models import Article, utcnow
from digest.store import dedup_index as index
from digest.store.corpus import Corpus
from digest.text.hashing import (
    MinHasher,
    band_keys,
    content_hash,
    lsh_params,
    normalise,
    shingle_hashes,
    shingles,
    tokenise,
)

log = logging.getLogger(__name__)

_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n|\n")

INDEX_VERSION = 3         # bump when hashing changes: stored indexes are then rebuilt once
SENTENCE_SAMPLE = 8       # bottom-k sentence hashes stored per article (containment sketch)
MAX_POSTINGS = 64         # a band/sentence key shared by more articles is boilerplate: ignored
MAX_VERIFY = 8            # candidates verified on exact shingles, most band hits first
MIN_CONTAINED = 40        # shingles the shorter text needs before containment alone makes a copy
UPDATE_MIN_WORDS = 20     # an update adds news paragraphs; shorter new lines are wrapper (headers, footers)
LSH_FACTOR = 0.7          # LSH aims at this share of near_threshold, so copies at it are not missed
# The postings of the newest articles are not inserted into the large key-ordered posting
# tables one article at a time: a random key dirties a page of its own in every commit, which
# at 1M articles cost more than the check itself. Each article's keys are stored with its
# signature (an append), looked up in memory, and inserted in key order, FLUSH_SIZE articles
# at a time, so neighbouring keys share the pages they dirty.
FLUSH_SIZE = 20_000


# --- decisions -------------------------------------------------------------------


class Kind(StrEnum):
    """An incoming article relative to the corpus: new, the same text (dropped), or a kept copy."""

    NEW, EXACT, COPY = "new", "exact", "copy"


@dataclass(frozen=True)
class Decision:
    """What an incoming article is relative to the corpus, and why."""

    kind: Kind  # a copy has original_id (stored as the article's copy_of)
    original_id: str | None = None
    similarity: float | None = None  # exact word-shingle Jaccard with the original
    reason: str = ""
    containment: float | None = None  # share of the shorter text found in the longer
    new_text: str = ""  # paragraphs an updated version adds to its original
    candidates: int = 0  # corpus articles verified (LSH and sentence hits)

    def explain(self) -> str:
        """One line for `digest status`, `build --json` and the dedup report."""
        return self.reason or self.kind


@dataclass(frozen=True)
class _Sketch:
    """Everything the check computes once per article and `remember` stores."""

    shingles: np.ndarray
    signature: np.ndarray
    bands: list[int]
    sentences: list[int]


@lru_cache(maxsize=4)
def _hasher(num_perm: int) -> MinHasher:
    """One MinHasher per setting and process (its probe table is made once)."""
    return MinHasher(num_perm)


@dataclass(frozen=True)
class SketchParams:
    """The settings a sketch depends on: with them a reader process sketches a text exactly as
    the Deduplicator would (the sketch depends on the text alone), to offer it to `check`."""

    shingle_size: int
    num_perm: int
    bands: int
    rows: int

    def sketch(self, body: str) -> _Sketch:
        """Shingles, MinHash signature, band keys and sentence hashes of one body."""
        words, sentences = tokenise(body)
        sh = shingle_hashes(words, self.shingle_size)
        sig = _hasher(self.num_perm).signature(sh)
        return _Sketch(sh, sig, band_keys(sig, self.bands, self.rows), sentences)


@dataclass(frozen=True)
class Ahead:
    """What dedup needs from one exact body text, worked out ahead (in a reader process):
    its content hash and its sketch under `params`."""

    body: str
    content_hash: str
    params: SketchParams
    sketch: _Sketch


def ahead(body: str, params: SketchParams) -> Ahead:
    """Content hash and sketch of a body, before any corpus lookup."""
    return Ahead(body, content_hash(body), params, params.sketch(body))


class Deduplicator:
    """Decides whether an article is new, an exact duplicate or a copy of a corpus article."""

    def __init__(self, corpus: Corpus, config: Config):
        self.corpus = corpus
        section = config.settings.dedup
        self.shingle_size = section.shingle_size
        self.num_perm = section.num_perm
        self.near = section.near_threshold
        self.contain = section.containment_threshold
        self.bands, self.rows = lsh_params(self.num_perm, self.near * LSH_FACTOR)
        self.hasher = _hasher(self.num_perm)
        self.params = SketchParams(self.shingle_size, self.num_perm, self.bands, self.rows)
        self._sketches: dict[str, _Sketch] = {}
        self._decisions: dict[str, Decision] = {}
        self._pending = _Pending(corpus, self.bands)
        self._ensure_index()

    # index parameters ------------------------------------------------------------
    def _params(self) -> str:
        """The settings that make stored bands comparable with new ones."""
        return (f"v{INDEX_VERSION};shingle={self.shingle_size};perm={self.num_perm};"
                f"bands={self.bands}x{self.rows};sentences={SENTENCE_SAMPLE}")

    def _ensure_index(self) -> None:
        """Rebuild the stored index once when the settings that shape it changed."""
        known = index.meta(self.corpus, "params")
        if known == self._params():
            return
        stored = index.signature_count(self.corpus)
        if stored or known:
            log.info("dedup settings changed (%s -> %s): re-indexing %d articles", known, self._params(), stored)
            reindex(self.corpus, self)
        elif self.corpus.db.in_transaction:  # constructed inside the caller's transaction
            index.set_meta(self.corpus, "params", self._params())
        else:
            with self.corpus.transaction():
                index.set_meta(self.corpus, "params", self._params())

    # public interface ------------------------------------------------------------
    def sketch(self, body: str) -> _Sketch:
        """Shingles, MinHash signature, band keys and sentence hashes of one body."""
        return self.params.sketch(body)

    def check(self, article: Article, ready: Ahead | None = None) -> Decision:
        """Classify one finished article (content_hash set) against the corpus; `ready`: its
        sketch worked out ahead, used only if made from this very body with these settings."""
        original = index.same_text(self.corpus, article.content_hash)
        if original:
            root = original[1] or original[0]
            return Decision(Kind.EXACT, root, 1.0, f"same normalised text as {original[0]}", 1.0)
        usable = ready is not None and ready.params == self.params and ready.body == article.body
        sketch = ready.sketch if usable else self.sketch(article.body)
        self._sketches[article.id] = sketch
        self._pending.sync()
        candidates = self._candidates(sketch)
        decision = self._verify(article, sketch, candidates)
        self._decisions[article.id] = decision
        return decision

    def reload(self) -> None:
        """Another process stored articles: take in their waiting postings at the next check."""
        self._pending.version = None

    def remember(self, article: Article, rowid: int | None = None) -> None:
        """Persist signature, band keys, sentence sample and a copy's decision (caller's transaction);
        `rowid`: the article's, when the caller has it from the insert (else looked up)."""
        sketch = self._sketches.pop(article.id, None) or self.sketch(article.body)
        decision = self._decisions.pop(article.id, None) or Decision(
            Kind.COPY if article.copy_of else Kind.NEW, article.copy_of)
        if not self._store(article.id if rowid is None else rowid, sketch):
            return
        if decision.kind != Kind.COPY:
            return
        index.save_decision(self.corpus, article.id, (
            decision.kind, decision.original_id, decision.similarity, decision.containment,
            decision.reason, decision.new_text, utcnow().isoformat()))

    def _store(self, article: int | str, sketch: _Sketch) -> bool:
        """Store one sketch, count its postings as waiting, and flush them when enough wait."""
        rowid = store_sketch(self.corpus, article, sketch, self.num_perm)
        if rowid is None:
            return False
        self._pending.add(rowid, posting_keys(sketch))
        if self._pending.count >= FLUSH_SIZE:
            self._pending.flush()
        return True

    # candidates and verification ---------------------------------------------------
    def _candidates(self, sketch: _Sketch) -> list[int]:
        """Corpus rowids sharing an LSH band or a sampled sentence, most hits first."""
        hits: dict[int, int] = {}
        # A trimmed copy's sentences that are in its original's stored bottom-k sample are among
        # its own k smallest, so querying the bottom-k of the incoming article is enough.
        sample = sketch.sentences[:SENTENCE_SAMPLE]
        for kind, keys in (("bands", sketch.bands), ("sentences", sample)):
            for rowids in _postings(self.corpus, kind, keys, self._pending):
                for rowid in rowids:
                    hits[rowid] = hits.get(rowid, 0) + 1
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
        return self._plausible(sketch, [rowid for rowid, _ in ranked[: MAX_VERIFY * 4]])[:MAX_VERIFY]

    def _plausible(self, sketch: _Sketch, rowids: list[int]) -> list[int]:
        """Keep candidates whose stored signature could reach a threshold (cheap MinHash estimate)."""
        if not rowids:
            return []
        rows = index.signatures(self.corpus, rowids)
        keep = set()
        mine = len(sketch.shingles)
        for rowid, theirs, blob in rows:
            sig = np.frombuffer(blob, dtype=np.uint32)
            if len(sig) != self.num_perm or not mine or not theirs:
                continue
            jaccard = float(np.mean(sig == sketch.signature))
            contained = jaccard * (mine + theirs) / ((1 + jaccard) * min(mine, theirs))
            lopsided = min(mine, theirs) < 0.25 * max(mine, theirs)  # estimate too coarse: verify
            if jaccard >= self.near - 0.25 or contained >= self.contain - 0.3 or lopsided:
                keep.add(rowid)
        return [r for r in rowids if r in keep]

    def _verify(self, article: Article, sketch: _Sketch, candidates: list[int]) -> Decision:
        """Exact Jaccard and containment against each candidate; the best copy wins."""
        best = None
        for row in _bodies(self.corpus, candidates):
            theirs = shingles(row["body"], self.shingle_size)
            jaccard, containment = _overlap(sketch.shingles, theirs)
            shorter = min(len(sketch.shingles), len(theirs))
            near = jaccard >= self.near
            trimmed = containment >= self.contain and shorter >= MIN_CONTAINED
            if (near or trimmed) and (best is None or max(jaccard, containment) > best[0]):
                best = (max(jaccard, containment), row, jaccard, containment, near, len(theirs))
        if best is None:
            return Decision(Kind.NEW, reason=f"no copy among {len(candidates)} candidates",
                            candidates=len(candidates))
        _, row, jaccard, containment, near, theirs = best
        longer = len(sketch.shingles) - round(containment * min(len(sketch.shingles), theirs)) >= 10
        return self._copy_decision(article, row, jaccard, containment, near, longer, len(candidates))

    def _copy_decision(self, article: Article, row, jaccard: float, containment: float,
                       near: bool, longer: bool, candidates: int) -> Decision:
        """A copy decision whose reason says which test matched and what an update adds."""
        root = row["copy_of"] or row["id"]
        via = f" (via copy {row['id']})" if root != row["id"] else ""
        added = new_paragraphs(article.body, row["body"], self.shingle_size) if longer else ""
        if added:
            reason = (f"updated version of {root}{via}: contains {containment:.0%} of it "
                      f"and adds {added.count(chr(10)) + 1} paragraph(s)")
        elif near:
            reason = f"copy of {root}{via}: word-shingle Jaccard {jaccard:.2f} >= {self.near}"
        else:
            reason = (f"trimmed copy of {root}{via}: {containment:.0%} of the shorter text is in "
                      f"the longer (Jaccard {jaccard:.2f})")
        return Decision(Kind.COPY, root, round(jaccard, 4), reason, round(containment, 4), added,
                        candidates)


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact Jaccard and containment (of the smaller set) of two sorted unique hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def new_paragraphs(body: str, original: str, size: int) -> str:
    """Paragraphs of `body` that are mostly absent from `original` (what an update adds)."""
    known = shingles(original, size)
    added = []
    for paragraph in _PARAGRAPH_SPLIT.split(body):
        mine = shingles(paragraph, size)
        if len(mine) < 3 or normalise(paragraph).count(" ") + 1 < UPDATE_MIN_WORDS:
            continue
        inter = len(np.intersect1d(mine, known, assume_unique=True))
        if inter / len(mine) < 0.5:
            added.append(paragraph.strip())
    return "\n".join(added)


# --- storage ---------------------------------------------------------------------


def _postings(corpus: Corpus, kind: str, keys: Sequence[int], pending: "_Pending") -> Iterable[list[int]]:
    """Rowids per key, in the tables or waiting, skipping keys shared by more than MAX_POSTINGS articles.

    Keys read at most MAX_POSTINGS + 1 rows each, so a boilerplate sentence shared by half the
    corpus costs no more than a rare one, and so does a band shared by thousands of retellings of
    one event (read whole, 20,000 of them cost 30 ms an article: bench/flat.py's large stories).
    """
    limit = MAX_POSTINGS + 1
    for start in range(0, len(keys), 200):
        chunk = keys[start:start + 200]
        grouped: dict[int, list[int]] = {key: list(pending.get(kind, key)) for key in chunk}
        for key, rowid in index.postings(corpus, kind, chunk, limit):
            grouped[key].append(rowid)
        yield from (v for v in grouped.values() if 0 < len(v) <= MAX_POSTINGS)


def _bodies(corpus: Corpus, rowids: list[int]):
    """id, body and copy_of of candidate articles, in candidate order."""
    if not rowids:
        return []
    rows = index.bodies(corpus, rowids)
    order = {r: i for i, r in enumerate(rowids)}
    return sorted(rows, key=lambda r: order[r["rowid"]])


def posting_keys(sketch: _Sketch) -> list[int]:
    """An article's band keys, then its bottom-k sentence hashes: what the posting tables hold for it."""
    return sketch.bands + sorted(sketch.sentences)[:SENTENCE_SAMPLE]


def store_sketch(corpus: Corpus, article: int | str, sketch: _Sketch, num_perm: int) -> int | None:
    """Write one article's signature and posting keys; its rowid, or None if it is not in `articles`."""
    rowid = index.rowid_of(corpus, article) if isinstance(article, str) else article
    if rowid is None:
        return None
    keys = np.array(posting_keys(sketch), dtype=np.int64)
    index.save_signature(corpus, rowid, num_perm, len(sketch.shingles), sketch.signature.tobytes(), keys.tobytes())
    return rowid


class _Pending:
    """Postings of the articles stored since the last flush, in memory, rebuilt from the corpus.

    The corpus stays the truth: each waiting article's keys are in its dedup_signatures
    row, and dedup_meta 'indexed_upto' is the last rowid whose postings are in the tables.
    When another connection committed (PRAGMA data_version, or `Deduplicator.reload`), the
    rows stored past the newest one in memory are added; the memory copy is read again
    when that mark moved (a flush rolled back, or made by another process), when this
    connection rolled back, or when the corpus then waits on more or fewer articles
    than memory holds (a gap).
    """

    def __init__(self, corpus: Corpus, bands: int):
        self.corpus, self.bands = corpus, bands
        self.index: dict[str, dict[int, int | list[int]]] = {"bands": {}, "sentences": {}}
        self.count = 0
        self.mark = self.upto = -1  # nothing loaded yet; upto: the newest rowid in memory
        self.version: int | None = None
        self.epoch = -1  # the corpus's epoch at the last sync
        self.rolled = corpus.rollbacks

    def sync(self) -> None:
        """Take in the postings other processes stored since, if the corpus changed behind this
        process's back: only the new rows when they simply follow those in memory (not asked again
        inside the write transaction of the last sync, while nothing was rolled back)."""
        if self.version is not None and self.corpus.unchanged_since(self.epoch):
            return
        self.epoch = self.corpus.epoch
        version, mark, rolled = index.data_version(self.corpus), _indexed_upto(self.corpus), self.corpus.rollbacks
        if (version, mark, rolled) == (self.version, self.mark, self.rolled):
            return
        appended = mark == self.mark and rolled == self.rolled  # memory holds nothing that is gone
        self.version, self.rolled = version, rolled
        if appended:
            self._take(index.waiting(self.corpus, self.upto))
            if index.waiting_count(self.corpus, mark) == self.count:
                return
        self.index = {"bands": {}, "sentences": {}}
        self.count, self.mark, self.upto = 0, mark, mark
        self._take(self._waiting())

    def _take(self, rows: list[tuple[int, bytes]]) -> None:
        """Add stored rows of (rowid, posting keys) to memory."""
        for rowid, blob in rows:
            self.add(rowid, np.frombuffer(blob, dtype=np.int64).tolist())

    def _waiting(self) -> list[tuple[int, bytes]]:
        """Rowid and posting keys of every stored article whose postings are not in the tables."""
        return index.waiting(self.corpus, self.mark)

    def add(self, rowid: int, keys: list[int]) -> None:
        """Make one article's postings visible to lookups."""
        for kind, part in (("bands", keys[:self.bands]), ("sentences", keys[self.bands:])):
            posted = self.index[kind]
            for key in part:
                old = posted.get(key)
                if old is None:
                    posted[key] = rowid
                elif isinstance(old, int):
                    posted[key] = [old, rowid]
                else:
                    old.append(rowid)
        self.count += 1
        self.upto = max(self.upto, rowid)

    def get(self, kind: str, key: int) -> list[int]:
        """Waiting rowids posted under one key."""
        found = self.index[kind].get(key)
        return [] if found is None else [found] if isinstance(found, int) else found

    def flush(self) -> None:
        """Insert the waiting postings into the tables in key order; move the mark (caller's transaction)."""
        self.sync()
        rows = self._waiting()
        if not rows:
            return
        rowids = [rowid for rowid, _ in rows]
        keys = [np.frombuffer(blob, dtype=np.int64) for _, blob in rows]
        with self.corpus.transaction():
            for kind, part in (("bands", slice(self.bands)), ("sentences", slice(self.bands, None))):
                index.insert_postings(self.corpus, kind, _in_key_order(rowids, [k[part] for k in keys]))
            index.set_meta(self.corpus, "indexed_upto", str(rowids[-1]))
        self.index = {"bands": {}, "sentences": {}}
        self.count, self.mark, self.upto = 0, rowids[-1], rowids[-1]


def _in_key_order(rowids: list[int], keys: list[np.ndarray]) -> Iterable[tuple[int, int]]:
    """(key, rowid) postings sorted by key: inserted in this order, neighbouring keys share their pages."""
    flat = np.concatenate(keys)
    owners = np.repeat(np.array(rowids, dtype=np.int64), [len(k) for k in keys])
    order = np.argsort(flat, kind="stable")
    for start in range(0, len(order), 65_536):  # a slice at a time: no list of every posting in memory
        part = order[start:start + 65_536]
        yield from zip(flat[part].tolist(), owners[part].tolist())


def _indexed_upto(corpus: Corpus) -> int:
    """Last article rowid whose postings are in the posting tables (0 before the first flush)."""
    return int(index.meta(corpus, "indexed_upto") or 0)


def reindex(corpus: Corpus, dedup: Deduplicator, batch: int = 2000) -> int:
    """Recompute every stored sketch after a settings change (the only full pass)."""
    count = 0
    with corpus.transaction():
        index.clear(corpus)
        dedup._pending.sync()
        for rows in index.article_bodies(corpus, batch):
            for rowid, body in rows:
                dedup._store(rowid, dedup.sketch(body))
                count += 1
        dedup._pending.flush()
        index.set_meta(corpus, "params", dedup._params())
    return count
