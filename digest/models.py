"""Plain typed values passed between pipeline stages (never a shared mutable dict)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from enum import StrEnum


@dataclass(frozen=True)
class Article:
    """One cleaned article, as stored in the corpus."""

    id: str
    title: str
    outlet: str
    body: str
    url: str | None = None
    published: datetime | None = None
    published_is_guess: bool = False  # True when the date is the file's mtime
    language: str = "und"
    content_hash: str = ""
    ingested_at: datetime | None = None
    source_path: str | None = None
    author: str | None = None
    copy_of: str | None = None  # id of the original when this is a near-duplicate copy
    story_id: str | None = None


@dataclass(frozen=True)
class KeyPoint:
    """One extractive point and the articles that carry it."""

    text: str
    sources: tuple[str, ...]


class SectionKind(StrEnum):
    """What a section holds: one speaker's points, points nobody is quoted for, or background."""

    SPEAKER, GENERAL, BACKGROUND = "speaker", "general", "background"


@dataclass(frozen=True)
class Section:
    """Key points grouped under a speaker ('Blinken'), 'Background' or None (general)."""

    speaker: str | None
    points: tuple[KeyPoint, ...]
    kind: SectionKind = SectionKind.SPEAKER


@dataclass(frozen=True)
class Story:
    """Articles about one event, condensed into sections."""

    id: str
    title: str
    lede: str
    articles: tuple[Article, ...]
    sections: tuple[Section, ...] = ()
    is_update: bool = False
    topic: str | None = None
    read: tuple[str, ...] | None = None  # ids of the articles condensed, when not all were read
    first_sent: date | None = None  # an update's first digest date


@dataclass(frozen=True)
class TimelineEntry:
    """One story of a topic brief's timeline: the day it began, its headline, its articles."""

    date: date
    story: str  # the story's id
    title: str
    sources: tuple[str, ...]  # article ids, oldest first


@dataclass(frozen=True)
class RoundupLine:
    """One report of a roundup: whom it is about, its key line, and its story's articles (cited)."""

    entity: str
    text: str
    story_id: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Roundup:
    """One outlet's reports of one template on one day ("Earnings: 42 companies reported"), listed
    a line each as one digest entry; each report stays its own story in the corpus."""

    id: str
    label: str
    heading: str
    outlet: str
    day: date
    lines: tuple[RoundupLine, ...]


@dataclass(frozen=True)
class Digest:
    """One day's digest: what the renderers and the JSON output receive."""

    date: date
    title: str
    stories: tuple[Story, ...]
    generated_at: datetime | None = None
    notes: tuple[str, ...] = field(default=())
    # stories past [summary] stories_per_digest: listed by headline and sources only (no sections)
    also: tuple[Story, ...] = field(default=())
    # a topic brief opens with the most central points of all its stories and a dated timeline
    overview: tuple[KeyPoint, ...] = field(default=())
    timeline: tuple[TimelineEntry, ...] = field(default=())
    # one template's reports of a day, each gathered into one entry ([stories] roundups)
    roundups: tuple[Roundup, ...] = field(default=())


def utcnow() -> datetime:
    """Current time, timezone-aware, to the second (stable text in the database)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def article_day(article: Article) -> date:
    """The day an article belongs to: published, else ingested, else today."""
    when: datetime | None = article.published or article.ingested_at
    return (when or utcnow()).date()
