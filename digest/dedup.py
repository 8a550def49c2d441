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
FLUSH_SIZE of them are inserted into the posting tables together in key order.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

import numpy as np

from .config import Config
from .corpus import Corpus, utcnow
from .models import Article

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+")  # word characters except "_"
_WORD_OR_END = re.compile(r"[^\W_]+|[.!?…][\"'”’»)]*(?=\s)|\n")  # words and sentence ends
_ENDS = frozenset(".!?…\n")
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n|\n")

SEED = 0x5EED_D16E57
INDEX_VERSION = 3         # bump when hashing changes: stored indexes are then rebuilt once
SENTENCE_SAMPLE = 8       # bottom-k sentence hashes stored per article (containment sketch)
MIN_SENTENCE_WORDS = 6    # shorter sentences ("He said no.") are too common to mean a copy
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
_TABLES = {"bands": "dedup_bands", "sentences": "dedup_sentences"}


def _fold(text: str) -> str:
    """NFKC (skipped for ASCII, where it changes nothing) and case folding."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def normalise(text: str) -> str:
    """Fold case, accents of quotes, punctuation and whitespace so trivial edits hash alike."""
    return " ".join(_WORD.findall(_fold(text)))


def content_hash(body: str) -> str:
    """Hash of the normalised body: equal for exact duplicates."""
    return hashlib.sha256(normalise(body).encode("utf-8")).hexdigest()


# --- hashing ---------------------------------------------------------------------


def _hash64(text: str) -> int:
    """A stable 64-bit hash (the salted built-in hash would change between runs)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _signed(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads combined shingle hashes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_RNG = np.random.default_rng(SEED)
_SHINGLE_MULT = _RNG.integers(1, 2**63, size=64, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def shingles(text: str, size: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the normalised word `size`-shingles of a text."""
    return shingle_hashes(tokenise(text, sentences=False)[0], size)


def shingle_hashes(words: np.ndarray, size: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the `size`-shingles of a text's word hashes (uint64)."""
    if len(words) == 0:
        return np.empty(0, dtype=np.uint64)
    size = max(1, min(size, len(words), len(_SHINGLE_MULT)))
    count = len(words) - size + 1
    acc = words[:count] * _SHINGLE_MULT[0]
    for j in range(1, size):
        acc += words[j:j + count] * _SHINGLE_MULT[j]
    return _sorted_unique(_mix(acc))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique without its overhead (a sort and a mask: several times faster on short arrays)."""
    values.sort()
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


class MinHasher:
    """One-permutation MinHash with optimal densification (Li et al. 2012; Shrivastava 2017).

    The shingle hashes arrive sorted, so the minimum of each of `num_perm` hash-range bins
    is found by binary search in O(num_perm log n) instead of the O(num_perm * n) of
    classic k-permutation MinHash; empty bins (short texts) borrow the value of a
    non-empty bin chosen by a fixed probe sequence, so collision probability stays the
    Jaccard similarity. The benchmark compares it with datasketch's MinHash.
    """

    def __init__(self, num_perm: int, seed: int = SEED):
        self.num_perm = num_perm
        self.shift = np.uint64(64 - max(1, (num_perm - 1).bit_length()))
        self.bins = np.arange(num_perm, dtype=np.uint64)
        self.starts = self.bins << self.shift  # with num_perm not a power of two, top bins go unused
        rng = np.random.default_rng(seed + num_perm)
        self.probes = rng.integers(0, num_perm, size=(num_perm, 4 * num_perm))

    def signature(self, shingle_hashes: np.ndarray) -> np.ndarray:
        """uint32 signature: per bin, 32 bits of the smallest shingle hash falling in it."""
        values = shingle_hashes[(shingle_hashes >> self.shift) < np.uint64(self.num_perm)]
        if len(values) == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        idx = np.searchsorted(values, self.starts)
        first = values[np.minimum(idx, len(values) - 1)]
        filled = (idx < len(values)) & ((first >> self.shift) == self.bins)
        sig = ((first >> np.uint64(16)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        if not filled.all():
            sig = self._densify(sig, filled)
        return sig

    def _densify(self, sig: np.ndarray, filled: np.ndarray) -> np.ndarray:
        """Fill each empty bin from the first non-empty bin of its own fixed probe sequence."""
        out = sig.copy()
        for empty in np.flatnonzero(~filled):
            for probe in self.probes[empty]:
                if filled[probe]:
                    out[empty] = sig[probe]
                    break
        return out


def _s_curve(threshold: float, bands: int, rows: int) -> tuple[float, float]:
    """False-positive and false-negative areas of the LSH S-curve around a threshold."""
    xs = np.linspace(0.0, 1.0, 1001)
    p = 1.0 - (1.0 - xs**rows) ** bands
    below, above = xs <= threshold, xs >= threshold
    return float(np.trapezoid(p[below], xs[below])), float(np.trapezoid(1 - p[above], xs[above]))


def lsh_params(num_perm: int, threshold: float, fp_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) minimising weighted false positives and negatives, as datasketch does."""
    best, best_cost = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        rows = num_perm // bands
        fp, fn = _s_curve(threshold, bands, rows)
        cost = fp_weight * fp + (1 - fp_weight) * fn
        if cost < best_cost:
            best, best_cost = (bands, rows), cost
    return best


_BAND_MULT = np.random.default_rng(SEED + 1).integers(1, 2**63, size=(1024, 2), dtype=np.uint64)


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per LSH band: equal keys mean the band's rows all agree."""
    rows_sig = signature[: bands * rows].astype(np.uint64).reshape(bands, rows)
    acc = (rows_sig * _BAND_MULT[:rows, 0]).sum(axis=1, dtype=np.uint64)
    acc = _mix(acc + (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _BAND_MULT[:bands, 1])
    return acc.view(np.int64).tolist()


# Words and sentences are hashed without a Python loop over words: a polynomial hash of the
# characters of each word (and of the word hashes of each sentence) is a difference of two
# prefix sums times an inverse power, all mod 2^64 (the bases are odd, so they invert).
_BASES = np.random.default_rng(SEED + 2).integers(1 << 32, 1 << 63, size=2, dtype=np.uint64) | np.uint64(1)
# Byte classes of folded ASCII text: 1 word character, 2 sentence punctuation, 3 closing quote,
# 4 other whitespace, 5 newline, 0 anything else. The trailing NUL pads lookahead past the end.
_CLASS = bytes(1 if c.isalnum() else 2 if c in ".!?" else 3 if c in "\"')" else 5 if c == "\n"
               else 4 if c.isspace() else 0 for c in map(chr, range(128))) + bytes(128)
_WORD_C, _QUOTE_C, _SPACE_C, _NEWLINE_C = 1, 3, 4, 5


class _Powers:
    """Powers of an odd base and of its inverse mod 2^64, grown on demand."""

    def __init__(self, base: int):
        self.base, self.inverse = base, pow(base, -1, 1 << 64)
        self.up = self.down = np.empty(0, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """At least n powers of the base and of its inverse."""
        if len(self.up) < n:
            size = max(n, 2 * len(self.up), 4096)
            self.up, self.down = _power_table(self.base, size), _power_table(self.inverse, size)
        return self.up, self.down


def _power_table(base: int, n: int) -> np.ndarray:
    """base^0 .. base^(n-1) mod 2^64 (numpy integer products wrap)."""
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, out=out)


_CHAR_POWERS, _WORD_POWERS = _Powers(int(_BASES[0])), _Powers(int(_BASES[1]))


def _segment_hashes(values: np.ndarray, starts: np.ndarray, ends: np.ndarray, powers: _Powers) -> np.ndarray:
    """Mixed polynomial hash of each values[start:end], all segments at once."""
    up, down = powers.get(len(values) + 1)
    prefix = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(values * up[:len(values)], out=prefix[1:])
    return _mix((prefix[ends] - prefix[starts]) * down[starts])


def _ascii_tokens(folded: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Characters, word starts and ends, and sentence-end word counts of folded ASCII text."""
    raw = folded.encode("ascii")
    cls = np.frombuffer((raw + b"\0").translate(_CLASS), dtype=np.int8)
    edges = np.zeros(len(cls) + 1, dtype=np.int8)
    edges[1:] = cls == _WORD_C
    bounds = np.flatnonzero(edges[1:] - edges[:-1])
    starts = bounds[0::2]
    punct = np.flatnonzero(cls == 2)
    after = cls[punct + 1]
    stops = [punct[after >= _SPACE_C], np.flatnonzero(cls == _NEWLINE_C)]
    quoted = punct[after == _QUOTE_C].tolist()  # '." ' ends a sentence too: skip the quotes
    if quoted:
        stops.append(np.array([p for p in quoted if _after_quotes(cls, p + 1) >= _SPACE_C], dtype=np.int64))
    chars = np.frombuffer(raw, dtype=np.uint8).astype(np.uint64)
    return chars, starts, bounds[1::2], np.searchsorted(starts, np.concatenate(stops))


def _after_quotes(cls: np.ndarray, i: int) -> int:
    """Class of the first character at or after i that is not a closing quote."""
    while cls[i] == _QUOTE_C:
        i += 1
    return int(cls[i])


def _unicode_tokens(folded: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The same as _ascii_tokens for any text (regex tokens; a word hashes alike on both paths)."""
    tokens = _WORD_OR_END.findall(folded)
    words, stops = [], []
    for token in tokens:
        if token[0] in _ENDS:
            stops.append(len(words))
        else:
            words.append(token)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    ends = np.cumsum(lengths + 1) - 1
    chars = np.frombuffer(" ".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return chars, ends - lengths, ends, np.array(stops, dtype=np.int64)


def tokenise(text: str, sentences: bool = True) -> tuple[np.ndarray, list[int]]:
    """uint64 hash of each normalised word, and signed hashes of the sentences long enough to identify it."""
    folded = _fold(text)
    chars, starts, ends, stops = (_ascii_tokens if folded.isascii() else _unicode_tokens)(folded)
    words = _segment_hashes(chars, starts, ends, _CHAR_POWERS)
    if not sentences:
        return words, []
    cuts = np.unique(np.concatenate(([0], stops, [len(words)])))
    long = np.diff(cuts) >= MIN_SENTENCE_WORDS
    if not long.any():
        return words, []
    found = _segment_hashes(words, cuts[:-1][long], cuts[1:][long], _WORD_POWERS)
    return words, np.unique(found.view(np.int64)).tolist()

# --- decisions -------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What an incoming article is relative to the corpus, and why."""

    kind: str  # "new", "exact" (dropped) or "copy" (kept, copy_of set)
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


class Deduplicator:
    """Decides whether an article is new, an exact duplicate or a copy of a corpus article."""

    def __init__(self, corpus: Corpus, config: Config):
        self.corpus = corpus
        section = config.section("dedup")
        self.shingle_size = int(section["shingle_size"])
        self.num_perm = int(section["num_perm"])
        self.near = float(section["near_threshold"])
        self.contain = float(section["containment_threshold"])
        self.bands, self.rows = lsh_params(self.num_perm, self.near * LSH_FACTOR)
        self.hasher = MinHasher(self.num_perm)
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
        row = self.corpus.db.execute("SELECT value FROM dedup_meta WHERE key = 'params'").fetchone()
        if row and row[0] == self._params():
            return
        stored = self.corpus.db.execute("SELECT count(*) FROM dedup_signatures").fetchone()[0]
        if stored or row:
            log.info("dedup settings changed (%s -> %s): re-indexing %d articles",
                     row[0] if row else None, self._params(), stored)
            reindex(self.corpus, self)
        elif self.corpus.db.in_transaction:  # constructed inside the caller's transaction
            self.corpus.db.execute("INSERT OR REPLACE INTO dedup_meta VALUES ('params', ?)",
                                   (self._params(),))
        else:
            with self.corpus.transaction() as db:
                db.execute("INSERT OR REPLACE INTO dedup_meta VALUES ('params', ?)", (self._params(),))

    # public interface ------------------------------------------------------------
    def sketch(self, body: str) -> _Sketch:
        """Shingles, MinHash signature, band keys and sentence hashes of one body."""
        words, sentences = tokenise(body)
        sh = shingle_hashes(words, self.shingle_size)
        sig = self.hasher.signature(sh)
        return _Sketch(sh, sig, band_keys(sig, self.bands, self.rows), sentences)

    def check(self, article: Article) -> Decision:
        """Classify one finished article (content_hash set) against the corpus."""
        original = self.corpus.db.execute(  # id and copy_of only: the body is not needed
            "SELECT id, copy_of FROM articles WHERE content_hash = ?", (article.content_hash,)).fetchone()
        if original:
            root = original[1] or original[0]
            return Decision("exact", root, 1.0, f"same normalised text as {original[0]}", 1.0)
        sketch = self.sketch(article.body)
        self._sketches[article.id] = sketch
        self._pending.sync()
        candidates = self._candidates(sketch)
        decision = self._verify(article, sketch, candidates)
        self._decisions[article.id] = decision
        return decision

    def remember(self, article: Article) -> None:
        """Persist signature, band keys, sentence sample and a copy's decision (caller's transaction)."""
        sketch = self._sketches.pop(article.id, None) or self.sketch(article.body)
        decision = self._decisions.pop(article.id, None) or Decision(
            "copy" if article.copy_of else "new", article.copy_of)
        if not self._store(article.id, sketch):
            return
        if decision.kind != "copy":
            return
        self.corpus.db.execute(
            "INSERT OR REPLACE INTO dedup_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, decision.kind, decision.original_id, decision.similarity,
             decision.containment, decision.reason, decision.new_text, utcnow().isoformat()),
        )

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
        rows = self.corpus.db.execute(
            f"SELECT article_rowid, shingles, signature FROM dedup_signatures "
            f"WHERE article_rowid IN ({','.join('?' * len(rowids))})", rowids).fetchall()
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
            return Decision("new", reason=f"no copy among {len(candidates)} candidates",
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
        return Decision("copy", root, round(jaccard, 4), reason, round(containment, 4), added,
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

    Sentence keys read at most MAX_POSTINGS + 1 rows each, so a boilerplate sentence
    shared by half the corpus costs no more than a rare one; band keys only collide for
    near-identical texts and are read in one IN query.
    """
    table = _TABLES[kind]
    for start in range(0, len(keys), 200):
        chunk = keys[start:start + 200]
        if kind == "bands":
            sql = f"SELECT key, article_rowid FROM {table} WHERE key IN ({','.join('?' * len(chunk))})"
        else:
            sql = " UNION ALL ".join(
                f"SELECT * FROM (SELECT key, article_rowid FROM {table} WHERE key = ? "
                f"LIMIT {MAX_POSTINGS + 1})" for _ in chunk)
        grouped: dict[int, list[int]] = {key: list(pending.get(kind, key)) for key in chunk}
        for key, rowid in corpus.db.execute(sql, chunk):
            grouped[key].append(rowid)
        yield from (v for v in grouped.values() if 0 < len(v) <= MAX_POSTINGS)


def _bodies(corpus: Corpus, rowids: list[int]):
    """id, body and copy_of of candidate articles, in candidate order."""
    if not rowids:
        return []
    rows = corpus.db.execute(
        f"SELECT rowid, id, body, copy_of FROM articles WHERE rowid IN ({','.join('?' * len(rowids))})",
        rowids).fetchall()
    order = {r: i for i, r in enumerate(rowids)}
    return sorted(rows, key=lambda r: order[r["rowid"]])


def posting_keys(sketch: _Sketch) -> list[int]:
    """An article's band keys, then its bottom-k sentence hashes: what the posting tables hold for it."""
    return sketch.bands + sorted(sketch.sentences)[:SENTENCE_SAMPLE]


def store_sketch(corpus: Corpus, article: int | str, sketch: _Sketch, num_perm: int) -> int | None:
    """Write one article's signature and posting keys; its rowid, or None if it is not in `articles`."""
    db = corpus.db
    if isinstance(article, str):
        row = db.execute("SELECT rowid FROM articles WHERE id = ?", (article,)).fetchone()
        if row is None:
            return None
        article = row[0]
    keys = np.array(posting_keys(sketch), dtype=np.int64)
    db.execute("INSERT OR REPLACE INTO dedup_signatures (article_rowid, num_perm, shingles, signature, keys) "
               "VALUES (?, ?, ?, ?, ?)",
               (article, num_perm, len(sketch.shingles), sketch.signature.tobytes(), keys.tobytes()))
    return article


class _Pending:
    """Postings of the articles stored since the last flush, in memory, rebuilt from the corpus.

    The corpus stays the truth: each waiting article's keys are in its dedup_signatures
    row, and dedup_meta 'indexed_upto' is the last rowid whose postings are in the tables.
    The memory copy is reloaded when another connection committed (PRAGMA data_version)
    or when that mark moved (a flush rolled back, or made by another process).
    """

    def __init__(self, corpus: Corpus, bands: int):
        self.corpus, self.bands = corpus, bands
        self.index: dict[str, dict[int, int | list[int]]] = {"bands": {}, "sentences": {}}
        self.count = 0
        self.mark = -1  # nothing loaded yet
        self.version: int | None = None

    def sync(self) -> None:
        """Reload the waiting postings if the corpus changed behind this process's back."""
        db = self.corpus.db
        version, mark = db.execute("PRAGMA data_version").fetchone()[0], _indexed_upto(db)
        if version != self.version or mark != self.mark:
            self.index = {"bands": {}, "sentences": {}}
            self.count, self.version, self.mark = 0, version, mark
            for rowid, blob in self._waiting():
                self.add(rowid, np.frombuffer(blob, dtype=np.int64).tolist())

    def _waiting(self) -> list[tuple[int, bytes]]:
        """Rowid and posting keys of every stored article whose postings are not in the tables."""
        return self.corpus.db.execute(
            "SELECT article_rowid, keys FROM dedup_signatures "
            "WHERE article_rowid > ? AND keys IS NOT NULL ORDER BY article_rowid", (self.mark,)).fetchall()

    def add(self, rowid: int, keys: list[int]) -> None:
        """Make one article's postings visible to lookups."""
        for kind, part in (("bands", keys[:self.bands]), ("sentences", keys[self.bands:])):
            index = self.index[kind]
            for key in part:
                old = index.get(key)
                if old is None:
                    index[key] = rowid
                elif isinstance(old, int):
                    index[key] = [old, rowid]
                else:
                    old.append(rowid)
        self.count += 1

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
        with self.corpus.transaction() as db:
            parts = (("dedup_bands", slice(self.bands)), ("dedup_sentences", slice(self.bands, None)))
            for table, part in parts:
                db.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?, ?)",
                               _in_key_order(rowids, [k[part] for k in keys]))
            db.execute("INSERT OR REPLACE INTO dedup_meta VALUES ('indexed_upto', ?)", (str(rowids[-1]),))
        self.index = {"bands": {}, "sentences": {}}
        self.count, self.mark = 0, rowids[-1]


def _in_key_order(rowids: list[int], keys: list[np.ndarray]) -> Iterable[tuple[int, int]]:
    """(key, rowid) postings sorted by key: inserted in this order, neighbouring keys share their pages."""
    flat = np.concatenate(keys)
    owners = np.repeat(np.array(rowids, dtype=np.int64), [len(k) for k in keys])
    order = np.argsort(flat, kind="stable")
    for start in range(0, len(order), 65_536):  # a slice at a time: no list of every posting in memory
        part = order[start:start + 65_536]
        yield from zip(flat[part].tolist(), owners[part].tolist())


def _indexed_upto(db) -> int:
    """Last article rowid whose postings are in the posting tables (0 before the first flush)."""
    row = db.execute("SELECT value FROM dedup_meta WHERE key = 'indexed_upto'").fetchone()
    return int(row[0]) if row else 0


def reindex(corpus: Corpus, dedup: Deduplicator, batch: int = 2000) -> int:
    """Recompute every stored sketch after a settings change (the only full pass)."""
    count = 0
    with corpus.transaction() as db:
        for table in ("dedup_bands", "dedup_sentences", "dedup_signatures"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM dedup_meta WHERE key = 'indexed_upto'")
        dedup._pending.sync()
        cursor = corpus.db.cursor().execute("SELECT rowid, body FROM articles ORDER BY rowid")
        while rows := cursor.fetchmany(batch):
            for rowid, body in rows:
                dedup._store(rowid, dedup.sketch(body))
                count += 1
        dedup._pending.flush()
        db.execute("INSERT OR REPLACE INTO dedup_meta VALUES ('params', ?)", (dedup._params(),))
    return count


# --- audit report ----------------------------------------------------------------


def _day_sql() -> str:
    """SQL expression of an article's day (published date, else ingestion date)."""
    return "substr(coalesce(a.published, a.ingested_at), 1, 10)"


def report(corpus: Corpus, since: date | None, until: date | None) -> dict:
    """Duplicate groups and stories of a date range, with the similarities that decided them."""
    from .stories import story_report  # stories imports this module: import here

    lo = (since or date.min).isoformat()
    hi = (until or date.max).isoformat()
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "duplicate_groups": _duplicate_groups(corpus, lo, hi),
        "stories": story_report(corpus, lo, hi),
    }


def _duplicate_groups(corpus: Corpus, lo: str, hi: str) -> list[dict]:
    """Originals in the range with their exact duplicates (dropped) and copies (kept)."""
    db = corpus.db
    groups: dict[str, dict] = {}

    def group(original_id: str) -> dict:
        """The group of one original, created on first use."""
        if original_id not in groups:
            a = corpus.article(original_id)
            groups[original_id] = {
                "original": _brief(a) if a else {"id": original_id},
                "exact": [], "copies": [],
            }
        return groups[original_id]

    copies = db.execute(
        f"SELECT a.id, a.title, a.outlet, a.published, a.copy_of, d.similarity, d.containment, d.reason "
        f"FROM articles a LEFT JOIN dedup_decisions d ON d.article_id = a.id "
        f"WHERE a.copy_of IS NOT NULL AND {_day_sql()} BETWEEN ? AND ? ORDER BY a.rowid", (lo, hi))
    for r in copies.fetchall():
        group(r["copy_of"])["copies"].append({
            "id": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
            "similarity": r["similarity"], "containment": r["containment"], "reason": r["reason"]})
    exact = db.execute(
        "SELECT original_id, kind, similarity, title, outlet, source_path, seen_at FROM duplicates "
        "WHERE substr(seen_at, 1, 10) BETWEEN ? AND ? ORDER BY id", (lo, hi))
    for r in exact.fetchall():
        group(r["original_id"])["exact"].append({k: r[k] for k in r.keys() if k != "original_id"})
    return list(groups.values())


def explain(corpus: Corpus, article_ids: Iterable[str]) -> dict[str, dict]:
    """Why each article is a copy and why it is in its story, for `status` and `build --json`.

    {id: {"dedup": {kind, original_id, similarity, containment, reason, new_text} or None,
          "story": {story_id, matched_article_id, similarity, founded_story, reason} or None}}
    """
    ids = list(dict.fromkeys(article_ids))
    out: dict[str, dict] = {i: {"dedup": None, "story": None} for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in corpus.db.execute(
                f"SELECT article_id, kind, original_id, similarity, containment, reason, new_text "
                f"FROM dedup_decisions WHERE article_id IN ({marks})", chunk):
            out[r["article_id"]]["dedup"] = {k: r[k] for k in r.keys() if k != "article_id"}
        for r in corpus.db.execute(
                f"SELECT article_id, story_id, matched_id, similarity, is_new, reason "
                f"FROM story_members WHERE article_id IN ({marks})", chunk):
            out[r["article_id"]]["story"] = {
                "story_id": r["story_id"], "matched_article_id": r["matched_id"],
                "similarity": r["similarity"], "founded_story": bool(r["is_new"]),
                "reason": r["reason"]}
    return out


def _brief(article: Article) -> dict:
    """The fields of an article an auditor needs."""
    return {"id": article.id, "title": article.title, "outlet": article.outlet,
            "published": article.published.isoformat() if article.published else None}


def article_day(article: Article) -> date:
    """The day an article belongs to: published, else ingested, else today."""
    when: datetime | None = article.published or article.ingested_at
    return (when or utcnow()).date()
