"""The language a story is condensed in: the one most of its outlets wrote in (summarize.condense)."""
from __future__ import annotations

from typing import Sequence

from digest.models import Article


def _language_of(article: Article) -> str:
    """The article's ISO 639-1 code ('en-GB' -> 'en'); 'und' when unknown."""
    return (article.language or "und").split("-")[0].lower() or "und"


def dominant_language(articles: Sequence[Article]) -> str:
    """The language most outlets told the story in (ties: most text); 'und' when none is known."""
    outlets: dict[str, set[str]] = {}
    size: dict[str, int] = {}
    for a in articles:
        lang = _language_of(a)
        if lang == "und":
            continue
        outlets.setdefault(lang, set()).add((a.outlet or a.id).strip().lower())
        size[lang] = size.get(lang, 0) + len(a.body or "")
    if not outlets:
        return "und"
    return max(sorted(outlets), key=lambda lang: (len(outlets[lang]), size[lang]))


def in_language(articles: Sequence[Article], language: str) -> list[Article]:
    """The articles written in the story's language (or in no detected language)."""
    return [a for a in articles if language == "und" or _language_of(a) in {language, "und"}]
