"""When a sentence gives background, and whether it makes sense on its own.

Background: earlier dates than the story's (a month before the publication month,
an earlier year), "since ...", "last week", "ago", "in recent weeks", "has been
...ing", situation figures ("at least 100,000"). Standalone: no opening that points
back ("This", "It", "However", "He also"), no he/she that nothing resolves, no quotation
or first person ("I", "we") without a speaker.

Gist, for near-repeat checks: a sentence's Snowball-stemmed content words (Snowball has
stemmers for most European languages, Russian, Arabic, Hindi and more; other languages
keep whole words), English synonyms news reports use for one another folded to one
("disclose", "release", "publish"; "U.S.", "United States"), its clauses, its main clause
(attribution frames and leading adverbials skipped) and each clause's polarity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import snowballstemmer

from digest.summarize import speakers
from digest.summarize.sentences import UPPER
from digest.summarize.speakers import How
from digest.text import lexicon
from digest.text.tokens import WORD_APOS

_MONTHS = "|".join(sorted((n for m in lexicon.lexicon("en")["months"] for n in m.split()), key=len, reverse=True))
_MONTH_REF = re.compile(rf"\b(?:in|on|since|until|by|from|of)\s+(?:early\s+|late\s+|mid-)?({_MONTHS})\b\.?"
                        rf"(\s+\d{{1,2}})?(?:,?\s+((?:19|20)\d\d))?")  # on lower-cased text
_BACKGROUND = re.compile(
    r"\b(?:last|past|previous) (?:week|month|year|weekend|spring|summer|autumn|fall|winter|decade)\b"
    rf"|\bsince (?:(?:the|early|late|mid|at least|about)\s+)?(?:\d|{_MONTHS}|then|last|its |the (?:start|end"
    r"|beginning|outbreak|invasion|war|fall|collapse)|\w+ (?:of )?(?:19|20)\d\d)|\bever since\b"
    r"|\bearlier this (?:week|month|year)\b|\b(?:days|weeks|months|years) ago\b"
    r"|\bin recent (?:days|weeks|months|years)\b|\b(?:has|have|had) been \w+ing\b|\boriginally\b"
    r"|\b(?:at least|more than|nearly|up to) [\d,.]{4,}"
    r"|\bdesde\b|\bdepuis\b|\bseit\b|\bс тех пор\b|(?:^|\s)с \d{4}",
)  # matched against lower-cased text
_DANGLING = re.compile(
    r"^[\"“«‘(]?(?:This|These|That|Those|Such|It|Its|They|Their|Them|Both|Another|Other"
    r"|Also,|And|But|Or|So|Yet|Nor|Still|Thus|Hence|Therefore|Instead|Likewise|Similarly|Moreover"
    r"|Furthermore|In addition|Additionally|However|Nevertheless|Otherwise|He also|She also|Then"
    r"|In this|At this|At the same time|On the other hand|In that)\b"
)
_EARLY_DEMONSTRATIVE = re.compile(
    r"^(?:\W*\w+\W+){0,3}?(?:these|those|this)\s+(?!week|month|year|morning|afternoon|evening"
    r"|weekend|time|spring|summer|autumn|fall|winter|season|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)\w+", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]im|[Hh]is|[Hh]er)\b")
_SPEECH_PRONOUN = re.compile(rf"\b(?:he|she)\s+(?:{speakers.VERBS})\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|plans? to|is to|are to|next)\b", re.IGNORECASE)
YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


def is_background(text: str, published: tuple[int, int] | None = None,
                  story_year: int | None = None) -> bool:
    """A sentence that gives earlier context: earlier dates, 'since', 'last week', situation figures."""
    text = text.lower()
    if _BACKGROUND.search(text):
        return True
    current = published[0] if published else story_year
    if current and any(int(y) < current for y in YEAR.findall(text)):
        return True
    for m in _MONTH_REF.finditer(text):
        month = _month_number(m.group(1))
        year = int(m.group(3)) if m.group(3) else None
        if published is None:
            if not m.group(2):
                return True
        elif year is not None and (year, month) < published:
            return True
        elif year is None and month != published[1] and not _FUTURE.search(text):
            return True
    return False


def _month_number(name: str) -> int:
    """1-12 from a month name or abbreviation."""
    names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return names.index(name[:3].lower()) + 1


def is_standalone(text: str, attribution: speakers.Attribution) -> bool:
    """Whether a sentence makes sense alone (no dangling 'This', 'He also', unresolved pronoun)."""
    bare = text.lstrip("\"“«‘( ")
    if _DANGLING.match(bare) or _EARLY_DEMONSTRATIVE.match(bare) or not balanced(text):
        return False
    if attribution.speaker is None and speakers.is_quoted(text):
        return False  # a quotation or "I"/"we" with nobody to say it
    first = bare.split(" ", 1)[0].lower()
    if first in {"he", "she", "his", "her"}:
        return attribution.how == How.PRONOUN
    if attribution.speaker is None:
        head = speakers.outside_quotes(text)
        m = _PRONOUN.search(head)
        before = head[: m.start()].split(" ", 1)[-1] if m else ""
        if m and (_SPEECH_PRONOUN.search(head) or not re.search(rf"\b[{UPPER}][a-z]+", before)):
            return False
    return True


def balanced(text: str) -> bool:
    """Quotation marks open and close in pairs (not a fragment of a quote)."""
    return (text.count("“") == text.count("”") and text.count("«") == text.count("»")
            and text.count('"') % 2 == 0)


# --- content terms, clauses and polarity: what two sentences state, for near-repeat checks ---

_SNOWBALL = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "it": "italian",
             "pt": "portuguese", "ru": "russian", "nl": "dutch", "sv": "swedish", "da": "danish",
             "no": "norwegian", "nb": "norwegian", "fi": "finnish", "pl": "polish", "ro": "romanian",
             "hu": "hungarian", "tr": "turkish", "ca": "catalan", "cs": "czech", "el": "greek",
             "id": "indonesian", "ga": "irish", "lt": "lithuanian", "sr": "serbian", "ar": "arabic",
             "hi": "hindi", "ta": "tamil", "ne": "nepali", "fa": "persian", "eu": "basque", "et": "estonian",
             "hy": "armenian"}
_SYNONYM_GROUPS = lexicon.groups("en", "synonyms")
# One name for the states and unions news calls by several ("U.S.", "US", "United States").
_ALIASES = {"us": "usa", "usa": "usa", "unitedstates": "usa", "uk": "britain", "unitedkingdom": "britain",
            "britain": "britain", "eu": "eu", "europeanunion": "eu", "un": "un", "unitednations": "un"}
_ALIAS = re.compile(r"\b(?:U\.S\.A?\.?|USA|US|United States|U\.K\.|UK|United Kingdom|Britain|EU"
                    r"|E\.U\.|European Union|UN|U\.N\.|United Nations)(?!\w)")
_SYNONYM = {word: group[0] for group in _SYNONYM_GROUPS for word in group}
_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]—–]|\s-\s|\b(?:because|while|whereas|although|though|but|after|before|as|since|which"
    r"|who|whom|whose|that|when|where|if|unless|saying|porque|mientras|aunque|pero|que|parce|mais|weil"
    r"|aber|dass|perché|ma|mas|потому|но|что)\b", re.IGNORECASE)
_ADVERBIAL = re.compile(
    r"^(?:in|on|at|after|before|during|for|with|without|regarding|according|shortly|earlier|later"
    r"|meanwhile|again|also|notably|however|so|and|then|now|today|yesterday|over|under|by|from|to"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may"
    r"|june|july|august|september|october|november|december|\d+"
    r"|en|el|la|durante|tras|según|dans|selon|pendant|nach|laut|während|per|secondo|во|в|по|после)\b",
    re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|cannot|declined to|refused to|refuses to"
                       r"|declines to)\b|n[’']t\b|\b(?:ni|nunca|ne|pas|nicht|kein\w*|non|não|не|нет)\b",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Gist:
    """What a sentence states, for near-repeat checks: content terms, its main clause's terms, polarity."""

    terms: frozenset[str]
    lead: frozenset[str]  # terms of the first clause that is neither attribution nor adverbial
    lead_negated: bool
    parts: tuple[tuple[frozenset[str], bool], ...] = ()  # (terms, negated) of every clause
    lead_predicate: bool = True  # the main clause has a content word besides names ("the US ambassador
    # to Russia" has none): with two terms only, it must, or it states nothing to repeat

    def states(self, found: frozenset[str], denied: bool) -> bool:
        """A clause sharing some of the terms has the given polarity ('not' elsewhere does not count)."""
        return any(part_denied == denied for terms_, part_denied in self.parts if terms_ & found)


@lru_cache(maxsize=64)
def _stemmer(language: str):
    """The Snowball stemmer of a language (English for unknown), or None where Snowball has none."""
    code = (language or "").split("-")[0].lower()
    name = _SNOWBALL.get(code, "english" if code in {"", "und"} else "")
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=65536)
def terms(text: str, language: str, stop: frozenset[str]) -> frozenset[str]:
    """Stemmed content words and numbers (stop words dropped, English synonyms folded)."""
    stemmer = _stemmer(language)
    if stemmer is not None and _SNOWBALL.get((language or "en").split("-")[0], "english") == "english":
        text = _ALIAS.sub(lambda m: _ALIASES[m.group(0).lower().replace(" ", "").replace(".", "")], text)
    raw = [w.lower().replace("’", "'").split("'")[0] for w in WORD_APOS.findall(text)]
    numbers = {w for w in raw if w.isdigit()}
    words = [w for w in raw if len(w) > 1 and w not in stop and not w.isdigit()]
    stems = stemmer.stemWords(words) if stemmer else words
    if stemmer is not None and _SNOWBALL.get((language or "en").split("-")[0], "english") == "english":
        stems = [_SYNONYM.get(s, s) for s in stems]
    return frozenset(stems) | numbers


def clauses(text: str) -> list[str]:
    """Pieces of a sentence between punctuation and subordinating words ('because', 'that', 'while')."""
    return [c for c, _ in _clauses_with_breaks(text)]


_FRAME_WORDS = 5  # "we make it clear that", "I can tell you that": a frame, not the statement


def _clauses_with_breaks(text: str) -> list[tuple[str, str]]:
    """(clause, the word or mark that ends it) pairs."""
    plain = re.sub(r"[“”\"«»„‘]", " ", text)
    pieces = re.split(f"({_CLAUSE_BREAK.pattern})", plain, flags=re.IGNORECASE)
    out = []
    for k in range(0, len(pieces), 2):
        clause = pieces[k].strip()
        if clause:
            out.append((clause, pieces[k + 1].strip().lower() if k + 1 < len(pieces) else ""))
    return out


def negated(text: str) -> bool:
    """The text denies or refuses something ('not', 'never', 'declined to')."""
    return _NEGATION.search(text) is not None


@lru_cache(maxsize=65536)
def gist(text: str, language: str, stop: frozenset[str]) -> Gist:
    """Terms of the sentence, of each clause, and of its main clause (attribution, adverbials skipped)."""
    pieces = _clauses_with_breaks(text)
    parts = tuple((terms(clause, language, stop), negated(clause)) for clause, _ in pieces)
    lead, lead_negated = frozenset(), False
    for k, ((clause, ends), (found, denies)) in enumerate(zip(pieces, parts)):
        if not found:
            continue  # "Blinken noted", "as I said": attribution only
        if _ADVERBIAL.match(clause) or (k == 0 and ends == "that" and len(clause.split()) <= _FRAME_WORDS):
            continue  # "In recent days", "Shortly", "We make it clear that": not the statement
        lead, lead_negated = found, denies
        common = terms(" ".join(w for w in clause.split() if not w[:1].isupper()), language, stop)
        predicate = len(found) > 2 or bool(common)
        break
    else:
        predicate = False
    return Gist(terms(text, language, stop), lead, lead_negated, parts, predicate)


def fold_demonyms(gists: list[Gist]) -> list[Gist]:
    """'russian' counts as 'russia', 'ukrainian' as 'ukrain' when the story has both forms."""
    vocab = {t for g in gists for t in g.terms}
    fold = {}
    for t in vocab:
        for suffix in ("n", "an", "ian", "ean"):
            base = t[: -len(suffix)]
            if t.endswith(suffix) and len(base) >= 4 and base in vocab:
                fold[t] = base
                break
    if not fold:
        return gists

    def mapped(found: frozenset[str]) -> frozenset[str]:
        """The terms with demonyms folded."""
        return frozenset(fold.get(t, t) for t in found)

    return [replace(g, terms=mapped(g.terms), lead=mapped(g.lead),
                    parts=tuple((mapped(found), denies) for found, denies in g.parts)) for g in gists]


def restates(x: Gist, y: Gist) -> bool:
    """y states x's main clause: all its terms (all but one of four or more), with the same polarity."""
    if len(x.lead) < 2 or not x.lead_predicate:
        return False
    missing = len(x.lead - y.terms)
    return missing <= (1 if len(x.lead) >= 4 else 0) and y.states(x.lead, x.lead_negated)
