"""HTML to main text and metadata (trafilatura), and encoding detection for every text format.

Encoding is detected, never assumed, in this order: a byte-order mark (UTF-32,
UTF-8, UTF-16 LE/BE), the charset an HTML/XML document declares, BOM-less UTF-16
(when the bytes hold NUL, which UTF-8 text never does: NUL high bytes in every other
position, or high bytes of one alphabet), strict UTF-8, then charset-normalizer.
Bytes that decode to mostly control characters are refused as binary.

trafilatura is only ever handed the document: it never fetches anything.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from pathlib import Path

from digest.errors import InputError
from digest.sources import combine
from digest.sources.article_body import marked_body, prefer_marked
from digest.sources.dates import parse_date
from digest.sources.guard import shown

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v")
MAX_JUNK_SHARE = 0.02
# BOM-less UTF-16 (_utf16_without_bom): shares of NUL among the high and the low bytes of the
# code units, share of the two commonest high bytes, distinct low bytes (text, not a pattern).
UTF16_MIN_HIGH_NULS = 0.3
UTF16_MAX_LOW_NULS = 0.05
UTF16_MIN_HIGH_TOP2 = 0.95
UTF16_MIN_LOW_VALUES = 16
# trafilatura's mode: favor_precision measured best on both folds of the shared pages
# (bench/extraction.py), repaired by a recall pass and readability (sources/combine.py).
MODE = "precision"
MODES = ("precision", "balanced", "recall")
# The other settings digest passes, each measured on both folds (bench/extraction_rules.py):
# comments are not the article; tables off (on lowered fold A, no effect on B); no deduplication
# as the library's default; trafilatura's own fallback extractors off (fast=True): with the
# repairs they changed F1 within noise on both folds and took 40% of the first pass's CPU.
SETTINGS = {"include_comments": False, "include_tables": False, "deduplicate": False, "fast": True}
# The recall pass (combine.fill_gaps) needs no metadata. It also rescues thin pages: a first
# pass that gives less than RESCUE_BELOW_CHARS is replaced by the recall pass when that holds more.
WIDE = {"with_metadata": False}
RESCUE_BELOW_CHARS = 250
# Ask htmldate for the time of day too (it gives midnight when the page has only a date).
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass(frozen=True)
class PageFields:
    """What one HTML page yields: main text (paragraphs split by blank lines) and metadata."""

    text: str
    title: str = ""
    author: str | None = None
    published: datetime | None = None
    sitename: str = ""
    url: str | None = None


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    """Return (encoding, BOM length) when data starts with a byte-order mark."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def _declared_encoding(data: bytes) -> str | None:
    """Return the charset an HTML meta tag or XML declaration names, if Python knows it."""
    match = _DECLARED.search(data[:8192])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from the high bytes of its code units: NUL in every other position
    (mostly-ASCII text), or nearly all from one or two values (an alphabetic script: 0x04 and
    NUL for Cyrillic with spaces) while the low bytes vary and are never NUL."""
    sample = data[:4096][:len(data[:4096]) // 2 * 2]
    if len(sample) < 4:
        return None
    for name, high, low in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        if low.count(0) / len(low) >= UTF16_MAX_LOW_NULS:
            continue
        if high.count(0) / len(high) > UTF16_MIN_HIGH_NULS:
            return name
        top_two = sum(count for _, count in Counter(high).most_common(2)) / len(high)
        if top_two >= UTF16_MIN_HIGH_TOP2 and len(set(low)) >= UTF16_MIN_LOW_VALUES:
            return name
    return None


def _junk_share(text: str) -> float:
    """Share of characters no text file holds (controls, unassigned, private use), per distinct character."""
    if not text:
        return 0.0
    sample = text[:20000]
    junk = [
        ch
        for ch in set(sample)
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
    ]
    return sum(map(sample.count, junk)) / len(sample)


def _try_decode(data: bytes, encoding: str) -> str | None:
    """Decode strictly, or return None when the bytes do not fit the encoding."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _candidates(data: bytes):
    """Yield (encoding, text) in order of trust; charset-normalizer comes last."""
    bom = _bom_encoding(data)
    if bom:
        yield bom[0], _try_decode(data[bom[1]:], bom[0])
        return
    declared = _declared_encoding(data)
    if declared:
        yield declared, _try_decode(data, declared)
    utf16 = _utf16_without_bom(data) if b"\x00" in data else None  # UTF-8 text never holds NUL
    if utf16:
        yield utf16, _try_decode(data, utf16)
    yield "utf-8", _try_decode(data, "utf-8")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        yield best.encoding, str(best)


def decode_bytes(data: bytes, path: Path | str) -> str:
    """Turn file bytes into text with the detected encoding; refuse binary or undecodable data."""
    for encoding, text in _candidates(data):
        if text is None:
            continue
        if _junk_share(text) > MAX_JUNK_SHARE or "\x00" in text:
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise InputError(
        shown(path),
        "the file is binary or its bytes fit no text encoding (tried BOM, declared charset, "
        "UTF-8, UTF-16, charset detection); save it as UTF-8 text, HTML, .eml or JSON",
    )


def _extract(html: str, url: str | None, mode: str, **changes):
    """Run trafilatura once, in one of MODES, on a document already in memory (no fetching);
    `changes` alter SETTINGS (the bench measures each setting that way)."""
    import trafilatura
    from trafilatura.settings import set_date_params

    date_params = {**set_date_params(), "outputformat": DATE_FORMAT}
    return trafilatura.bare_extraction(
        html,
        url=url,
        favor_recall=mode == "recall",
        favor_precision=mode == "precision",
        date_extraction_params=date_params,
        **{"with_metadata": True, **SETTINGS, **changes},
    )


def _paragraphs(text: str | None) -> str:
    """trafilatura puts one block per line: make each a paragraph separated by a blank line."""
    if not text:
        return ""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


_BLOCKS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
           "tr", "table", "section", "article", "header", "footer", "figure", "figcaption", "dd",
           "dt", "dl", "hr", "aside", "main", "address")
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "template", "svg")
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# Characters lxml refuses to set as text (a hostile page's &#11; comes back from the parser as one).
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def html_fragment_to_text(fragment: str) -> str:
    """Text of an HTML fragment that is the article already (feed entries, JSON/CMS bodies):
    blocks become paragraphs, <br> a line break, scripts, styles and embeds dropped."""
    if "<" not in fragment:
        return tidy_text(unescape(fragment))
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return tidy_text(unescape(_TAG.sub(" ", fragment)))
    for bad in list(root.iter(*_DROP)):
        bad.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br":
            element.tail = "\n" + _XML_UNSAFE.sub("", element.tail or "")
        elif element.tag in _BLOCKS:
            element.text = "\n\n" + _XML_UNSAFE.sub("", element.text or "")
            element.tail = "\n\n" + _XML_UNSAFE.sub("", element.tail or "")
    return tidy_text(root.text_content())


def tidy_text(text: str) -> str:
    """Collapse spaces in lines and blank lines between paragraphs."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    paragraphs, current = [], []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return "\n\n".join(paragraphs)


def trafilatura_text(html: str, url: str | None = None, mode: str = MODE, rescue_below: int = RESCUE_BELOW_CHARS,
                     gaps: bool = True, fallback: bool = True, **changes):
    """trafilatura's document and main text in one mode, repaired from a recall pass (thin results
    replaced, dropped middle paragraphs put back) and, when it missed most of the article, readability's."""
    doc = _extract(html, url, mode, **changes)
    text = _paragraphs(doc.text if doc else None)
    wide = None
    if mode != "recall" and (gaps or len(text) < rescue_below):
        wide = _extract(html, url, "recall", **{**changes, **WIDE})
    return settle(html, doc, text, wide, rescue_below=rescue_below, gaps=gaps, fallback=fallback)


def settle(html: str, doc, text: str, wide, *, rescue_below: int = RESCUE_BELOW_CHARS, gaps: bool = True,
           fallback: bool = True, outline=None, other=None):
    """The repairs of trafilatura_text on results already in hand (the bench reuses them):
    `outline` is combine.page_outline(html) and `other()` readability's text, when known."""
    wide_text = _paragraphs(wide.text if wide else None)
    if len(text) < rescue_below and len(wide_text) > len(text):
        return doc or wide, wide_text
    if not (gaps and wide_text) and not fallback:
        return doc, text
    anchors, words = outline or combine.page_outline(html)
    if gaps and wide_text:
        text = combine.fill_gaps(text, wide_text, anchors)
    if fallback:
        text = combine.with_fallback(text, words, other or (lambda: html_fragment_to_text(combine.readability_html(html))))
    return doc, text


def html_to_article_fields(html: str | bytes, url: str | None = None) -> PageFields:
    """Extract the main text and metadata of one HTML page without touching the network:
    trafilatura's text, or the body container the page marks itself when it holds the article."""
    if isinstance(html, bytes):
        html = decode_bytes(html, url or "<html>")
    if not html.strip():
        return PageFields(text="", url=url)
    doc, text = trafilatura_text(html, url)
    marked = marked_body(html)
    text = prefer_marked(text, html_fragment_to_text(marked) if marked else "")
    if doc is None:
        return PageFields(text=text, url=url)
    return PageFields(
        text=text,
        title=(doc.title or "").strip(),
        author=(doc.author or "").strip() or None,
        published=parse_date(doc.date),
        sitename=(doc.sitename or "").strip(),
        url=doc.url or url,
    )
