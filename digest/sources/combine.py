"""Make trafilatura's precise text whole again from a wider reading of the same page, without ground truth.

trafilatura's precision mode keeps little boilerplate, but on some pages it drops a
paragraph from the middle of the article (a subhead, a line ending in ":" before a quote,
a pasted link), and now and then it keeps only part of the article. Two repairs, each
decided from the page alone:

- gaps: paragraphs that trafilatura's recall pass keeps *between* two paragraphs the
  precise text kept (in the recall text's order) go back in place, unless mostly link text
  (a teaser to another story). Paragraphs before the first or after the last kept one are
  never added: there the recall pass finds standfirsts, datelines and related links.
- fallback: when the text of trafilatura's own port of readability holds at least
  FALLBACK_RATIO times the words of trafilatura's, trafilatura has missed most of the
  article and readability's text is used. readability only runs when the page has that many
  words at all (its text is part of the page's), so most pages never pay for it. On the
  shared pages it rescues one page (F1 0.30 to 0.97) that the page's marked body rescues
  too; it is the guard for the many pages that mark no body. (The
  readability-lxml package is not used: its 0.9 spells lxml's extra "html-clean" where
  justext spells it "html_clean", and pip 23, which Debian's venvs carry, fails on the pair.)

Measured per fold of the shared benchmark pages, with a bootstrap over pages
(bench/extraction.py, bench/extraction_rules.py).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher

from digest.sources.clean import line_key

# A paragraph whose characters are this share or more link text is a link, not the article
# (0.3 to 0.8 gave the same result on both folds; no test at all lowered both).
MAX_LINK_SHARE = 0.5
# readability replaces trafilatura when its text has this many times the words (more than
# half of the article missing); 1.5 to 2.2 gave the same result on both folds, 1.2 lowered fold B.
FALLBACK_RATIO = 2.0
# A gap paragraph holding this share of the words of one of the precise text's own is that
# paragraph read in full (precision mode cut its link text), not a new one: it replaces it.
SAME_PARAGRAPH_SHARE = 0.8
_SPACES = re.compile(r"\s+")
_VISIBLE_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"


def _squeeze(text: str) -> str:
    """Text with every run of white space made one space."""
    return _SPACES.sub(" ", text).strip()


def page_outline(html: str) -> tuple[frozenset[str], int]:
    """The page's link texts and the word count of its visible <body> text (one lxml parse)."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fromstring(html.encode("utf-8", "replace"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (ParserError, ValueError):
        return frozenset(), 0
    anchors = frozenset(t for a in root.iter("a") if (t := _squeeze(a.text_content())))
    return anchors, sum(len(t.split()) for t in root.xpath(_VISIBLE_TEXT))


def link_share(paragraph: str, anchors: frozenset[str]) -> float:
    """Share of a paragraph's characters that are the text of one of the page's links."""
    line = _squeeze(paragraph)
    if not line:
        return 0.0
    return min(1.0, sum(len(a) for a in anchors if a in line) / len(line))


def fill_gaps(precise: str, wide: str, anchors: frozenset[str]) -> str:
    """The precise text with the wide text's paragraphs that stand between two of its own put back
    (a fuller reading of one of its paragraphs, with the link text precision mode cut, replaces it)."""
    mine = [p for p in precise.split("\n\n") if p.strip()]
    theirs = [p for p in wide.split("\n\n") if p.strip()]
    if not mine or not theirs:
        return precise
    matcher = SequenceMatcher(None, [line_key(p) for p in mine], [line_key(p) for p in theirs], autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    out, after = list(mine), {}
    for one, two in zip(blocks, blocks[1:]):
        region = range(one.a + one.size, two.a)
        added = []
        for paragraph in theirs[one.b + one.size:two.b]:
            if link_share(paragraph, anchors) >= MAX_LINK_SHARE:
                continue
            shorter = next((i for i in region if _fuller(mine[i], paragraph)), None)
            if shorter is None:
                added.append(paragraph)
            else:
                out[shorter] = paragraph
        after[one.a + one.size - 1] = added
    if out == mine and not any(after.values()):
        return precise
    return "\n\n".join(p for i, kept in enumerate(out) for p in (kept, *after.get(i, ())))


def _fuller(short: str, long: str) -> bool:
    """True when long is the same paragraph as short read in full: longer, holding nearly all its words."""
    words = short.split()
    have = set(long.split())
    return len(long) > len(short) and sum(w in have for w in words) >= SAME_PARAGRAPH_SHARE * len(words)


def readability_html(html: str) -> str:
    """HTML of the main text trafilatura's port of readability finds on the page ("" when none)."""
    import lxml.html
    from lxml.etree import ParserError
    from trafilatura.readability_lxml import Document

    try:
        return Document(lxml.html.fromstring(html)).summary()
    except (ParserError, ValueError, TypeError):
        return ""


def with_fallback(text: str, page_words: int, other: Callable[[], str]) -> str:
    """other() (readability's text) when it has FALLBACK_RATIO times the words of text, else text;
    other is not called when the page has fewer words than that."""
    needed = FALLBACK_RATIO * len(text.split())
    if not text or page_words < needed:
        return text
    found = other()
    return found if len(found.split()) >= needed else text
