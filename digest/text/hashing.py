"""Text hashing: normalised content hash for exact duplicates; word and sentence hashes, MinHash, LSH bands.

Text is folded (`normalise`'s rules, below) and cut into words and sentences; words are
hashed with array arithmetic over the whole text (numpy), not a Python loop per word;
shingles of consecutive word hashes feed a one-permutation MinHash with densification;
the signature is cut into LSH bands whose (rows, bands) are chosen for the threshold.
Everything is seeded, so hashes are stable across runs and machines; a change here must
bump `dedup.check.INDEX_VERSION` so stored indexes are rebuilt once.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

from digest.text.tokens import WORD

_WORD_OR_END = re.compile(r"[^\W_]+|[.!?…][\"'”’»)]*(?=\s)|\n")  # words and sentence ends
_ENDS = frozenset(".!?…\n")

SEED = 0x5EED_D16E57
MIN_SENTENCE_WORDS = 6    # shorter sentences ("He said no.") are too common to mean a copy


def fold(text: str) -> str:
    """NFKC (skipped for ASCII, where it changes nothing) and case folding."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def hash64(text: str) -> int:
    """A stable 64-bit hash (the salted built-in hash would change between runs)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def signed64(value: int) -> int:
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
    folded = fold(text)
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


def normalise(text: str) -> str:
    """Fold case, accents of quotes, punctuation and whitespace so trivial edits hash alike."""
    return " ".join(WORD.findall(fold(text)))


def content_hash(body: str) -> str:
    """Hash of the normalised body: equal for exact duplicates."""
    return hashlib.sha256(normalise(body).encode("utf-8")).hexdigest()
