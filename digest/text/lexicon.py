"""Word lists by language, kept as data in text/lexicon/*.toml so rules read the same in every module."""
from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ru", "uk")  # the order lists are joined in


@cache
def lexicon(language: str) -> dict:
    """One language's lists as written in its file (empty for a language without one)."""
    if language not in LANGUAGES:
        return {}
    text = resources.files("digest.text").joinpath("lexicon", f"{language}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def words(language: str, name: str) -> tuple[str, ...]:
    """A whitespace-separated list of one language, in file order."""
    value = lexicon(language).get(name, "")
    return tuple(" ".join(value).split() if isinstance(value, list) else value.split())


def all_words(name: str) -> frozenset[str]:
    """A list of every language, as one set."""
    return frozenset(w for language in LANGUAGES for w in words(language, name))


def alternatives(name: str) -> str:
    """A regex alternation ("a|b|c") joined over every language, in language order."""
    return "|".join(lexicon(language)[name] for language in LANGUAGES if name in lexicon(language))


def months() -> dict[str, int]:
    """Month names and abbreviations of every language -> month number (1-12)."""
    return {name: number for language in LANGUAGES
            for number, names in enumerate(lexicon(language).get("months", ()), start=1)
            for name in names.split()}


@cache
def weekdays() -> dict[str, int]:
    """Full day names of every language ("wednesday", "mittwoch") -> day of the week (0 Monday .. 6);
    the abbreviations ("sat", "sun", "wed") are left out, being ordinary words as often."""
    return {names.split()[0]: number for language in LANGUAGES
            for number, names in enumerate(lexicon(language).get("days", ()))}


def calendar_words() -> frozenset[str]:
    """Month, day and relative-day names of every language ("march", "lundi", "today")."""
    return frozenset(months()) | all_words("days") | all_words("relative_days")


def groups(language: str, name: str) -> tuple[tuple[str, ...], ...]:
    """A list of groups ("kill dead die death"), each split into its words."""
    return tuple(tuple(group.split()) for group in lexicon(language).get(name, ()))
