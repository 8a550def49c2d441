"""Evidence against a story's members: average link, and the entities that keep template reports apart.

A centroid drifts as members join, so a story compared only by its centroid can walk from one
event to the next (a chain). Here an article is compared with the story's members themselves:
its average cosine with the most recent of them, so every one of those members must be near it.
Reports of one event mostly come out the same day: a member further away in days is weaker
evidence, its cosine halved every `[stories] half_life_days`.

Wire services write many reports from one template about different entities ("COBANCO INC
<CBCO> YEAR NET", "DAHLBERG INC <DAHL> 4TH QTR NET"; "SIOUX CITY CATTLE UP", "OMAHA CATTLE UP").
Their bodies share the template's words and figures, so only the headline tells them apart:
two headlines that name different tickers, or that say the same thing about different rare
subjects, are about different entities and never one story.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from itertools import repeat
from operator import mul

from digest.stories.terms import background_frequencies

# <CBCO>, <SCHULT HOMES CORP>: the wire's mark of a company (listed ticker or unlisted name)
_MARKED = re.compile(r"<\s*([A-Za-z][A-Za-z0-9.&' \-]{0,40}?)\s*>")
# (DIA), (MARSHALL STEEL LTD): the same mark in parentheses, read in wire headlines only
_PAREN_MARKED = re.compile(r"\(\s*([A-Z][A-Z0-9.&' \-]{0,40}?)\s*\)")
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
RARE = 1e-5  # background frequency under which a headline word is a name (a company, a market town)
SAME_TEMPLATE = 2 / 3  # share of the rest of a headline two template reports have in common, at least


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(map(mul, a.values(), map(b.get, a, repeat(0.0))))


def average_link(vector: dict[str, float], members: list[dict[str, float]],
                 weights: list[float] | None = None) -> tuple[float, int]:
    """Mean cosine of a vector with member vectors, each weighed (by its distance in days), and
    the index of the closest member."""
    scores = [cosine(vector, member) for member in members]
    if weights is not None:
        scores = list(map(mul, scores, weights))
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return sum(scores) / len(scores), best


def compared(members: list[str], cap: int) -> list[str]:
    """The members of a story an article is weighed against: all up to `cap`, else the newest run of
    them from a multiple of cap // 2 (cap // 2 to cap members): the run only grows between two
    restarts, so the story's sum is extended per article and recounted once every cap // 2 joins."""
    if len(members) <= cap:
        return members
    half = cap // 2
    return members[(len(members) - half) // half * half:]


def joined_span(*spans: tuple[date, date] | None) -> tuple[date, date] | None:
    """The (first, last) day of stories together (None for a story of guessed days only)."""
    known = [span for span in spans if span]
    if not known:
        return None
    return min(span[0] for span in known), max(span[1] for span in known)


def span_days(*spans: tuple[date, date] | None) -> int:
    """Days the spans of stories last together: what `[stories] max_span_days` bounds."""
    joined = joined_span(*spans)
    return (joined[1] - joined[0]).days if joined else 0


def shared_terms(a: dict[str, float], b: dict[str, float], n: int = 4) -> list[str]:
    """The n terms two vectors share that weigh most in their cosine: the evidence, in words."""
    products = {t: w * b[t] for t, w in a.items() if t in b and not t.startswith("quote:")}
    return sorted(products, key=lambda t: (-products[t], t))[:n]


@lru_cache(maxsize=65536)
def headline_marks(title: str) -> tuple[frozenset[str], tuple[str, ...], bool]:
    """The company marks (<TICK>, and (TICK) in a wire headline) of a headline, its words (marks
    left out, case folded), and whether it is a wire headline (all upper case)."""
    title = title or ""
    wire = title.isupper()
    patterns = (_MARKED, _PAREN_MARKED) if wire else (_MARKED,)
    marks = frozenset(m.group(1).strip().upper() for p in patterns for m in p.finditer(title))
    for pattern in patterns:
        title = pattern.sub(" ", title)
    return marks, tuple(w.casefold() for w in _WORD.findall(title)), wire


def _is_rare(word: str) -> bool:
    """A word rare in general text, without digits: a name."""
    return word.isalpha() and background_frequencies("en").get(word, 0.0) < RARE


def _subject_conflict(a: tuple[str, ...], b: tuple[str, ...], wire: bool) -> bool:
    """Same template, different subject: each headline opens with words the other lacks, one of
    them a name, and the rest of the two headlines is mostly the same words; between two wire
    headlines (one outlet's house style: a report's updates keep its opening words), openings
    that differ are enough."""
    shared = set(a) & set(b)
    if not a or not b or not (shared or wire):
        return False
    cut_a = next((i for i, w in enumerate(a) if w in shared), len(a))
    cut_b = next((i for i, w in enumerate(b) if w in shared), len(b))
    if not cut_a or not cut_b:
        return False
    if wire:
        return True
    if not any(map(_is_rare, a[:cut_a])) or not any(map(_is_rare, b[:cut_b])):
        return False
    rest_a, rest_b = set(a[cut_a:]), set(b[cut_b:])
    common = len(rest_a & rest_b)
    return common >= 2 and common >= SAME_TEMPLATE * max(len(rest_a), len(rest_b))


def different_entities(title_a: str, title_b: str) -> str:
    """Why two headlines are about different entities ('' when nothing says so)."""
    marks_a, words_a, wire_a = headline_marks(title_a)
    marks_b, words_b, wire_b = headline_marks(title_b)
    if marks_a and marks_b and not marks_a & marks_b:
        return f"different companies <{min(marks_a)}> and <{min(marks_b)}>"
    if _subject_conflict(words_a, words_b, wire_a and wire_b):
        return "one headline template about different subjects"
    return ""
