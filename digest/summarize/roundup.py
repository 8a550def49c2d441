"""Roundups: one outlet's reports of one template on one day, gathered as an editor would.

A wire writes many reports from one template about different entities: earnings ("COBANCO INC
<CBCO> YEAR NET", body "Shr 1.20 dlrs vs 1.10 dlrs"), dividends, offerings, market prices. The
story layer keeps them apart (each is its own story); listing them one by one would fill the
digest with dozens of near-identical entries. Here the reports of a day whose headlines or body
openings have one shape once entities and numbers are masked are gathered into one Roundup
entry, a line each (entity, key line, source), named from text/lexicon `report_kinds`
("Earnings: 42 companies reported") or, for another template, from its shared headline words.
A template is one that at least `[stories] roundup_min` reports of one outlet and day share.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

from digest.models import Article, Roundup, RoundupLine, article_day
from digest.stories.terms import background_frequencies
from digest.text.lexicon import LANGUAGES, calendar_words, lexicon

# a wire's company mark (<CBCO>, <FRANKLIN GOLD FUND>) or a word (numbers with their . / , -)
_TOKEN = re.compile(r"<[^<>\n]{1,60}>|[^\W_]+(?:[./,'\-][^\W_]+)*")
_DIGIT = re.compile(r"\d")
MARK, NUMBER, ORDINAL = "<>", "#", "#th"  # what a company mark, a number, 1ST or 4TH become in a shape
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
SHORT_LINE = 14  # words: a body line of a filled-in form ("Shr 1.20 dlrs vs 1.10 dlrs"), not prose
FORM_LINES = 3  # opening body lines whose first words are a form's shape ("shr", "net", "revs")
KEY_LINES = 2  # body lines quoted as a report's key line
KEY_CHARS = 160  # a key line longer than this is cut at a word
FUNCTION_WORD = 1e-3  # background frequency from which a word says nothing of a template ("in", "the", "up")


@dataclass(frozen=True)
class Kind:
    """A known kind of report: its label, what its entities are called, and its words."""

    label: str
    one: str
    many: str
    verb: str
    words: frozenset[str]


@cache
def kinds() -> tuple[Kind, ...]:
    """The report kinds of every language's lexicon, in file order."""
    found = []
    for language in LANGUAGES:
        for entry in lexicon(language).get("report_kinds", ()):
            label, nouns, verb, words = (part.strip() for part in entry.split("|"))
            one, many = nouns.split()
            found.append(Kind(label, one, many, verb, frozenset(words.split())))
    return tuple(found)


def kind_of(words: tuple[str, ...]) -> Kind | None:
    """The kind whose words a template uses most (the first on a tie), None when it uses none."""
    scores = [(sum(w in kind.words for w in words), -i, kind) for i, kind in enumerate(kinds())]
    best = max(scores, key=lambda s: s[:2], default=None)
    return best[2] if best and best[0] else None


def masked(text: str) -> tuple[str, ...]:
    """The tokens of a headline or line, case folded, marks and numbers masked."""
    out = []
    for token in _TOKEN.findall(text or ""):
        if token.startswith("<"):
            out.append(MARK)
        elif _DIGIT.search(token):
            out.append(ORDINAL if _ORDINAL.fullmatch(token) else NUMBER)
        else:
            out.append(token.casefold())
    return tuple(out)


def _lines(body: str) -> list[str]:
    """The non-empty lines of a body, whitespace folded."""
    return [" ".join(line.split()) for line in (body or "").splitlines() if line.strip()]


def form_shape(body: str) -> tuple[str, ...]:
    """The shape of a body that is a filled-in form (short opening lines, the first with a
    number): each opening line's first word; () for prose."""
    lines = _lines(body)[:FORM_LINES]
    if len(lines) < 2 or not _DIGIT.search(lines[0]):
        return ()
    if any(len(line.split()) > SHORT_LINE for line in lines[:2]):
        return ()
    shape = tuple(masked(line)[0] for line in lines if masked(line))
    return shape if shape and shape[0] != NUMBER else ()


@cache
def _dates() -> frozenset[str]:
    """Month and day names of every language, read once."""
    return calendar_words()


def _content(words: tuple[str, ...], language: str) -> int:
    """How many of a shape's words say what the report is: not numbers and their units ("MLN
    DLRS" after a figure), dates or function words of the headline's language."""
    frequent = background_frequencies(language)
    return sum(w not in (MARK, NUMBER, ORDINAL) and (i == 0 or words[i - 1] != NUMBER)
               and w not in _dates() and frequent.get(w, 0.0) < FUNCTION_WORD
               for i, w in enumerate(words))


def headline_shapes(title: str, language: str = "en") -> list[tuple[str, ...]]:
    """The shapes a headline may share with its template's others, longest first: the words after
    its last company mark, or, unmarked, each ending after an opening word that does not start at a
    figure ("195 MLN DLRS"); with two words of content."""
    words = masked(title)
    if MARK in words:
        tail = words[len(words) - words[::-1].index(MARK):]
        return [tail] if _content(tail, language) >= 2 else []
    return [words[i:] for i in range(1, len(words) - 1)
            if NUMBER not in words[i - 1:i + 1] and _content(words[i:], language) >= 2]


@dataclass
class _Report:
    """One story that may be a template report: its articles, first original, outlet and day."""

    story_id: str
    articles: list[Article]
    first: Article
    shapes: list[tuple[str, ...]]
    form_words: tuple[str, ...]  # the words of a form's opening lines ("qtly div # cts vs # cts prior")
    template: tuple[str, ...] = ()

    @property
    def where(self) -> tuple[str, date]:
        """A template is one outlet's on one day: the outlet and day of the report."""
        return self.first.outlet, article_day(self.first)


def _candidates(groups: dict[str, list[Article]]) -> list[_Report]:
    """Stories of one outlet (a template report is not carried by several outlets), with their shapes."""
    reports = []
    for story_id, articles in groups.items():
        originals = [a for a in articles if not a.copy_of] or articles
        if len({a.outlet for a in originals}) != 1:
            continue
        first = originals[0]
        form = form_shape(first.body)
        shapes = ([("form",) + form] if form else []) + [("headline",) + s for s in headline_shapes(first.title, first.language)]
        words = masked(" ".join(_lines(first.body)[:FORM_LINES])) if form else ()
        reports.append(_Report(story_id, articles, first, shapes, words))
    return reports


def _choose_templates(reports: list[_Report], minimum: int) -> None:
    """Give each report the first of its shapes (a form first, then the longest headline ending)
    that at least `minimum` reports of its outlet and day share."""
    counts: Counter = Counter()
    for report in reports:
        for shape in set(report.shapes):
            counts[report.where, shape] += 1
    for report in reports:
        report.template = next((s for s in report.shapes if counts[report.where, s] >= minimum), ())


def _group_key(report: _Report) -> tuple[str, date, str, tuple[str, ...]]:
    """(outlet, day, kind label, template): reports of one kind gather across templates, others
    (kind label '') by their template."""
    kind = kind_of(report.template[1:] + report.form_words)
    return report.where + ((kind.label, ()) if kind else ("", report.template))


def common_words(titles: list[str]) -> list[str]:
    """Words (not numbers or marks) in at least half of the headlines, in the first one's order."""
    counts = Counter(w for title in titles for w in set(masked(title)))
    first = masked(titles[0]) if titles else ()
    return [w for w in dict.fromkeys(first) if w not in (MARK, NUMBER, ORDINAL) and counts[w] * 2 >= len(titles)]


def entity(title: str, common: set[str], template: tuple[str, ...] = ()) -> str:
    """Whom a report is about: its headline up to its last company mark, else, before the ending
    its template is (`template`, a headline shape), up to the first figure or word most of the
    roundup's headlines share ("CITY OF QUEBEC" of "... ISSUES 40 MLN CANADIAN"); without a cut
    after the first word, the headline less its closing such words."""
    tokens = list(_TOKEN.finditer(title))
    marks = [t for t in tokens if t.group().startswith("<")]
    if marks:
        head = title[:marks[-1].end()].strip()
        return head if head != marks[-1].group() else marks[-1].group()[1:-1].strip()
    if not tokens:
        return title.strip()
    if template[:1] == ("headline",) and 0 < len(tokens) - len(template) + 1 < len(tokens):
        tokens = tokens[:len(tokens) - len(template) + 1]
    shared = [bool(_DIGIT.search(t.group())) or t.group().casefold() in common for t in tokens]
    cut = next((i for i in range(1, len(tokens)) if shared[i]), 0)
    if not cut:
        cut = len(tokens)
        while cut > 1 and shared[cut - 1]:
            cut -= 1
    return title[:tokens[cut - 1].end()].strip(" -:,")


def _has_figure(line: str) -> bool:
    """A line with a figure that is not a date ("Shr 1.20 dlrs", not "Period ended Dec 28")."""
    words = masked(line)
    return any(w == NUMBER and (i == 0 or words[i - 1] not in _dates()) for i, w in enumerate(words))


def key_line(body: str) -> str:
    """The lines that carry a report's figures: a form's first lines with a figure that is not a
    date, else its first sentence."""
    lines = _lines(body)
    if not lines:
        return ""
    if form_shape(body):
        text = "; ".join(([line for line in lines[:2 * FORM_LINES] if _has_figure(line)] or lines)[:KEY_LINES])
    else:
        text = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lines[0], maxsplit=1)[0]
    return text if len(text) <= KEY_CHARS else text[:KEY_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"


def _label(template: tuple[str, ...], common: list[str]) -> str:
    """A template's name when no kind names it: its headline words ("Sets stock split"), or the
    words most of its headlines share."""
    words = [w for w in template[1:] if w not in (MARK, NUMBER, ORDINAL)] if template[0] == "headline" else common
    return " ".join(words or common or template[1:]).capitalize()


def _heading(kind: Kind | None, label: str, count: int) -> str:
    """'Earnings: 42 companies reported'; another template: 'Sets stock split: 3 reports'."""
    if kind:
        return f"{label}: {count:,} {kind.one if count == 1 else kind.many} {kind.verb}"
    return f"{label}: {count:,} reports"


def _roundup(key: tuple[str, date, str, tuple[str, ...]], members: list[_Report]) -> Roundup:
    """One roundup of a group's reports, oldest first."""
    outlet, day, kind_label, template = key
    members.sort(key=lambda r: (r.first.published.isoformat() if r.first.published else "", r.story_id))
    titles = [r.first.title for r in members]
    common = common_words(titles)
    kind = next((k for k in kinds() if k.label == kind_label), None)
    label = kind.label if kind else _label(template, common)
    lines = tuple(RoundupLine(entity=entity(r.first.title, set(common), r.template) or r.first.title,
                              text=key_line(r.first.body), story_id=r.story_id, articles=tuple(r.articles))
                  for r in members)
    ident = hashlib.sha256("\n".join(sorted(r.story_id for r in members)).encode()).hexdigest()[:16]
    return Roundup(id=f"roundup-{ident}", label=label, heading=_heading(kind, label, len(lines)),
                   outlet=outlet, day=day, lines=lines)


def _join_kinds(reports: list[_Report], by_key: dict, minimum: int) -> None:
    """A single report of a rarer shape whose marked headline or form names a kind with a roundup
    that day joins it ("<PORX> SETS INITIAL DIVIDEND" among the day's dividends); an unmarked
    headline or a story of several articles is news of its own, never pulled in."""
    for report in reports:
        if report.template or len(report.articles) != 1:
            continue
        shapes = [s[1:] for s in report.shapes if s[0] == "form" or MARK in masked(report.first.title)]
        kind = kind_of(tuple(w for s in shapes for w in s) + report.form_words)
        key = report.where + (kind.label, ()) if kind else None
        if key in by_key and len(by_key[key]) >= minimum:
            by_key[key].append(report)


def gather(groups: dict[str, list[Article]], minimum: int) -> tuple[list[Roundup], dict[str, list[Article]]]:
    """The roundups of the stories' template reports (largest first) and the stories left."""
    reports = _candidates(groups)
    _choose_templates(reports, minimum)
    by_key: dict[tuple[str, date, str, tuple[str, ...]], list[_Report]] = defaultdict(list)
    for report in reports:
        if report.template:
            by_key[_group_key(report)].append(report)
    _join_kinds(reports, by_key, minimum)
    roundups = [_roundup(key, members) for key, members in by_key.items() if len(members) >= minimum]
    taken = {line.story_id for r in roundups for line in r.lines}
    roundups.sort(key=lambda r: (-len(r.lines), r.day, r.label, r.id))
    return roundups, {k: v for k, v in groups.items() if k not in taken}
