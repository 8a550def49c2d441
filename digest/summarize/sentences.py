"""Paragraphs and sentences of a cleaned article body, and the lines that are not news text.

Sentence splitting uses pysbd (rule based, no model download) in the article's
language; languages pysbd does not know are split with its English rules. pysbd
costs about 2 ms a kilobyte, so a paragraph that holds no abbreviation, initial,
decimal or ellipsis (where the two disagree) is split by a plain end-of-sentence
rule instead, which gives the same result there. Splits are cached by paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

from digest.text import furniture
from digest.text.tokens import TOKEN

UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮİŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŲŸŹŻŽΑ-ΩА-ЯЁЄІЇҐ"
QUOTES_OPEN = "“«„‘\"'"
QUOTES_CLOSE = "”»’\"'"

_SIMPLE_END = re.compile(rf"([.!?…]+[\"”’»)]*)\s+(?=[\"“‘«(\[]?[{UPPER}0-9])")
_RISKY = re.compile(
    r"\b[A-Z][a-z]{0,2}\.|\b[A-Za-z]\.|\b[a-z]+\.[a-z]|\d\.\d|\.\.\.|…"
    r"|\b(?:Sens|Reps|Sept|Corp|Capt|Prof|Univ|Dept|Govt|Mrs|approx|etc|vs|no)\.",
)
_CLOCK_END = re.compile(r"\b[ap]\.m\.$")
_CLOCK_NEXT = re.compile(
    r"(?:[a-z]|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|ET|EST|EDT|CET|GMT|UTC|BST"
    r"|PT|PST|PDT)\b|[A-Z][a-z]+ time\b)")
# A piece that opens with one of these continues the one before it (a split inside "Sen. Joe
# Manchin, D-W.Va., and ..."): it is joined back, and never a sentence of its own.
CONTINUATION = ",;:)]"
TABLE_SHARE = 0.4  # a sentence this much made of figures is a row of a table or a price list
_BLANK_LINE = re.compile(r"\n\s*\n")
_TERMINAL = re.compile(r"[.!?…:;][\"”’»)\]]*$|[\"”»)]$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")

_ASKED = re.compile(r"^[\"“«]?(?:when\s+)?asked\b|^(?:question|q)\s*[:.-]", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a body and its sentences."""

    index: int
    text: str
    sentences: tuple[str, ...]
    n_words: int = 0


def pysbd_language(language: str) -> str:
    """The pysbd rule set for an ISO 639-1 code (English when pysbd has none)."""
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGE_CODES else "en"


@lru_cache(maxsize=32)
def _segmenter(language: str) -> pysbd.Segmenter:
    """One pysbd segmenter per language (building one compiles its rules)."""
    return pysbd.Segmenter(language=language, clean=False)


def _simple_split(text: str) -> list[str]:
    """Split at '. X' boundaries when no abbreviation can fool the rule."""
    parts = _SIMPLE_END.split(text)
    out = [parts[0]]
    for i in range(1, len(parts) - 1, 2):
        out[-1] += parts[i]
        out.append(parts[i + 1])
    return out


@lru_cache(maxsize=65536)
def split_sentences(paragraph: str, language: str = "en") -> tuple[str, ...]:
    """Sentences of one paragraph, whitespace-trimmed, in the paragraph's language."""
    text = furniture.DATELINE.sub("", " ".join(paragraph.split()), count=1)  # wire copy opens with one
    if not text:
        return ()
    lang = pysbd_language(language)
    if lang == "en" and not _RISKY.search(text):
        parts = _simple_split(text)
    else:
        try:
            parts = _segmenter(lang).segment(text)
        except Exception:  # pysbd raises on rare inputs; fall back rather than lose the article
            parts = _simple_split(text)
    return tuple(_rejoin([p.strip() for p in parts if p and p.strip()]))


def _rejoin(parts: list[str]) -> list[str]:
    """Undo pysbd's split after 'a.m.'/'p.m.' when a day, zone or lower-case word follows, and any
    split that leaves a comma or closing bracket first ("Sen. Joe Manchin, D-W.Va., and ...")."""
    out: list[str] = []
    for part in parts:
        follows = part[0] in CONTINUATION
        if out and (follows or _CLOCK_END.search(out[-1]) and _CLOCK_NEXT.match(part)):
            out[-1] = f"{out[-1]}{'' if follows else ' '}{part}"
        else:
            out.append(part)
    return out


def paragraphs(body: str, language: str = "en", title: str = "") -> list[Paragraph]:
    """The body's paragraphs (blank or single line breaks), without a repeated title line."""
    seen_title = _norm(title)
    out: list[Paragraph] = []
    for chunk in _lines(body or ""):
        if not chunk or (seen_title and _norm(chunk) == seen_title):
            continue
        out.append(Paragraph(len(out), chunk, split_sentences(chunk, language), word_count(chunk)))
    return out


def _lines(body: str) -> list[str]:
    """Paragraph lines; hard-wrapped lines (long, unfinished, next starts lower-case) are joined."""
    out: list[str | None] = []
    for block in _BLANK_LINE.split(body.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        unfinished = sum(1 for line in lines[:-1] if len(line) >= 50 and not _TERMINAL.search(line))
        hard_wrapped = unfinished >= 2 and 2 * unfinished >= len(lines) - 1
        for line in lines:
            prev = out[-1] if out and out[-1] is not None else None
            wrapped = prev and not _TERMINAL.search(prev) and (
                line[:1].islower() or (hard_wrapped and len(prev) >= 50))
            if wrapped:
                out[-1] = prev + " " + line
            else:
                out.append(line)
        out.append(None)
    return [line for line in out if line]


def _norm(text: str) -> str:
    """Lower-case words only, to compare a line with the title."""
    return " ".join(TOKEN.findall((text or "").lower()))


def words(text: str) -> list[str]:
    """Word tokens (Unicode letters and digits)."""
    return TOKEN.findall(text)


def word_count(text: str) -> int:
    """Words in a sentence; for Chinese and Japanese (no spaces), two characters count as a word."""
    n = len(text.split())
    cjk = len(_CJK.findall(text))
    return max(n, cjk // 2) if cjk else n


def is_heading(paragraph: Paragraph) -> bool:
    """A short line with no sentence ending: a subheading, dateline, menu or link text."""
    text = paragraph.text.strip()
    return len(paragraph.sentences) <= 1 and paragraph.n_words < 30 and not _TERMINAL.search(text)


def caption_paragraphs(paras: list[Paragraph]) -> set[int]:
    """Indexes of photo captions: short paragraphs just before a credit line, or in caption style."""
    out: set[int] = set()
    for p in paras:
        short = len(p.sentences) <= 2 and p.n_words <= 40
        if p.n_words <= 40 and furniture.CREDIT.search(p.text):
            out.add(p.index)
            for back in (1, 2):
                prev = p.index - back
                if prev >= 0 and len(paras[prev].sentences) <= 2 and paras[prev].n_words <= 40:
                    out.add(prev)
                else:
                    break
        elif short and len(p.sentences) == 1 and furniture.CAPTION_VERB.search(p.text):
            out.add(p.index)
    return out


def junk_reason(sentence: str, n_words: int | None = None) -> str | None:
    """Why a sentence is not a key-point candidate (caption, call to action, question), or None."""
    text = sentence.strip()
    if furniture.JUNK.search(text.lower()):
        return "boilerplate"
    if _ASKED.search(text):
        return "reporter's question"
    if text.rstrip("\"”’»)").endswith("?"):
        return "question"
    n = word_count(text) if n_words is None else n_words
    if n < 5 or text[:2].isalpha() and text[:2].islower() or text[:1] in CONTINUATION:
        return "fragment"  # too short, or the middle of something (a price table's tail, ", and ..." after a cut)
    tokens = text.split()
    if sum(any(ch.isdigit() for ch in t) for t in tokens) >= TABLE_SHARE * len(tokens):
        return "table row"
    if n > 75:
        return "too long"
    return None
