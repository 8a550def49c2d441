"""The typed sections of digest.toml: one frozen dataclass per [section], each option with its range.

Defaults live only in `default.toml`; these classes say what each value may be. A number
option declares `at_least`/`at_most` (`above` for an open lower bound), a text option may
list its `choices`. `config.py` checks every value against them when the file is loaded,
so code reads `config.settings.feeds.timeout` and never needs a fallback of its own.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Mapping, get_type_hints

from digest.errors import ConfigError


def _number(at_least: float | None = None, at_most: float | None = None, above: float | None = None) -> Any:
    """A numeric option's range (both ends included unless `above` names an open lower end)."""
    return field(metadata={"at_least": at_least, "at_most": at_most, "above": above})


def _text() -> Any:
    """A text option that may not be empty (a path, a host, a time zone)."""
    return field(metadata={"nonempty": True})


def _choice(*choices: str) -> Any:
    """A text option that takes one of a few words."""
    return field(metadata={"choices": choices})


@dataclass(frozen=True)
class DigestSettings:
    title: str
    timezone: str = _text()


@dataclass(frozen=True)
class PathSettings:
    inbox: str = _text()
    outbox: str = _text()
    corpus: str = _text()
    corpus_password_env: str = field()
    templates: str = _text()
    log_file: str = field()
    backups: str = _text()


@dataclass(frozen=True)
class BackupSettings:
    keep: int = _number(0, 3650)


@dataclass(frozen=True)
class IngestSettings:
    archive: str = _choice("move", "delete")
    max_file_mb: float = _number(above=0, at_most=4096)
    min_chars: int = _number(0, 1_000_000)
    min_words: int = _number(0, 100_000)
    default_outlet: str
    follow_links: str = _choice("inbox", "workspace", "none")


@dataclass(frozen=True)
class StoreSettings:
    memory_mb: int = _number(200, 1_000_000)
    cache_mb: int = _number(0, 1_000_000)


@dataclass(frozen=True)
class DedupSettings:
    shingle_size: int = _number(1, 50)
    num_perm: int = _number(16, 4096)
    near_threshold: float = _number(above=0, at_most=1)
    containment_threshold: float = _number(above=0, at_most=1)


@dataclass(frozen=True)
class StorySettings:
    similarity: float = _number(above=0, at_most=1)
    window_days: int = _number(0, 3650)
    max_span_days: int = _number(0, 3650)
    recent_members: int = _number(1, 1000)
    held_members: int = _number(100, 10_000_000)
    compared_members: int = _number(2, 10_000_000)
    half_life_days: float = _number(above=0, at_most=3650)
    follow_similarity: float = _number(above=0, at_most=1)
    roundups: bool
    roundup_min: int = _number(2, 100_000)
    regroup: bool
    regroup_similarity: float = _number(above=0, at_most=1)
    regroup_half_life_days: float = _number(above=0, at_most=3650)
    regroup_neighbours: int = _number(0, 1000)
    regroup_embeddings: float = _number(0, 1)
    regroup_other_day: float = _number(0, 1)


@dataclass(frozen=True)
class BuildSettings:
    max_age_days: int = _number(0, 36500)


@dataclass(frozen=True)
class SummarySettings:
    points_per_section: int = _number(1, 1000)
    sections_per_story: int = _number(1, 100)
    stories_per_digest: int = _number(1, 100_000)
    max_articles_read: int = _number(1, 100_000)
    max_sentences_read: int = _number(10, 1_000_000)
    overview_words: int = _number(0, 100_000)
    topics: Mapping[str, Any]
    update_repeat: float = _number(above=0, at_most=1)


@dataclass(frozen=True)
class EmailSettings:
    from_: str
    to: tuple[str, ...]
    subject: str
    max_html_kb: int = _number(1, 1_000_000)
    max_message_kb: int = _number(1, 1_000_000)
    attach_pdf: bool
    list_unsubscribe: str
    inliner: str = _choice("premailer", "css-inline")
    roundup_lines: int = _number(0, 100_000)


@dataclass(frozen=True)
class PdfSettings:
    page_size: str = _choice("A4", "Letter")
    author: str
    max_pages: int = _number(1, 10_000)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = _text()
    port: int = _number(1, 65535)
    timeout: float = _number(above=0, at_most=3600)
    retry_days: float = _number(0, 3650)
    security: str = _choice("none", "starttls", "ssl")
    username: str
    password_env: str


@dataclass(frozen=True)
class ScheduleSettings:
    at: tuple[str, ...]
    poll_minutes: int = _number(0, 1440)


@dataclass(frozen=True)
class RunSettings:
    deliver: bool


@dataclass(frozen=True)
class FeedSettings:
    timeout: float = _number(above=0, at_most=3600)
    max_mb: float = _number(above=0, at_most=1024)
    concurrency: int = _number(1, 64)
    max_age_days: float = _number(0, 36500)
    round_timeout: float = _number(0, 86400)
    max_pages_per_feed: int = _number(1, 10_000)


@dataclass(frozen=True)
class ArchiveSettings:
    base_url: str


@dataclass(frozen=True)
class Settings:
    """Every [section] of digest.toml, checked."""

    digest: DigestSettings
    paths: PathSettings
    backup: BackupSettings
    ingest: IngestSettings
    store: StoreSettings
    dedup: DedupSettings
    stories: StorySettings
    build: BuildSettings
    summary: SummarySettings
    email: EmailSettings
    pdf: PdfSettings
    smtp: SmtpSettings
    schedule: ScheduleSettings
    run: RunSettings
    feeds: FeedSettings
    archive: ArchiveSettings


def _attr(key: str) -> str:
    """The dataclass field of an option ("from" is a Python keyword)."""
    return key + "_" if key == "from" else key


def _check_range(where: str, value: Any, meta: Mapping[str, Any]) -> None:
    """Refuse a value outside its option's range, naming the option, the value and the range."""
    if meta.get("nonempty") and not value.strip():
        raise ConfigError(f"{where} is empty: give it a value (remove the line to get the default)")
    if "choices" in meta and value.lower() not in {c.lower() for c in meta["choices"]}:
        raise ConfigError(f"{where} = {value!r}: use one of {', '.join(repr(c) for c in meta['choices'])}")
    if not any(meta.get(k) is not None for k in ("at_least", "at_most", "above")):
        return
    lo, hi, above = meta.get("at_least"), meta.get("at_most"), meta.get("above")
    low = f"above {above}" if above is not None else f"at least {lo}" if lo is not None else ""
    span = " and ".join(x for x in (low, f"at most {hi}" if hi is not None else "") if x)
    bad = not math.isfinite(value) or (lo is not None and value < lo) or (hi is not None and value > hi) \
        or (above is not None and value <= above)
    if bad:
        raise ConfigError(f"{where} = {value!r} is out of range: use a number {span}")


def _section(cls: type, name: str, values: Mapping[str, Any], file: str) -> Any:
    """One section's values as its dataclass, each checked against its range."""
    kwargs = {}
    for f in fields(cls):
        key = "from" if f.name == "from_" else f.name
        value = values[key]
        _check_range(f"{file}: [{name}] {key}", value, f.metadata)
        kwargs[f.name] = tuple(value) if isinstance(value, list) else \
            MappingProxyType(value) if isinstance(value, dict) else value
    return cls(**kwargs)


def typed(merged: Mapping[str, Mapping[str, Any]], file: str) -> Settings:
    """All sections of already type-checked settings as frozen dataclasses, ranges checked."""
    hints = get_type_hints(Settings)
    return Settings(**{name: _section(hints[name], name, merged[name], file) for name in hints})


def option_names() -> dict[str, set[str]]:
    """The options each section declares, to keep this file and default.toml in step."""
    hints = get_type_hints(Settings)
    return {name: {"from" if f.name == "from_" else f.name for f in fields(hints[name])} for name in hints}
