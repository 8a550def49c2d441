"""Sample digests for previews, benchmarks and tests of the renderers (no corpus needed)."""
from __future__ import annotations

import hashlib
import random
import re
from datetime import date, datetime, timezone
from typing import Sequence

from digest.models import Article, Digest, KeyPoint, Section, SectionKind, Story

_WORDS = ("minister government talks agreement council budget election court ruling energy prices "
          "inflation report officials security summit ceasefire negotiators parliament vote reform "
          "market shares company exports tariffs climate emissions targets hospital workers strike "
          "union transport network rail airport storm flooding regions investigation police data "
          "privacy regulators technology chips supply chain allies sanctions refugees border aid").split()
_OUTLETS = ("Reuters", "Associated Press", "BBC News", "Le Monde", "NV", "Al Jazeera", "DW", "NPR")
_SPEAKERS = ("Prime Minister Ana Silva", "Finance Minister Karl Berg", "Commissioner Lee", None)


def _id(text: str) -> str:
    """A stable id from text, like corpus ids."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _sentence(rng: random.Random) -> str:
    """A news-like sentence of random words, with an outlet, a date and a number."""
    words = [rng.choice(_WORDS) for _ in range(rng.randint(14, 26))]
    return (" ".join(words).capitalize() + f", {rng.choice(_OUTLETS)} reported on {rng.randint(2, 28)} "
            f"March with {rng.randint(3, 900)} figures.")


def synthetic_digest(stories: int, day: date = date(2026, 3, 2), seed: int = 0) -> Digest:
    """A deterministic day of `stories` stories, 3-5 outlets each, shaped like real output."""
    rng = random.Random(seed)
    made = []
    for n in range(1, stories + 1):
        outlets = rng.sample(_OUTLETS, rng.randint(3, 5))
        articles = tuple(
            Article(id=_id(f"{seed}-{n}-{o}"), title=_sentence(rng)[:90], outlet=o, body="",
                    url=f"https://news.example/{n}/{o.replace(' ', '-').lower()}",
                    published=datetime(day.year, day.month, day.day, 6, tzinfo=timezone.utc))
            for o in outlets)
        ids = [a.id for a in articles]
        sections = tuple(
            Section(speaker=speaker, kind=SectionKind.SPEAKER if speaker else SectionKind.GENERAL,
                    points=tuple(KeyPoint(_sentence(rng), tuple(rng.sample(ids, rng.randint(1, 3))))
                                 for _ in range(rng.randint(3, 5))))
            for speaker in rng.sample(_SPEAKERS, 2))
        made.append(Story(id=_id(f"story-{seed}-{n}"), title=_sentence(rng)[:80].rstrip(" ,."),
                          lede=_sentence(rng) + " " + _sentence(rng), articles=articles,
                          sections=sections, is_update=n % 4 == 0))
    return Digest(date=day, title="Morning Digest", stories=tuple(made),
                  generated_at=datetime(day.year, day.month, day.day, 7, tzinfo=timezone.utc))


def _paragraphs(body: str) -> list[str]:
    """Paragraphs long enough to be key points."""
    return [p.strip() for p in re.split(r"\n\s*\n", body) if len(p.split()) >= 8]


def story_from_texts(texts: Sequence[tuple[str, str, str | None, str]], title: str,
                     points_per_article: int = 2) -> Story:
    """A story from (outlet, title, url, body) texts: the lede and points are their first paragraphs."""
    articles = tuple(Article(id=_id(outlet + body), title=head, outlet=outlet, body=body, url=url)
                     for outlet, head, url, body in texts)
    points = []
    for article in articles:
        for paragraph in _paragraphs(article.body)[1: 1 + points_per_article]:
            points.append(KeyPoint(paragraph, (article.id,)))
    first = _paragraphs(articles[0].body)
    lede = first[0] if first else title
    half = max(1, len(points) // 2)
    sections = (Section(speaker=None, kind=SectionKind.GENERAL, points=tuple(points[:half])),
                Section(speaker="Background", kind=SectionKind.BACKGROUND, points=tuple(points[half:])))
    return Story(id=_id(title), title=title, lede=lede, articles=articles,
                 sections=tuple(s for s in sections if s.points))
