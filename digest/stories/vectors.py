"""Sparse term vectors as dicts: sums, top terms and cosines computed bit for bit the same way
wherever a story's centroid is built, so cached and fresh centroids agree exactly."""
from __future__ import annotations

import math
from operator import itemgetter, mul

from digest.stories.link import cosine


def cosine_in_order(a: dict[str, float], b: dict[str, float], order) -> float:
    """cosine(a, b) bit for bit, given `order` (a term's place in a): the shared terms are found
    by one set operation, then their products summed in a's order (as cosine adds them, bar
    the zeros of the terms b lacks, which change no sum)."""
    if len(a) > len(b) or not a:
        return cosine(a, b)  # cosine would walk b (keep its order), or a is empty (an int 0)
    return sum([a[t] * b[t] for t in sorted(a.keys() & b.keys(), key=order)], 0.0)


def centroid_of_vectors(vectors: list[dict[str, float]], n: int) -> dict[str, float]:
    """Normalised sum of member vectors, its n heaviest terms only."""
    return normalised_top(add_vectors({}, vectors), n)


def add_vectors(total: dict[str, float], vectors) -> dict[str, float]:
    """Add vectors to a running sum in place (first-seen term order, as Counter.update)."""
    get = total.get
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = weight + get(term, 0)
    return total


def heaviest(weights: dict[str, float], n: int) -> list[tuple[str, float]]:
    """The n heaviest (term, weight) pairs, ties in dict order: Counter.most_common(n), but
    only the pairs at or above the n-th weight are sorted as pairs."""
    if len(weights) > n:
        cutoff = sorted(weights.values(), reverse=True)[n - 1]
        weights = {t: w for t, w in weights.items() if w >= cutoff}
    return sorted(weights.items(), key=itemgetter(1), reverse=True)[:n]


def normalised_top(total: dict[str, float], n: int) -> dict[str, float]:
    """The n heaviest terms of a sum (ties: first seen), L2-normalised."""
    top = heaviest(total, n)
    values = [w for _, w in top]
    norm = math.sqrt(sum(map(mul, values, values))) or 1.0
    return {t: w / norm for t, w in top}
