"""What a very large story's condensation reads: a capped set of its articles.

Condensing compares every sentence with every other, so its cost grows with the square of the
sentences read. A story with more than [summary] max_articles_read articles, or more sentences
than [summary] max_sentences_read, is condensed from a chosen set: one article per outlet first,
then the rest; within each round the most central articles (TF-IDF cosine to the story's
centroid) and the newest first (score = CENTRAL_WEIGHT x centrality + the rest x recency, both
scaled to 0..1); syndicated copies come last, since they only corroborate their original.
Articles that would take the sentences read over the cap are passed over for shorter ones.
A story within both caps is read whole, exactly as before.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from digest.models import Article

CENTRAL_WEIGHT = 0.8  # centrality against recency in the reading order
_SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"'”»)\]]*)(?:\s|$)")


def sentence_estimate(article: Article) -> int:
    """Sentences of the body, counted by their closing marks (cheap; splitting comes later)."""
    return max(1, len(_SENTENCE_END.findall(article.body or "")))


def _centrality(articles: Sequence[Article]) -> np.ndarray:
    """Cosine of each article's TF-IDF (sparse, whole words) to the story's centroid, scaled to 0..1."""
    texts = [f"{a.title or ''}\n{(a.body or '')[:20000]}" for a in articles]
    try:
        rows = TfidfVectorizer(sublinear_tf=True, min_df=1).fit_transform(texts)
    except ValueError:  # no words at all
        return np.zeros(len(articles))
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    fit = rows @ centroid
    return fit / fit.max() if fit.max() > 0 else fit


def _recency(articles: Sequence[Article]) -> np.ndarray:
    """Publication time scaled to 0 (oldest) .. 1 (newest); undated articles count as oldest."""
    stamps = np.array([a.published.timestamp() if a.published else np.nan for a in articles])
    if np.all(np.isnan(stamps)):
        return np.zeros(len(articles))
    low, high = np.nanmin(stamps), np.nanmax(stamps)
    scaled = (stamps - low) / (high - low) if high > low else np.ones(len(articles))
    return np.nan_to_num(scaled, nan=0.0)


def reading_order(articles: Sequence[Article]) -> list[int]:
    """Indexes of the articles in the order they are read: originals before copies, one article
    per outlet per round, best score first within a round (ties: the older index)."""
    score = CENTRAL_WEIGHT * _centrality(articles) + (1 - CENTRAL_WEIGHT) * _recency(articles)
    ids = {a.id for a in articles}
    seen: dict[tuple[bool, str], int] = {}
    keyed = []
    for i in sorted(range(len(articles)), key=lambda k: (-score[k], k)):
        copy = articles[i].copy_of in ids
        outlet = (copy, (articles[i].outlet or articles[i].id).strip().lower())
        rounds = seen.get(outlet, 0)
        seen[outlet] = rounds + 1
        keyed.append(((copy, rounds, -score[i], i), i))
    return [i for _, i in sorted(keyed)]


def select(articles: Sequence[Article], max_articles: int, max_sentences: int) -> list[Article] | None:
    """The articles to read, in the story's own order; None when the story is within both caps."""
    sizes = [sentence_estimate(a) for a in articles]
    if len(articles) <= max_articles and sum(sizes) <= max_sentences:
        return None
    chosen: list[int] = []
    total = 0
    for i in reading_order(articles):
        if len(chosen) >= max_articles:
            break
        if chosen and total + sizes[i] > max_sentences:
            continue
        chosen.append(i)
        total += sizes[i]
    return [articles[i] for i in sorted(chosen)]
