"""The terms of an article for story grouping: what depends on its text alone.

Words are weighed as an editor would match two reports of one event: names, places
and organisations (capitalised inside a sentence) and figures (tokens with digits) count
more, function words (frequent in general text, by wordfreq) not at all, and headline
words count double. Everything here depends on the text and the language only, so it
can be worked out ahead in a reader process (`text_terms`); `stories.py` adds the
corpus's document frequencies and compares.

Speed without changing a result: each distinct token of a text is weighed once (its
sentence-start occurrences, which are not names, found by one regex), and token
analysis and background priors are cached per process.
"""
from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from digest.models import Article
from digest.text.hashing import hash64, normalise, signed64
from digest.text.lexicon import weekdays

TERM_TOKEN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['.\-][A-Za-z0-9]+)*")  # the same on ASCII text, faster
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_START = set(".!?:;\"“”«»—–-\n")
# A token at a sentence start: after the start of the text or a mark of _SENTENCE_START, then
# spaces or tabs. The lookbehind keeps out the inside of a token such as "U.S" or "well-Known".
_START = re.compile(r"(?:\A|[.!?:;\"“”«»—–\n-])[ \t]*+(?<![^\W_]['’.\-])([^\W_]+(?:['’.\-][^\W_]+)*)")
_ASCII_START = re.compile(r"(?:\A|[.!?:;\"\n-])[ \t]*+(?<![A-Za-z0-9]['.\-])([A-Z][A-Za-z0-9]*(?:['.\-][A-Za-z0-9]+)*)")

TITLE_WEIGHT = 2      # a headline word counts as this many body occurrences
NAME_BOOST = 2.0      # capitalised inside a sentence: people, places, organisations
NUMBER_BOOST = 1.5    # figures and dates
COMMON = 1e-3         # background frequency above which a word is a function word
BACKGROUND_DOCS = 2000  # strength of the background prior, in pseudo-documents
BACKGROUND_LENGTH = 500  # words of a typical article, to turn frequencies into df
NUMBER_FREQ = 1e-5    # background frequency assumed for tokens with digits
QUOTE_WEIGHT = 1.0    # a quotation of QUOTE_WORDS words or more counts as one occurrence of a word (it is rare)
QUOTE_WORDS = 8
QUOTE_PREFIX = "quote:"  # a quotation's term: this and the hash of its normalised words
_QUOTATION = re.compile(r"[“\"]([^”“\"]{20,400})[”\"]")


@lru_cache(maxsize=8)
def background_frequencies(language: str) -> dict[str, float]:
    """General word frequencies of a language (English when unknown or unsupported)."""
    try:
        import wordfreq
    except ImportError:  # the prior is an improvement, not a requirement
        return {}
    for lang in (language, "en"):
        try:
            return wordfreq.get_frequency_dict(lang, wordlist="best")
        except (LookupError, ValueError):
            continue
    return {}


def _frequency(term: str, background: dict[str, float]) -> float:
    """Background frequency of a term; tokens with digits count as uncommon."""
    if _has_digit(term):
        return NUMBER_FREQ
    return background.get(term, 0.0)


def _has_digit(term: str) -> bool:
    """A token with a digit in it: a figure, a date, a model number."""
    return not term.isalpha() and any(map(str.isdigit, term))


# per background (by id, holding it so the id cannot be reused): its token -> (term, boost)
# and term -> prior pseudo-document frequency caches
_CACHES: dict[int, tuple[dict, dict[str, tuple[str, float] | None], dict[str, float]]] = {}
CACHE_LIMIT = 500_000  # entries per cache before it is emptied


def _caches(background: dict[str, float]) -> tuple[dict, dict]:
    """The (token -> term, term -> prior) caches of one background dict."""
    entry = _CACHES.get(id(background))
    if entry is None or entry[0] is not background:
        entry = _CACHES[id(background)] = (background, {}, {})
    return entry[1], entry[2]


def _term_cache(background: dict[str, float]) -> dict[str, tuple[str, float] | None]:
    """The token -> (term, boost) cache of one background."""
    cache = _caches(background)[0]
    if len(cache) > CACHE_LIMIT:
        cache.clear()
    return cache


def term_of(token: str, background: dict[str, float]) -> tuple[str, float] | None:
    """(term, boost) of a raw token, or None for function words and single letters; cached."""
    cache = _term_cache(background)
    try:
        return cache[token]
    except KeyError:
        pass
    term = token.casefold()
    if "'" in term or "’" in term:
        term = _POSSESSIVE.sub("", term)
    term = term.strip(".")
    found = None
    number = _has_digit(term)
    if (len(term) >= 2 or term.isdigit()) and (NUMBER_FREQ if number else background.get(term, 0.0)) <= COMMON:
        found = (sys.intern(term), NUMBER_BOOST if number else 1.0)
    cache[token] = found
    return found


def _prior(term: str, background: dict[str, float]) -> float:
    """Pseudo-document frequency a term gets from the background prior; cached."""
    cache = _caches(background)[1]
    value = cache.get(term)
    if value is None:
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        value = cache[term] = BACKGROUND_DOCS * (
            1 - math.exp(-_frequency(term, background) * BACKGROUND_LENGTH))
    return value


def term_priors(terms, language: str) -> list[float]:
    """`_prior` of each term, in order (cached values first: most terms were seen before)."""
    background = background_frequencies(language)
    cache = _caches(background)[1]
    return [p if (p := cache.get(t)) is not None else _prior(t, background) for t in terms]


def is_name(text: str, start: int) -> bool:
    """A capitalised token not at the start of a sentence or line."""
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] not in _SENTENCE_START


def count_terms(text: str, weight: float, background: dict[str, float], out: dict[str, float]) -> None:
    """Add the boosted term counts of one text to `out`.

    Each distinct token is weighed once: all its occurrences are counted, and for a
    capitalised one those at a sentence start (after a mark of _SENTENCE_START and
    spaces, or at the very start) are counted apart; the others are names (`is_name`).
    Every increment is a small multiple of 0.5, so the sums are exact whatever the order.
    """
    plain = text.isascii()
    counts = Counter((_ASCII_TOKEN if plain else TERM_TOKEN).findall(text))
    starts = Counter((_ASCII_START if plain else _START).findall(text))
    cache = _term_cache(background)
    for token, n in counts.items():
        found = cache[token] if token in cache else term_of(token, background)
        if found is None:
            continue
        term, boost = found
        names = n - starts[token] if token[0].isupper() and boost < NAME_BOOST else 0
        value = weight * (boost * (n - names) + NAME_BOOST * names) if names else weight * boost * n
        out[term] = out.get(term, 0.0) + value


def body_lines(body: str) -> list[tuple[int, str]]:
    """(hash, text) of each body line of two words or more, for boilerplate recognition."""
    out = []
    for line in body.splitlines():
        norm = normalise(line)
        if " " in norm:
            out.append((signed64(hash64(norm)), line))
    return out


def article_terms(article: Article, skip: frozenset[int] = frozenset(),
                  lines: list[tuple[int, str]] | None = None) -> dict[str, float]:
    """Boosted, sublinear term frequencies of an article's headline and body (minus `skip` lines)."""
    background = background_frequencies(article.language)
    counts: dict[str, float] = {}
    count_terms(article.title or "", TITLE_WEIGHT, background, counts)
    body = article.body
    if skip:
        lines = body_lines(body) if lines is None else lines
        body = "\n".join(line for key, line in lines if key not in skip)
    count_terms(body, 1.0, background, counts)
    for quote in quotation_terms(body):
        counts[quote] = counts.get(quote, 0.0) + QUOTE_WEIGHT
    return {t: 1.0 + math.log(c) if c >= 1 else c for t, c in counts.items()}


def quotation_terms(body: str) -> list[str]:
    """A term for each quotation of QUOTE_WORDS words or more: outlets that quote one speaker
    word for word share it whatever their own words (strong evidence of one story)."""
    out = []
    for match in _QUOTATION.finditer(body):
        words = normalise(match.group(1))
        if words.count(" ") + 1 >= QUOTE_WORDS:
            out.append(f"{QUOTE_PREFIX}{hash64(words):016x}")
    return out


def mentioned_days(text: str) -> int:
    """The days of the week a text names ("on Wednesday"), as a bit mask (bit 0 Monday): the day
    an event happened, which tells two developments of one thread apart (the House vote on Tuesday,
    the Senate's on Thursday) when neither the article's date nor its headline is known."""
    names = weekdays()
    mask = 0
    for token in TERM_TOKEN.findall(text):
        day = names.get(token.casefold())
        if day is not None:
            mask |= 1 << day
    return mask


@dataclass(frozen=True)
class TextTerms:
    """What `assign` needs from an article's text alone, worked out ahead (in a reader process):
    its body line keys and the terms of its whole text, for StoryIndex.offer."""

    title: str
    body: str
    language: str
    line_keys: tuple[int, ...]
    terms: dict[str, float]
    priors: tuple[float, ...]  # each term's background prior (`_prior`), in the order of terms


def text_terms(article: Article) -> TextTerms:
    """Line keys, whole-text terms and their priors of an article, before any corpus lookup."""
    terms = article_terms(article)
    return TextTerms(article.title, article.body, article.language,
                     tuple(key for key, _ in body_lines(article.body)), terms,
                     tuple(term_priors(terms, article.language)))
