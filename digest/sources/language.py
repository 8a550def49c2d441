"""Language of an article body as an ISO 639-1 code, judged on a bounded sample of it.

py3langid ships its model inside the package (no download, deterministic). Its cost
grows with the text (about 0.4 ms for 1,000 characters here), so a long body is judged
on SAMPLE_CHARS characters of whole words taken from WINDOWS places spread over it
(start, middle, end), which a leading quote or leftover line in another language cannot
dominate. Measured on translated sentences in 84 languages (gettext catalogs, 481
texts) and on 209 news and feed texts: 800 characters in 3 windows are right 451 times
(the whole text 450, the first 800 characters 449) and agree with the whole text on
every news text.
Texts with too few letters to judge get "und" rather than a wild guess: short
strings such as "Blinken said no." are misjudged by every detector. The model's
codes without an ISO 639-1 form become their macrolanguage's code, else "und".
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

MIN_LETTERS = 40
SAMPLE_CHARS = 800
WINDOWS = 3
WORD_SEARCH = 50  # how far a window start may move to reach the next word
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# py3langid labels that are not ISO 639-1: regional varieties map to their macrolanguage.
_MACROLANGUAGE = {
    "ary": "ar", "arz": "ar", "uzs": "uz", "gug": "gn", "wuu": "zh", "yue": "zh", "fuv": "ff",
    "grc": "el", "hbo": "he",
}


@lru_cache(maxsize=1)
def _classifier():
    """py3langid's classify, imported on first use: its import and model load (~0.6 s) wait for a body."""
    from py3langid.langid import classify

    return classify


def _window(text: str, start: int, size: int) -> str:
    """About size characters of text from start, beginning and ending on a word boundary."""
    if start:
        space = text.find(" ", start, start + WORD_SEARCH)
        start = space + 1 if space >= 0 else start
    piece = text[start:start + size]
    if start + size >= len(text):
        return piece
    cut = piece.rfind(" ")
    return piece[:cut] if cut > size // 2 else piece


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """At most limit characters of whole words from WINDOWS places spread over text."""
    if len(text) <= limit:
        return text
    size = limit // WINDOWS
    step = (len(text) - size) / (WINDOWS - 1)
    return "\n".join(_window(text, int(i * step), size) for i in range(WINDOWS))


def _enough_letters(text: str) -> bool:
    """True when text holds at least MIN_LETTERS letters (stops counting there)."""
    return sum(1 for _ in islice(_LETTER.finditer(text), MIN_LETTERS)) >= MIN_LETTERS


def iso_code(label: str) -> str:
    """An ISO 639-1 code for a model label ("arz" -> "ar"), or "und" when there is none."""
    label = _MACROLANGUAGE.get(label, label or "")
    return label if len(label) == 2 else "und"


def detect(text: str) -> str:
    """Return the ISO 639-1 code of text, or "und" when it is too short to judge."""
    if not text or not _enough_letters(text):
        return "und"
    code, _score = _classifier()(sample(text))
    return iso_code(code)
