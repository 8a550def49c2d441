"""Remove site boilerplate from article text with general line-level rules, all in this module.

Each line gets a few features (word count, sentence-final punctuation, share of
call-to-action words, script, date-only shape) and a small rule classifier
decides whether it is article text. Three zones are treated differently:

- anywhere: photo credits ("NAME/AGENCY via Getty
  Images", "(Photo by ...)") and the caption block they close, calls to action
  addressed to the reader (share, follow, subscribe, join, comment, newsletter),
  interface labels ("Source link", "Video of the day", "Show more", "Published:"),
  language menus made of 2-letter codes, reading-time labels, link teasers
  ("Read more: ...", "[Related: ...]", "Also on example.com ...", or cut
  mid-phrase: no final punctuation, ending on "of", "the", ...), author contact
  lines ("can be reached at name@example.com"), image captions with a cue
  ("(left)", "pictured", "Above: ..."),
  repeats of the title (of the first line when no title is given), lines the caller names
  (`boilerplate`, e.g. from `repeated_lines` over one outlet's articles);
- the head (before the first full sentence): date-only and weekday lines,
  lowercase section labels ("politics"), bylines, breadcrumbs;
- the tail: the closing run of flagged lines, lines in another script than the
  body (a Cyrillic newsletter block after an English article), and the short
  non-sentence lines among them (newsletter blurbs, "Daily at 9am", outlet names).
  Not for text an extractor cut from a web page (tail=False): trafilatura has left the
  page's footer out already, and on the benchmark pages the tail rules raised F1 on two
  pages and lowered it on two, within noise on both folds (bench/extraction_rules.py).

Before that, lines broken by hard wrapping (72-column mail) or by markup (a
paragraph that goes on in lowercase, a line ending on "the") are joined again.

Real sentences are never cut: a line is kept or dropped whole. Paragraphs stay
separated by a blank line.

Speed (about 0.2 ms for a 600-word article, 12 ms at first): per-line results are
cached, since readers clean a text's head for its title and then the whole text; the
slow unanchored patterns only run on lines holding one of their screening substrings;
ASCII lines get their words and scripts from bytes operations. None of this changes a
result: tests/test_clean.py checks each shortcut against the plain definition.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from digest.text import furniture, lexicon
from digest.text.tokens import LETTERS_APOS, TOKEN

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_SENTENCE_CHARS = ".!?…;"
_CLOSERS = "\"'”’»)]"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LINE_END_MARK = re.compile(r"[:,\-–—]$")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Every ASCII byte that is not a letter becomes a space: words of an ASCII line by str.split.
_ASCII_NON_LETTERS_TO_SPACE = bytes(b if b in _ASCII_LETTERS else 32 for b in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Per-line results are cached: readers clean a text's head for its title, then the whole text.
LINE_CACHE = 1024

UI_MAX_WORDS = 6
TEASER_MAX_WORDS = 30
CAPTION_MAX_WORDS = 30
_LANG_CODE = re.compile(r"^[A-Za-z]{2}$")
_FUNCTION_END = frozenset(
    "of the a an to and or in on for with at by from as that than into about de la le les el "
    "los las del der die das und von zu".split()
)
_MONTHS_AND_DAYS = lexicon.calendar_words()
_DATE_NUMERIC = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{2,4}|\d{1,2}:\d{2}")
_BYLINE = re.compile(r"^(by|von|por|par|автор)\s+\S", re.IGNORECASE)
_BREADCRUMB = re.compile(r"\S\s*(>|»|›|/|\|)\s*\S")
HEAD_SENTENCE_WORDS = 8
TAIL_MAX_LINES = 15
TAIL_WEAK_WORDS = 12
SCRIPT_SAMPLE_CHARS = 200_000
WRAP_SLACK = 15
TAIL_WEAK_BEFORE_FLAG = 2
OTHER_SCRIPT_MIN_TOKENS = 2


def tidy_spaces(line: str) -> str:
    """Collapse odd spaces (NBSP, thin, zero-width) into one and trim the line."""
    if "  " not in line and not _ODD_SPACE.search(line):
        return line.strip()
    return _SPACES.sub(" ", line).strip()


@lru_cache(maxsize=LINE_CACHE)
def line_key(line: str) -> str:
    """Compare lines ignoring case, spacing and punctuation (for title and repeat checks)."""
    return " ".join(TOKEN.findall(line)).casefold() or line.strip().casefold()


@lru_cache(maxsize=LINE_CACHE)
def _words(line: str) -> tuple[str, ...]:
    """Letter-only words of a line (numbers and punctuation dropped)."""
    if line.isascii() and "'" not in line:
        return tuple(line.encode().translate(_ASCII_NON_LETTERS_TO_SPACE).decode().split())
    return tuple(LETTERS_APOS.findall(line))


def _has_key(line: str, key: str) -> bool:
    """line_key(line) == key, rejecting most lines on their first word alone."""
    first = TOKEN.search(line)
    if first is not None and first.group().casefold() != key.split(" ", 1)[0]:
        return False
    return line_key(line) == key


def is_sentence(line: str) -> bool:
    """A line ending like a sentence (., !, ?, …, ;) possibly followed by a quote or bracket."""
    end = line[:-1] if line.endswith("\n") else line
    end = end.rstrip(_CLOSERS)
    return bool(end) and end[-1] in _SENTENCE_CHARS


def is_date_line(line: str) -> bool:
    """True for a line that only gives a date and/or time ("Sunday, 22 December", "26 ene 2022 17:47 GMT")."""
    if len(line) > 60:
        return False
    words = [w.casefold() for w in _words(line)]
    if not re.search(r"\d", line) and not words:
        return False
    named = [w for w in words if w.strip(".") in _MONTHS_AND_DAYS]
    others = [w for w in words if w.strip(".") not in _MONTHS_AND_DAYS and len(w) > 3]
    if others:
        return False
    return bool(named) or bool(_DATE_NUMERIC.search(line))


def _is_weekday_or_date_word_line(line: str) -> bool:
    """A line made only of month/day names, like "Sunday" or "Today"."""
    words = [w.casefold() for w in _words(line)]
    return bool(words) and all(w in _MONTHS_AND_DAYS for w in words) and len(words) <= 3


def _is_cta(line: str, words: tuple[str, ...]) -> bool:
    """A call to action addressed to the reader: share, follow, subscribe, join, comment..."""
    if not words or len(words) > 25:
        return False
    lowered = " ".join(words).casefold().split(" ")
    hits = sum(map(furniture.CTA_WORDS.__contains__, lowered))
    if not hits:
        return False
    addressed = bool(furniture.READER.intersection(lowered)) or lowered[0] in furniture.IMPERATIVE
    if len(lowered) <= 4 and not is_sentence(line.rstrip("!")):
        return addressed or hits == len(lowered)
    if furniture.STRONG_CTA.search(line) and (lowered[0] in furniture.IMPERATIVE or {"our", "us"} & set(lowered)):
        return True
    return addressed and hits >= 2 and hits / len(lowered) >= 0.15


def _is_language_menu(line: str, words: tuple[str, ...]) -> bool:
    """A row of 2-letter language codes such as "RU UA EN" or "en | fr | de"."""
    if not words or any(len(w) != 2 for w in words):
        return False
    tokens = [t for t in re.split(r"[\s|/•·,]+", line) if t]
    if len(tokens) < 2 or not all(_LANG_CODE.match(t) for t in tokens):
        return False
    return all(t.isupper() for t in tokens) or all(t.islower() for t in tokens)


def _is_truncated_teaser(line: str, words: tuple[str, ...]) -> bool:
    """A link teaser cut mid-phrase: several words, no final punctuation, ends on "of"/"the"."""
    if len(words) < 5 or is_sentence(line) or _LINE_END_MARK.search(line):
        return False
    return line.rsplit(None, 1)[-1].casefold() in _FUNCTION_END


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The Unicode script family of a letter (LATIN, CYRILLIC, GREEK, ARABIC, CJK...)."""
    try:
        return unicodedata.name(ch).split(" ")[0]
    except ValueError:
        return "UNKNOWN"


def _script_counts(text: str) -> Counter:
    """How many letters of each script a text holds (ASCII letters counted in bulk as LATIN)."""
    counts: Counter = Counter()
    ascii_bytes = text.encode("ascii", "ignore")
    latin = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTERS))
    if latin:
        counts["LATIN"] = latin
    if len(ascii_bytes) == len(text):
        return counts
    for ch, n in Counter("".join(_NON_ASCII.findall(text))).items():
        if ch.isalpha():
            counts[_script(ch)] += n
    return counts


def _dominant_script(lines: list[str]) -> str | None:
    """The script of the body when one script clearly dominates (>= 80% of letters)."""
    counts = _script_counts("\n".join(lines)[:SCRIPT_SAMPLE_CHARS])
    total = sum(counts.values())
    if not total:
        return None
    script, count = counts.most_common(1)[0]
    return script if count / total >= 0.8 else None


def _other_script(line: str, dominant: str | None) -> bool:
    """True when most letters of the line are in a script other than the body's; a lone
    token (a web or mail address under a Korean article) is not a block in another language."""
    if dominant is None or len(line.split()) < OTHER_SCRIPT_MIN_TOKENS:
        return False
    counts = _script_counts(line)
    total = sum(counts.values())
    return total >= 3 and counts.get(dominant, 0) / total < 0.4


def _screened(line: str, lowered: str, screen: tuple[str, ...], pattern: re.Pattern) -> bool:
    """Search pattern in line only when the lowercased line holds one of its screening substrings."""
    return any(s in lowered for s in screen) and bool(pattern.search(line))


def _is_credit(line: str) -> bool:
    """A photo credit: "NAME/AGENCY via Getty Images", "(Photo by ...)", "Credit: ... Images"."""
    lowered = line.lower()
    if furniture.CREDIT_START.match(line):
        return True
    return any(screen in lowered and pattern.search(line) for screen, pattern in furniture.CREDIT_SCREENED)


@lru_cache(maxsize=LINE_CACHE)
def _flag_anywhere(line: str) -> bool:
    """Boilerplate wherever it stands in the article."""
    words = _words(line)
    lowered = line.lower()
    if len(words) <= 45 and _is_credit(line):
        return True
    if len(words) <= UI_MAX_WORDS and furniture.UI_LINE.search(line) and not is_sentence(line):
        return True
    if len(words) <= TEASER_MAX_WORDS and (
        furniture.TEASER.match(line) or (furniture.CONTACT_SCREEN in line and furniture.CONTACT.search(line))
    ):
        return True
    if len(words) <= CAPTION_MAX_WORDS and (
        furniture.CAPTION_START.match(line) or _screened(line, lowered, furniture.CAPTION_SCREEN, furniture.CAPTION_CUE)
    ):
        return True
    return (
        _is_cta(line, words)
        or _is_language_menu(line, words)
        or _is_truncated_teaser(line, words)
    )


def _flag_head(line: str) -> bool:
    """Boilerplate typical of the lines above the article's first sentence."""
    words = _words(line)
    if is_date_line(line) or _is_weekday_or_date_word_line(line):
        return True
    if _BYLINE.match(line) and len(words) <= 6 and not is_sentence(line):
        return True
    if words and len(words) <= 3 and line == line.lower() and not is_sentence(line):
        return True
    return len(words) <= 8 and len(_BREADCRUMB.findall(line)) >= 2 and not is_sentence(line)


def _is_weak_tail(line: str) -> bool:
    """A short line without sentence punctuation: newsletter blurb, outlet name, schedule."""
    return (not is_sentence(line) and len(_words(line)) <= TAIL_WEAK_WORDS) or is_date_line(line)


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped text (72-column email, saved .txt) was wrapped at, if it was:
    most lines end near one width, and many run on into a line starting in lowercase."""
    lengths = sorted(len(line) for line in lines if len(line) > 20)
    if len(lengths) < 6:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    full = [i for i, line in enumerate(lines[:-1]) if width - WRAP_SLACK <= len(line) <= width]
    run_on = sum(1 for i in full if lines[i + 1][:1].islower())
    if width > 100 or len(full) < 0.5 * len(lengths) or run_on < 0.3 * len(full):
        return None
    return width


def _continues(previous: str, line: str, width: int | None) -> bool:
    """True when line goes on with previous's sentence: a wrapped or broken line."""
    if not previous or is_sentence(previous) or not line:
        return False
    if width is not None and len(previous) >= width - WRAP_SLACK:
        return True
    if previous.rsplit(None, 1)[-1].casefold() in _FUNCTION_END and not is_sentence(line):
        return True
    return len(previous) >= 40 and line[0].islower()


def _split_blocks(text: str) -> list[list[str]]:
    """Paragraphs (split on blank lines) as lists of normalised lines, broken lines rejoined."""
    raw_blocks = _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    raw_blocks = [[tidy_spaces(line) for line in raw.split("\n")] for raw in raw_blocks]
    raw_blocks = [[line for line in block if line] for block in raw_blocks]
    width = _wrap_width([line for block in raw_blocks for line in block])
    blocks: list[list[str]] = []
    for block in (b for b in raw_blocks if b):
        if blocks and _continues(blocks[-1][-1], block[0], width):
            blocks[-1][-1] += " " + block.pop(0)
        lines: list[str] = []
        for line in block:
            if lines and _continues(lines[-1], line, width):
                lines[-1] += " " + line
            else:
                lines.append(line)
        if lines:
            blocks.append(lines)
    return blocks


def _caption_blocks(blocks: list[list[str]]) -> set[int]:
    """Blocks of several lines closed by a photo credit: an image caption as a whole."""
    return {
        i for i, block in enumerate(blocks) if len(block) >= 2 and _is_credit(block[-1])
    }


def _head_end(lines: list[str], keep: list[bool]) -> int:
    """Index of the first kept full-sentence line: everything above it is the head."""
    for i, line in enumerate(lines):
        if keep[i] and is_sentence(line) and len(_words(line)) >= HEAD_SENTENCE_WORDS:
            return i
    return len(lines)


def _keep_flags(
    lines: list[str], title: str, boilerplate: frozenset[str], dominant: str | None, tail: bool = True
) -> list[bool]:
    """Decide line by line what stays, then trim the head zone and (when `tail`) the tail zone."""
    title_key = line_key(title) if title.strip() else None
    keep, strong = [], []
    for line in lines:
        flagged = bool(boilerplate) and line_key(line) in boilerplate or _flag_anywhere(line)
        keep.append(not (flagged or title_key is not None and _has_key(line, title_key)))
        strong.append(flagged)
        if title_key is None and keep[-1]:
            title_key = line_key(line)
    head = _head_end(lines, keep)
    for i in range(head):
        if keep[i] and _flag_head(lines[i]):
            keep[i] = False
    if not tail:
        return keep
    for i in range(max(0, len(lines) - TAIL_MAX_LINES), len(lines)):
        strong[i] = strong[i] or _other_script(lines[i], dominant)
    _trim_tail(lines, keep, strong, head)
    return keep


def _trim_tail(lines: list[str], keep: list[bool], strong: list[bool], head: int) -> None:
    """Drop the closing run of boilerplate: flagged or other-script lines and the weak lines
    (short, no sentence punctuation) around them, e.g. a newsletter block after the article."""
    start = len(lines)
    while start > head + 1 and len(lines) - start < TAIL_MAX_LINES:
        i = start - 1
        if not (strong[i] or not keep[i] or _is_weak_tail(lines[i])):
            break
        start = i
    flagged = [i for i in range(start, len(lines)) if strong[i]]
    if not flagged:
        return
    for i in range(max(start, flagged[0] - TAIL_WEAK_BEFORE_FLAG), len(lines)):
        if strong[i] or _is_weak_tail(lines[i]):
            keep[i] = False


@lru_cache(maxsize=2)
def _analyse(text: str) -> tuple[tuple[tuple[str, ...], ...], str | None]:
    """Caption-free paragraph blocks and body script, cached: readers clean a text twice."""
    blocks = _split_blocks(text)
    captions = _caption_blocks(blocks)
    kept = tuple(tuple(b) for i, b in enumerate(blocks) if i not in captions)
    return kept, _dominant_script([line for block in kept for line in block])


def clean_body(text: str, title: str = "", *, boilerplate: Iterable[str] = (), tail: bool = True) -> str:
    """Return the article text without site boilerplate, paragraphs separated by blank lines;
    tail=False for text an extractor already cut from a page's layout (its footer is gone)."""
    blocks, dominant = _analyse(text)
    lines = [line for block in blocks for line in block]
    keep = _keep_flags(lines, title, frozenset(line_key(b) for b in boilerplate), dominant, tail)
    out, pos = [], 0
    for block in blocks:
        kept = [line for j, line in enumerate(block) if keep[pos + j]]
        pos += len(block)
        if kept:
            out.append("\n".join(kept))
    return "\n\n".join(out)


def repeated_lines(texts: Iterable[str], min_articles: int = 3, min_share: float = 0.3) -> set[str]:
    """Lines found in many different articles of one outlet: its boilerplate (pure, for clean_body)."""
    counts: Counter = Counter()
    originals: dict[str, str] = {}
    total = 0
    for text in texts:
        total += 1
        keys = set()
        for line in text.splitlines():
            line = tidy_spaces(line)
            if line:
                keys.add(line_key(line))
                originals.setdefault(line_key(line), line)
        counts.update(keys)
    needed = max(min_articles, int(total * min_share + 0.999))
    return {originals[key] for key, n in counts.items() if n >= needed}
