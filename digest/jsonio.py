"""The stable JSON shape of a digest (`digest build --json`, `digest.json`), written and read here only."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from digest.models import (Article, Digest, KeyPoint, Roundup, RoundupLine, Section, SectionKind, Story,
                           TimelineEntry)
from digest.text.unicode_safety import scrub


def _article(article: Article, why: dict[str, Any] | None) -> dict[str, Any]:
    data = {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "published_is_guess": article.published_is_guess,
        "language": article.language,
        "copy_of": article.copy_of,
    }
    if why is not None:
        data["why"] = why.get(article.id)
    return data


def _points(points: tuple[KeyPoint, ...]) -> list[dict[str, Any]]:
    return [{"text": p.text, "sources": list(p.sources)} for p in points]


def _section(section: Section) -> dict[str, Any]:
    return {"speaker": section.speaker, "kind": section.kind, "points": _points(section.points)}


def _entry(entry: TimelineEntry) -> dict[str, Any]:
    return {"date": entry.date.isoformat(), "story": entry.story, "title": entry.title,
            "sources": list(entry.sources)}


def _story(story: Story, why: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "lede": story.lede,
        "is_update": story.is_update,
        "first_sent": story.first_sent.isoformat() if story.first_sent else None,
        "topic": story.topic,
        "articles": [_article(a, why) for a in story.articles],
        "articles_read": len(story.articles) if story.read is None else len(story.read),
        "read": None if story.read is None else list(story.read),
        "sections": [_section(s) for s in story.sections],
    }


def _roundup(roundup: Roundup, why: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": roundup.id,
        "label": roundup.label,
        "heading": roundup.heading,
        "outlet": roundup.outlet,
        "day": roundup.day.isoformat(),
        "lines": [{"entity": line.entity, "text": line.text, "story_id": line.story_id,
                   "articles": [_article(a, why) for a in line.articles]} for line in roundup.lines],
    }


def digest_to_dict(digest: Digest, why: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The digest as plain JSON-ready data; `why` explains each article's dedup and story decisions,
    `extra` adds top-level fields."""
    digest = scrub(digest)  # an old corpus may still hold bidi controls
    data: dict[str, Any] = {
        "date": digest.date.isoformat(),
        "title": digest.title,
        "generated_at": digest.generated_at.isoformat() if digest.generated_at else None,
        "notes": list(digest.notes),
        "stories": [_story(s, why) for s in digest.stories],
        "also": [_story(s, why) for s in digest.also],
        "overview": _points(digest.overview),
        "timeline": [_entry(e) for e in digest.timeline],
        "roundups": [_roundup(r, why) for r in digest.roundups],
    }
    data.update(extra)
    return data


def _when(value: str | None) -> datetime | None:
    """An ISO timestamp written by digest_to_dict."""
    return datetime.fromisoformat(value) if value else None


def _read_article(a: dict[str, Any]) -> Article:
    """An article without its body (digest.json does not carry bodies)."""
    return Article(id=a["id"], title=a.get("title", ""), outlet=a.get("outlet", ""), body="",
                   url=a.get("url"), published=_when(a.get("published")),
                   published_is_guess=bool(a.get("published_is_guess")),
                   language=a.get("language") or "und", copy_of=a.get("copy_of"))


def _read_points(points: list[dict[str, Any]]) -> tuple[KeyPoint, ...]:
    return tuple(KeyPoint(p["text"], tuple(p.get("sources", ()))) for p in points)


def _read_entry(e: dict[str, Any]) -> TimelineEntry:
    return TimelineEntry(date=date.fromisoformat(e["date"]), story=e["story"], title=e.get("title", ""),
                         sources=tuple(e.get("sources", ())))


def _read_story(s: dict[str, Any]) -> Story:
    sections = tuple(Section(speaker=x.get("speaker"), kind=SectionKind(x.get("kind", "speaker")),
                             points=_read_points(x.get("points", [])))
                     for x in s.get("sections", []))
    return Story(id=s["id"], title=s.get("title", ""), lede=s.get("lede", ""),
                 articles=tuple(_read_article(a) for a in s.get("articles", [])),
                 sections=sections, is_update=bool(s.get("is_update")), topic=s.get("topic"),
                 read=None if s.get("read") is None else tuple(s["read"]),
                 first_sent=date.fromisoformat(s["first_sent"]) if s.get("first_sent") else None)


def _read_roundup(r: dict[str, Any]) -> Roundup:
    lines = tuple(RoundupLine(entity=x.get("entity", ""), text=x.get("text", ""), story_id=x["story_id"],
                              articles=tuple(_read_article(a) for a in x.get("articles", [])))
                  for x in r.get("lines", []))
    return Roundup(id=r["id"], label=r.get("label", ""), heading=r.get("heading", ""), outlet=r.get("outlet", ""),
                   day=date.fromisoformat(r["day"]), lines=lines)


def digest_from_dict(data: dict[str, Any]) -> Digest:
    """The Digest of a digest.json (article bodies are not stored, so they come back empty)."""
    return Digest(date=date.fromisoformat(data["date"]), title=data.get("title", ""),
                  stories=tuple(_read_story(s) for s in data.get("stories", [])),
                  generated_at=_when(data.get("generated_at")), notes=tuple(data.get("notes", ())),
                  also=tuple(_read_story(s) for s in data.get("also", [])),
                  overview=_read_points(data.get("overview", [])),
                  timeline=tuple(_read_entry(e) for e in data.get("timeline", [])),
                  roundups=tuple(_read_roundup(r) for r in data.get("roundups", [])))
