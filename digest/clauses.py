"""When a sentence gives background, and whether it makes sense on its own.

Background: earlier dates than the story's (a month before the publication month,
an earlier year), "since ...", "last week", "ago", "in recent weeks", "has been
...ing", situation figures ("at least 100,000"). Standalone: no opening that points
back ("This", "It", "However", "He also"), no he/she that nothing resolves.
"""
from __future__ import annotations

import re

from . import speakers
from .sentences import UPPER

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
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
    if _DANGLING.match(bare) or _EARLY_DEMONSTRATIVE.match(bare):
        return False
    first = bare.split(" ", 1)[0].lower()
    if first in {"he", "she", "his", "her"}:
        return attribution.how == "pronoun"
    if attribution.speaker is None:
        head = speakers.outside_quotes(text)
        m = _PRONOUN.search(head)
        before = head[: m.start()].split(" ", 1)[-1] if m else ""
        if m and (_SPEECH_PRONOUN.search(head) or not re.search(rf"\b[{UPPER}][a-z]+", before)):
            return False
    return True


def balanced(text: str) -> bool:
    """Curly and angle quotation marks open and close in pairs (not a fragment of a quote)."""
    return text.count("“") == text.count("”") and text.count("«") == text.count("»")
