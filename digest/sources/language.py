"""Language of an article body as an ISO 639-1 code, judged on a bounded sample of it.

py3langid ships its model inside the package (no download, deterministic). Its cost
grows with the text (about 0.4 ms for 1,000 characters here), so only the first
SAMPLE_CHARS characters of the (already cleaned) body are judged, cut at a word
boundary. Measured on translated sentences in 84 languages (gettext catalogs) and on
209 news and feed texts: samples of 400 to 1,500 characters are right as often as the
whole text (449 vs 450 of 481) and agree with it on every news text from 600 on;
800 leaves a margin for leftover boilerplate at the top of a body.
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
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# py3langid labels that are not ISO 639-1: regional varieties map to their macrolanguage.
_MACROLANGUAGE = {
    "ary": "ar", "arz": "ar", "uzs": "uz", "gug": "gn", "wuu": "zh", "yue": "zh", "fuv": "ff",
    "grc": "el", "hbo": "he",
}


@lru_cache(maxsize=1)
def _classifier():
    """py3langid's classify, imported on first use: the import (numpy) and the model load
    (~1 s, once per process, inside py3langid) are only paid when a body needs judging."""
    from py3langid.langid import classify

    return classify


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The first limit characters of text, cut at the last space so no word is split."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind(" ")
    return head[:cut] if cut > limit // 2 else head


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
