"""Language of an article body as an ISO 639-1 code, judged on the whole text.

py3langid ships its model inside the package (no download, deterministic, ~1 ms a
body). Texts with too few letters to judge get "und" rather than a wild guess:
short strings such as "Blinken said no." are misjudged by every detector.
"""
from __future__ import annotations

import re

from py3langid.langid import classify

MIN_LETTERS = 40
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def detect(text: str) -> str:
    """Return the ISO 639-1 code of text, or "und" when it is too short to judge."""
    if not text or len(_LETTER.findall(text)) < MIN_LETTERS:
        return "und"
    code, _score = classify(text)
    return code or "und"
