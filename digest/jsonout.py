"""The stable JSON shape of a digest (`digest build --json`, `digest.json`)."""
from __future__ import annotations

from typing import Any

from .models import Article, Digest, Section, Story
from .unicode_safety import scrub


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


def _section(section: Section) -> dict[str, Any]:
    return {
        "speaker": section.speaker,
        "kind": section.kind,
        "points": [{"text": p.text, "sources": list(p.sources)} for p in section.points],
    }


def _story(story: Story, why: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "lede": story.lede,
        "is_update": story.is_update,
        "topic": story.topic,
        "articles": [_article(a, why) for a in story.articles],
        "sections": [_section(s) for s in story.sections],
    }


def digest_to_dict(digest: Digest, why: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The digest as plain JSON-ready data; `why` explains each article's dedup and story decisions,
    `extra` adds top-level fields."""
    digest = scrub(digest)  # an old corpus may still hold bidi controls
    data: dict[str, Any] = {
        "date": digest.date.isoformat(),
        "title": digest.title,
        "stories": [_story(s, why) for s in digest.stories],
        "also": [{"id": s.id, "title": s.title, "is_update": s.is_update,
                  "articles": [_article(a, why) for a in s.articles]} for s in digest.also],
    }
    data.update(extra)
    return data
