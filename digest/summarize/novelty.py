"""What an update adds: which sentences of a story's new articles an earlier digest already carried.

A story already sent comes back with new articles; the reader has its earlier points and
ledes, and the articles they cited. A new sentence is known when most of its content is in
one sentence sent before: the share of its TF-IDF weight on terms that sentence has reaches
`[summary] update_repeat` (containment, so a long recap that restates an old point with a
few words added is still known), or its cosine with that sentence reaches SAME_COSINE; but a
sentence stating a figure no known text states is new (yesterday's wording, today's count).
Only the sentences that are not known may become points or the lede, so an update opens
with what is new and keeps background only when that is new too; among them, the share
already sent lowers a sentence's salience (condense.NOVELTY_WEIGHT). The update's lede is the
opening of the first new day's most central article (`central_article`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Sequence

import numpy as np

from digest.models import Article
from digest.store import sent
from digest.store.corpus import Corpus
from digest.summarize import sentences as sent_split

SAME_COSINE = 0.5  # cosine with one sentence sent before at or above which a sentence is known
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")  # a number as written: "385,000", "5.9", "82"


@dataclass(frozen=True)
class Sent:
    """What earlier digests carried of one story: since when, and the texts the reader has."""

    first_sent: date
    texts: tuple[str, ...]


def overlap(rows, known_rows) -> np.ndarray:
    """Per row (L2-normalised TF-IDF of a candidate sentence), the largest share of its weight on terms
    one known row has, or 1 when its cosine with a known row reaches SAME_COSINE."""
    n = rows.shape[0]
    if known_rows is None or known_rows.shape[0] == 0 or n == 0:
        return np.zeros(n)
    cosine = _dense(rows @ known_rows.T)
    present = (known_rows > 0).astype(float)
    shared = _dense(rows @ present.T)
    total = np.asarray(rows.sum(axis=1)).ravel()
    share = np.divide(shared, total[:, None], out=np.zeros_like(shared), where=total[:, None] > 0)
    return np.where(cosine.max(axis=1) >= SAME_COSINE, 1.0, share.max(axis=1))


def carried(texts: Sequence[str], seen: np.ndarray, known: Sequence[str], repeat: float) -> np.ndarray:
    """Which sentences earlier digests carried: their overlap (`overlap`) reaches `repeat`, unless
    they state a figure no known text states ("claims fell to 385,000" after "rose to 405,000"
    repeats the wording, not the news)."""
    sent_figures = {f for t in known for f in _figures(t)}
    fresh = np.array([bool(_figures(t) - sent_figures) for t in texts], dtype=bool)
    return (np.asarray(seen) >= repeat) & ~fresh


def central_article(articles: Sequence[int], scores: np.ndarray, among: set[int],
                    days: Sequence[date | None] = ()) -> int:
    """Of the articles `among` (those of the earliest day `days` gives, when dated), the one whose
    sentences score highest on average (salience, share sent taken off): an update's lede is its
    opening, so the update picks the story up where the reader left it, with that day's main news."""
    dated = [days[a] for a in among if a < len(days) and days[a] is not None]
    if dated:
        among = {a for a in among if a < len(days) and days[a] == min(dated)}
    totals: dict[int, list[float]] = {}
    for article, score in zip(articles, scores):
        totals.setdefault(article, []).append(float(score))
    return max(sorted(among), key=lambda a: float(np.mean(totals[a])))


def _figures(text: str) -> set[str]:
    """The numbers a text states, thousands separators dropped."""
    return {re.sub(r"(?<=\d),(?=\d{3})", "", f) for f in FIGURE.findall(text)}


def _dense(matrix) -> np.ndarray:
    """A sparse or dense product as a dense array."""
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


def sent_before(corpus: Corpus, story_ids: Sequence[str], before_digest: str | None = None) -> dict[str, Sent]:
    """For each story an earlier digest carried: its first digest's date and the texts sent
    (ledes and points of its sections, sentences of the articles they cited)."""
    rows = sent.history(corpus, list(story_ids), before_digest) if story_ids else []
    if not rows:
        return {}
    first: dict[str, date] = {}
    digests: dict[str, list[str]] = {}
    article_ids: dict[str, list[str]] = {}
    for r in rows:
        first.setdefault(r["story_id"], date.fromisoformat(r["date"]))
        digests.setdefault(r["story_id"], []).append(r["digest_id"])
        article_ids.setdefault(r["story_id"], []).append(r["article_id"])
    data = {k: json.loads(v) for k, v in sent.digest_json(corpus, sorted({r["digest_id"] for r in rows})).items()}
    bodies = {a.id: a for a in corpus.articles(sorted({r["article_id"] for r in rows}))}
    out = {}
    for story_id, day in first.items():
        texts = _digest_texts(story_id, [data[d] for d in dict.fromkeys(digests[story_id]) if d in data])
        texts += article_texts([bodies[a] for a in dict.fromkeys(article_ids[story_id]) if a in bodies])
        out[story_id] = Sent(day, tuple(texts))
    return out


def _digest_texts(story_id: str, digests: list[dict]) -> list[str]:
    """The lede and points a recorded digest showed for one story."""
    texts = []
    for data in digests:
        for story in data.get("stories", []) + data.get("also", []):
            if story.get("id") == story_id:
                texts += [story.get("lede") or "", story.get("title") or ""]
                texts += [p["text"] for s in story.get("sections", []) for p in s.get("points", [])]
    return [t for t in texts if t]


def article_texts(articles: list[Article]) -> list[str]:
    """Titles and sentences of the articles sent before."""
    texts = []
    for a in articles:
        texts.append(a.title)
        paras = sent_split.paragraphs(a.body, (a.language or "und").split("-")[0] or "und", a.title)
        texts += [t for p in paras for t in p.sentences]
    return [t for t in texts if t and t.strip()]
