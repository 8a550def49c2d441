"""Neutralise invisible characters in untrusted text: the ones that reorder or hide what a reader sees.

A right-to-left override makes "gnp.exe" display as "exe.png" and the outlet "SWEN CBB" as
"BBC NEWS"; a zero-width space makes "B<ZWSP>BC" look like "BBC" while comparing unequal.
Readers and feed entries strip them when articles are created; the renderers strip them
again on output, since a corpus ingested before this rule still holds them. Legitimate
right-to-left text needs none of these controls: the Unicode bidi algorithm orders Arabic
and Hebrew letters by itself.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TypeVar

# Unicode's Bidi_Control set: ALM, LRM, RLM, the embeddings and overrides, the isolates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Invisible characters without a job in running text: zero-width space, word joiner,
# zero-width no-break space (a BOM inside text).
ZERO_WIDTH = "\u200b\u2060\ufeff"
# Zero-width non-joiner and joiner: needed inside Persian and Indic words and emoji sequences.
JOINERS = "\u200c\u200d"
# C0 and C1 control characters except tab, newline and carriage return (terminal escapes, NULs).
CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0e, 0x20), *range(0x7f, 0xa0)) if c != 0x85)
# Vertical tab, form feed, NEL and the Unicode line and paragraph separators separate lines: they
# become a newline rather than glue two words (WeasyPrint fails an assertion on U+2029).
LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"

_TABLE = {**dict.fromkeys(map(ord, BIDI_CONTROLS + ZERO_WIDTH + CONTROLS)),
          **dict.fromkeys(map(ord, LINE_BREAKS), "\n")}
_SUSPECT = re.compile("[" + re.escape(BIDI_CONTROLS + ZERO_WIDTH + JOINERS + CONTROLS + LINE_BREAKS) + "]")
# A joiner is kept only between two non-ASCII, non-space characters (letters, marks, emoji).
_LONE_JOINER = re.compile(r"(?<![^\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\s])")

T = TypeVar("T")


def neutralise(text: str) -> str:
    """Drop bidi controls, U+200B/U+2060/U+FEFF and control characters; keep ZWJ/ZWNJ only between two non-ASCII letters."""
    if not _SUSPECT.search(text):
        return text
    return _LONE_JOINER.sub("", text.translate(_TABLE))


def direction(text: str) -> str:
    """"rtl" when the first letter with a strong direction is Arabic, Hebrew, ..., else "ltr" (HTML dir values)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def scrub(value: T) -> T:
    """The value with every string inside it neutralised (dataclasses and tuples walked; the same object when clean)."""
    if isinstance(value, str):
        return neutralise(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(scrub(item) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = scrub(old)
            if new is not old and new != old:
                changed[field.name] = new
        return dataclasses.replace(value, **changed) if changed else value
    return value
