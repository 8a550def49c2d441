"""Who said each sentence of an article: quotes, speech verbs, titles, name variants, pronouns.

Rules, not a model: a speaker is a capitalised name phrase, a pronoun, a title
("the secretary") or an organisation ("NATO", "the Kremlin") standing next to a
speech verb ("said", "told reporters", "according to"). People are keyed by
surname ("Secretary of State Antony Blinken" -> "Blinken"); "he"/"she" is the last
person named, "the secretary" the last person introduced with that title. A
sentence inside a quotation, or in the first person, belongs to the speaker of
its paragraph, or of the paragraph next to it when it has none. Speech verbs are
listed for English, Spanish, French, German, Italian, Portuguese and Russian;
other languages get no attribution (every point goes to the general section).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Sequence

from digest.summarize.sentences import UPPER
from digest.text import lexicon
from digest.text.tokens import LETTERS

VERBS = rf"(?:{lexicon.alternatives('speech_verbs')})"

_CONNECT = r"(?:of|the|for|in|de|del|la|van|von|der|al|bin|da|di|du|le)"
_CAP = rf"[{UPPER}][\w’'.\-]*"
NAME = rf"{_CAP}(?:\s+(?:{_CONNECT}\s+)*{_CAP})*"
PRONOUNS = {"he", "she", "él", "ella", "il", "elle", "er", "sie", "lui", "он", "она"}
_PRON = r"(?:[Hh]e|[Ss]he|él|[Ee]lla|[Ii]l|[Ee]lle|[Ee]r|Он|он|Она|она)"
_TITLE_REF = rf"(?:[Tt]he|[Ee]l|[Ll]a|[Ll]e|[Dd]er|[Dd]ie)\s+(?:[\w\-]+\s+){{0,3}}(?:{NAME}|[\w\-]+)"

_SUBJECT = re.compile(
    rf"(?:^|(?<=[\s,;:—–(“\"«]))(?P<who>{NAME}|{_PRON}|{_TITLE_REF})"
    rf"(?:\s*,\s+(?P<appos>(?:who|which|the|a|an|[{UPPER}])[^,]{{0,60}}),)?"
    rf"\s+(?:\w+ly\s+|also\s+|then\s+|has\s+|had\s+|was\s+|later\s+)?"
    rf"(?P<verb>{VERBS})\b"
)
_INVERTED = re.compile(
    rf"(?:[,”\"»]|^)\s*[,—–-]?\s*[—–-]?\s*(?:{VERBS})\s+"
    rf"(?P<who>{NAME}|{_PRON}|{_TITLE_REF}|(?:[a-zа-яёß-ÿ\-]+\s+){{1,2}}{NAME})"
)
_ACCORDING = re.compile(
    rf"(?:[Aa]ccording to|[Ii]n the (?:opinion|view|words) of|[Ss]egún|[Ss]elon|[Ll]aut|"
    rf"[Пп]о словам|[Пп]о мнению)\s+(?P<who>{NAME}|{_TITLE_REF}|(?:[\w\-]+\s+){{1,3}}{NAME})"
)
_CONTENT_VERBS = {
    "announced", "announces", "rejected", "refused", "declined", "denied", "denies", "confirmed", "confirms",
    "agreed", "proposed", "proposes", "promised", "pledged", "vowed", "urged", "urges", "warned", "warns",
    "called", "predicted", "admitted", "clear", "out", "for", "on",
}
# Words of speech verbs that only say someone spoke ("said", "added"), not what happened ("rejected").
VERB_WORDS = frozenset(LETTERS.findall(VERBS.lower())) - _CONTENT_VERBS
_TRIGGERS = frozenset(w for w in LETTERS.findall(VERBS.lower())
                      if len(w) > 2 and w not in {"for", "out", "clear", "has", "went"}) | {
    "according", "opinion", "view", "words", "según", "selon", "laut", "словам", "мнению", "went"}
_POSSESSIVE_WORDS = re.compile(r"^[Ii]n (?P<who>his|her) (?:words|view|opinion)\b")

TITLE_WORDS = frozenset(lexicon.words("en", "role_words") + lexicon.words("en", "title_qualifiers")
                        + lexicon.words("en", "demonyms") + lexicon.words("en", "title_links"))
ORG_WORDS = {
    "kremlin", "pentagon", "white house", "ministry", "department", "embassy", "government",
    "parliament", "congress", "senate", "commission", "council", "agency", "police", "army", "company",
    "committee", "office", "court", "bank", "union", "alliance", "administration", "party", "group",
    "organization", "organisation", "institute", "university", "federation", "authority", "service",
    "forces", "command", "cabinet", "board", "fund", "coalition", "association",
}
_ORG_SINGLE = frozenset(w for w in ORG_WORDS if " " not in w)
_GROUP_HEAD = frozenset(lexicon.words("en", "group_speakers"))
_NATIONALITIES = frozenset(lexicon.words("en", "nationalities"))
_GROUP_WORDS = _GROUP_HEAD | _NATIONALITIES | frozenset(lexicon.words("en", "group_qualifiers"))
_ORG_MULTI = tuple(w for w in ORG_WORDS if " " in w)
_NOT_SPEAKERS = {"it", "this", "that", "they", "we", "i", "you", "one", "there", "which", "who", "i’ve",
                 "i've", "i’m", "i'm", "i’d", "i'd", "i’ll", "i'll", "we’ve", "we’re", "both"}
_SEVERAL = re.compile(r"(?:\band|&|\by|\bet|\bund|\bи)\s+$", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|I’m|I'm|I’ve|I've|we|We|we’re|We’re|we're|We're|our|Our|us|my|My)\b")


class How(StrEnum):
    """How a sentence's speaker was found."""

    NAMED, PRONOUN, TITLE, QUOTE = "named", "pronoun", "title", "quote"
    SEVERAL, NONE = "several", "none"  # more than one speaker; nobody found


@dataclass(frozen=True)
class Attribution:
    """The speaker of one sentence and how it was found."""

    speaker: str | None
    how: How
    is_org: bool = False


@dataclass
class _Context:
    """Running state while reading one article: last person, titles of people met."""

    last_person: str | None = None
    titles: dict[str, set[str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    text: str = ""  # the whole article, to tell whom it names at all


def _clean_tokens(phrase: str) -> list[str]:
    """Tokens of a name phrase with possessives and trailing punctuation removed."""
    toks = [t.strip(".,;:’'\"”“«»()") for t in phrase.split()]
    toks = [re.sub(r"(?:’s|'s)$", "", t) for t in toks]
    return [t for t in toks if t]


@lru_cache(maxsize=16384)
def resolve_name(phrase: str) -> tuple[str | None, bool, frozenset[str]]:
    """(key, is_org, title words) of a capitalised phrase; key None when no name is left."""
    raw = phrase.strip()
    toks = _clean_tokens(raw)
    while toks and toks[0].lower() in {"the", "el", "la", "le", "der", "die", "also", "but", "and"}:
        toks = toks[1:]
    if not toks:
        return None, False, frozenset()
    lowered = [t.lower() for t in toks]
    if _GROUP_HEAD.intersection(lowered) and set(lowered) <= _GROUP_WORDS or lowered == [lowered[0]] and \
            lowered[0] in _NATIONALITIES:
        return None, False, frozenset()  # "Dealers", "Industry sources", "Japanese officials": no one named
    if not _ORG_SINGLE.isdisjoint(lowered) or any(w in " ".join(lowered) for w in _ORG_MULTI):
        display = re.sub(r"^(?:the|el|la|le|der|die)\s+", "", raw, flags=re.IGNORECASE)
        return display.strip(" ,;:"), True, frozenset()
    if toks[-1].replace(".", "").isupper() and len(toks[-1]) >= 2:
        return toks[-1] + ("." if "." in toks[-1] else ""), True, frozenset()
    names: list[str] = []
    for t in toks:
        if t[:1].isupper() and t.lower() not in TITLE_WORDS and t.lower() not in _CALENDAR \
                and not re.fullmatch(r"\w\.?", t):
            names.append(t)
        elif names and (t[:1].islower() and t.lower() not in _CONNECT_SET or t.lower() in _PLACE_LINKS):
            break  # "Scholz in Berlin", "Blinken on Monday": the name has ended
    titles = frozenset(t.lower() for t in toks if t.lower() in TITLE_WORDS)
    if not names or names[-1].lower() in _NOT_SPEAKERS:
        return None, False, titles
    return names[-1], False, titles


# Capitalised words that are never a speaker: full month and day names ("May" is also a verb), networks.
_CALENDAR = (frozenset(m.split()[0] for m in lexicon.lexicon("en")["months"]) - {"may"}) | frozenset(
    d.split()[0] for d in lexicon.lexicon("en")["days"]) | frozenset(lexicon.words("en", "relative_days")) | {
    "twitter", "facebook", "telegram"}
_NAME_RUN = re.compile(NAME)
_PLACE_LINKS = {"in", "for", "at", "on", "from", "to"}
_FILLER = {"also", "but", "and", "then", "meanwhile", "however", "regarding", "earlier", "later", "on"}
_CONNECT_SET = {"of", "the", "for", "in", "de", "del", "la", "van", "von", "der", "al", "bin", "da",
                "di", "du", "le"}


def _title_lookup(phrase: str, ctx: _Context, registry: dict[str, set[str]]) -> str | None:
    """The person a lower-case title ('the secretary of state') refers to, or None.

    People met in other articles of the story count only when this article names them too: a
    speaker is never carried from one article into another."""
    words = {w.lower() for w in _clean_tokens(phrase)[1:]}
    words = {w for w in words if w in TITLE_WORDS and w not in _CONNECT_SET}
    if not words:
        return None
    best, best_score = None, 0.0
    pools = (ctx.titles, registry)
    for rank, pool in enumerate(pools):
        for person in reversed(ctx.order if rank == 0 else [p for p in pool if p in ctx.text]):
            overlap = len(words & pool.get(person, set()))
            score = overlap / len(words) - rank * 0.01
            if overlap and score > best_score:
                best, best_score = person, score
        if best:
            return best
    return best


def _who(phrase: str, ctx: _Context, registry: dict[str, set[str]]) -> Attribution | None:
    """Resolve the speaker phrase of a match into an Attribution, or None when it names no one."""
    text = phrase.strip()
    first = text.split()[0] if text else ""
    if first.lower() in PRONOUNS and len(text.split()) == 1:
        return Attribution(ctx.last_person, How.PRONOUN) if ctx.last_person else None
    if (first[:1].islower() or first.lower() in {"the", "el", "la", "le", "der", "die"}) and \
            not any(w[:1].isupper() for w in text.split()[1:]):
        person = _title_lookup(text, ctx, registry)
        return Attribution(person, How.TITLE) if person else None
    key, is_org, titles = resolve_name(text)
    if not key:
        person = _title_lookup("the " + " ".join(titles), ctx, registry) if titles else None
        return Attribution(person, How.TITLE) if person else None
    if not is_org:
        _note_person(key, titles, ctx, registry)
    return Attribution(key, How.NAMED, is_org)


def _note_person(key: str, titles: set[str], ctx: _Context, registry: dict[str, set[str]]) -> None:
    """Remember a named person: their titles, and that they are now the last one named."""
    ctx.titles.setdefault(key, set()).update(titles)
    registry.setdefault(key, set()).update(titles)
    ctx.last_person = key
    if key in ctx.order:
        ctx.order.remove(key)
    ctx.order.append(key)


@lru_cache(maxsize=65536)
def speaker_phrases(sentence: str) -> tuple[tuple[str, bool], ...]:
    """(phrase, is one of several) next to a speech verb, in sentence order; cached, context-free."""
    text = sentence.strip()
    if _TRIGGERS.isdisjoint(LETTERS.findall(text.lower())):
        return ()  # no speech verb at all: skip the costly patterns
    outside = outside_quotes(text)
    found = []
    for pattern in (_SUBJECT, _INVERTED, _ACCORDING):
        for m in pattern.finditer(outside):
            who = m.group("who")
            appos = m.groupdict().get("appos") or ""
            if appos[:1].isupper() and not resolve_name(appos)[1] and resolve_name(appos)[0]:
                who = appos
            if who.split()[0].lower() in _NOT_SPEAKERS:
                continue
            found.append((m.start("who"), who, bool(_SEVERAL.search(outside[:m.start("who")]))))
    return tuple((who, several) for _, who, several in sorted(found))


def explicit(sentence: str, ctx: _Context, registry: dict[str, set[str]]) -> Attribution | None:
    """The speaker a sentence names itself (speech verb, 'according to'), or None."""
    if ctx.last_person and _POSSESSIVE_WORDS.search(sentence.strip()):
        return Attribution(ctx.last_person, How.PRONOUN)
    for who, several in speaker_phrases(sentence):
        att = _who(who, ctx, registry)
        if att and att.speaker:
            return Attribution(None, How.SEVERAL) if several else att
    return None


_QUOTED = re.compile(r"“[^”]*”?|«[^»]*»?|„[^“”]*[“”]?")


def outside_quotes(text: str) -> str:
    """The sentence with quoted passages blanked (kept in length), so names in quotes do not count."""
    return _QUOTED.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1]
                       if len(m.group(0)) > 1 else m.group(0), text)


def is_quoted(sentence: str) -> bool:
    """A sentence that opens or closes a quotation, or speaks in the first person."""
    text = sentence.strip()
    opens = sum(text.count(c) for c in "“«„")
    closes = sum(text.count(c) for c in "”»")
    return text[:1] in "“«„\"" or closes > opens or bool(_FIRST_PERSON.search(outside_quotes(text)))


def _mentions(text: str, ctx: _Context, registry: dict[str, set[str]], known: set[str]) -> None:
    """Note the person a sentence opens with (titled, or a speaker of the story) for a later 'he'."""
    head = outside_quotes(text)[:90]
    for m in _NAME_RUN.finditer(head):
        if m.start() > 60 or m.group(0).lower() in PRONOUNS | _NOT_SPEAKERS:
            return
        if head[m.end():m.end() + 2] in ("’s", "'s"):
            continue
        key, is_org, titles = resolve_name(m.group(0))
        if not key or is_org or len(key) < 3:
            continue
        if titles - _CONNECT_SET - _FILLER or key in known:
            _note_person(key, titles, ctx, registry)
            return


def _named_speakers(paras: Sequence[Sequence[str]]) -> set[str]:
    """People an article names as speakers anywhere (a first pass, so 'he' can look ahead to them)."""
    ctx, scratch = _Context(), {}
    found = set()
    for para in paras:
        for sentence in para:
            att = explicit(sentence, ctx, scratch)
            if att and att.how == How.NAMED and not att.is_org:
                found.add(att.speaker)
    return found


def attribute_article(paras: Sequence[Sequence[str]],
                      registry: dict[str, set[str]] | None = None) -> list[list[Attribution]]:
    """Attribution of every sentence of an article given as paragraphs of sentences."""
    registry = {} if registry is None else registry
    known = _named_speakers(paras) | set(registry)
    ctx = _Context(text=" ".join(sentence for para in paras for sentence in para))
    result: list[list[Attribution]] = []
    for para in paras:
        row = []
        for sentence in para:
            att = explicit(sentence, ctx, registry)
            if att is None and not is_quoted(sentence):
                _mentions(sentence, ctx, registry, known)
            row.append(att or Attribution(None, How.NONE))
        result.append(row)
    _propagate(paras, result)
    return result


def _propagate(paras: Sequence[Sequence[str]], result: list[list[Attribution]]) -> None:
    """Give quoted and first-person sentences the speaker of their paragraph or its neighbour."""
    def named(row: list[Attribution]) -> list[Attribution]:
        """The attributed sentences of a paragraph."""
        return [a for a in row if a.speaker]

    for p, (para, row) in enumerate(zip(paras, result)):
        for i, (sentence, att) in enumerate(zip(para, row)):
            if att.speaker or att.how == How.SEVERAL or not is_quoted(sentence):
                continue
            before = [a for a in row[max(0, i - 2):i] if a.speaker]  # a long paragraph may be a
            after = [a for a in row[i + 1:i + 2] if a.speaker]  # whole article: look nearby only
            near = before[-1:] or after[:1]
            if not near and p > 0 and named(result[p - 1]):
                near = named(result[p - 1])[-1:]
            if not near and p + 1 < len(result) and named(result[p + 1]) and \
                    is_quoted(paras[p + 1][0]):
                near = named(result[p + 1])[:1]
            if near:
                row[i] = Attribution(near[0].speaker, How.QUOTE, near[0].is_org)


_SAY = (r"(?:said|says|told(?: reporters| journalists)?|tells|added|adds|noted|notes|stressed|stresses"
        r"|emphasi[sz]ed|stated|states|explained|explains|continued|concluded|replied|remarked|observed"
        r"|wrote|writes|tweeted|insisted|insists|dijo|afirmó|señaló|añadió|sagte|a déclaré|a dit|заявил|заявила"
        r"|сказал|сказала)")
_WHO = rf"(?:{NAME}|{_PRON}|{_TITLE_REF}|(?:[\w\-]+\s+){{1,3}}{NAME})"
_SAY_TAIL = re.compile(rf"^\s*(?:(?P<who>{_WHO})\s+(?:\w+ly\s+|also\s+)?{_SAY}|{_SAY}\s+(?P<who2>{_WHO}))"
                       rf"(?P<rest>(?:\s+[\w’'\-]+){{0,8}})\s*[.!]?$")
# At the head, a verb other than said/told reporters/added needs "that": "Blinken stressed the
# importance of unity" must not become "The importance of unity".
_SAY_HEAD = re.compile(rf"^(?:(?:[Aa]ccording to|[Ii]n the (?:opinion|view|words) of)\s+(?P<who>{_WHO}),\s+"
                       rf"|(?P<who2>{_WHO})\s+(?:\w+ly\s+|also\s+)?(?:(?:said|says|told (?:reporters|journalists)"
                       rf"|added|adds)(?:\s+that)?|{_SAY}\s+that)\s+)(?P<body>[{UPPER}a-z“\"«].*)$")
_CLOSING_COMMA = re.compile(r",([”\"»’])$")
_OPEN_APPOSITION = re.compile(r",\s+(?:who|which|whose|whom)\b[^,]*$")  # "X, who proposed it," + verb


def _names(who: str, speaker: str) -> bool:
    """The speaker phrase of an attribution clause stands for the given speaker."""
    words = who.split()
    if words[0].lower() in PRONOUNS:
        return len(words) == 1
    if words[0].lower() in {"the", "el", "la", "le", "der", "die"}:  # "the secretary", not "the lanes"
        return all(w.lower().strip(".,") in TITLE_WORDS or w[:1].isupper() for w in words[1:])
    return resolve_name(who)[0] == speaker


def without_attribution(sentence: str, speaker: str) -> str:
    """The sentence without the clause saying the speaker said it (", Blinken told reporters.",
    "According to Blinken, ...", "Blinken noted that ..."), for a section headed with the speaker.
    The rest is kept word for word (its first letter capitalised); unchanged when nothing fits."""
    text = " ".join(sentence.split())
    outside = outside_quotes(text)
    cut = max(outside.rfind(","), outside.rfind("” "), outside.rfind("\" ") if text[:1] == "\"" else -1)
    if cut > 0:
        tail = text[cut + 1:]
        m = _SAY_TAIL.match(tail)
        who = m and (m.group("who") or m.group("who2"))
        body = text[: cut + (1 if text[cut] in "”\"" else 0)].rstrip()
        if body.endswith(",”") and body.count("”") == body.count("“") + 1:
            body = body[:-2]  # the end of a quote opened in the sentence before: keep the words only
        if who and _names(who, speaker) and len(body.split()) >= 5 and balanced_quotes(body) \
                and not _OPEN_APPOSITION.search(body):
            body = _CLOSING_COMMA.sub(r".\1", body)
            return body if body[-1] in ".!”\"»’" else body + "."
    m = _SAY_HEAD.match(text)
    who = m and (m.group("who") or m.group("who2"))
    if who and _names(who, speaker) and len(m.group("body").split()) >= 5 and balanced_quotes(m.group("body")):
        body = m.group("body")
        return body[0].upper() + body[1:]
    return text


def balanced_quotes(text: str) -> bool:
    """Curly, straight and angle quotation marks open and close in pairs."""
    return text.count("“") == text.count("”") and text.count("«") == text.count("»") and \
        text.count("\"") % 2 == 0
