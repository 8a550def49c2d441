"""A topic brief's overview and timeline: the topic as a whole before its stories one by one.

The overview is extractive and cited like every point of digest. Its candidates are the news
sentences of every selected story (datelines, furniture and fragments already removed by
summarize.sentences), read lead first: the articles are taken story by story in turn until
[summary] max_sentences_read sentences, so a topic of a thousand articles costs what a big
story costs. Each sentence keeps only its TOP_K most similar sentences (TF-IDF cosine, computed
CHUNK rows at a time), so the graph and its LexRank power iteration stay linear in the sentences.
A sentence's score adds its centrality in that graph, how many other stories and outlets carry a
close sentence, and how early it comes in its article. Points are chosen greedily by score with
a redundancy cost (MMR; a sentence that restates a chosen point, as summarize.condense judges
repeats, is skipped) and a cost for each point already taken from the same story, until
[summary] overview_words words; each cites its article and every article of the brief with a
near-repeat. They are listed in date order, so the overview reads as the topic's course.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse

from digest.config import Config
from digest.models import Article, KeyPoint, Story, TimelineEntry, article_day
from digest.summarize.condense import (
    FRAGMENT_PENALTY,
    LONG_PENALTY,
    LONG_SPAN,
    LONG_WORDS,
    Candidate,
    Repeats,
    collect_candidates,
    dominant_language,
    in_language,
    vectorize,
)
from digest.summarize.clauses import balanced
from digest.summarize.reading import sentence_estimate

TOP_K = 20  # neighbours kept per sentence
CHUNK = 256  # rows of the similarity product computed at once (CHUNK x sentences floats)
EDGE_SIMILARITY, SAME_ARTICLE_EDGE, DAMPING, RANK_ROUNDS = 0.08, 1 / 3, 0.85, 50
SUPPORT_SIMILARITY = 0.30  # cosine at which another story or outlet counts as carrying a sentence
SOURCE_SIMILARITY = 0.40  # cosine at which another article is cited for a point
MERGE_SIMILARITY = 0.38  # cosine at which a sentence repeats a point already chosen
SUPPORT_SATURATION = 3  # other stories (or outlets) carrying a sentence for full support
WEIGHT_CENTRAL, WEIGHT_STORIES, WEIGHT_OUTLETS, WEIGHT_LEAD = 0.8, 0.2, 0.2, 1.0  # tuned on bench/topics.py tune
LEAD_DECAY = 3  # a sentence's lead weight is 1 / (1 + position / LEAD_DECAY)
DIVERSITY = 1.0  # MMR weight of the similarity to points already chosen
STORY_COST = 0.1  # score a point costs for each point already chosen from its story (spreads the overview)


def reading_order(stories: Sequence[Story], cap: int) -> list[tuple[int, Article]]:
    """(story index, article) pairs read for the overview: originals story by story in turn,
    then copies, until about `cap` sentences."""
    queues = [[a for a in s.articles if not a.copy_of] for s in stories]
    copies = [(k, a) for k, s in enumerate(stories) for a in s.articles if a.copy_of]
    order: list[tuple[int, Article]] = []
    depth = 0
    while any(depth < len(q) for q in queues):
        order.extend((k, q[depth]) for k, q in enumerate(queues) if depth < len(q))
        depth += 1
    chosen, total = [], 0
    for k, article in order + copies:
        n = sentence_estimate(article)
        if total and total + n > cap:
            continue
        chosen.append((k, article))
        total += n
    return chosen


def _neighbours(rows, articles: np.ndarray) -> sparse.csr_matrix:
    """The TOP_K most similar other sentences of each sentence (same-article edges a third)."""
    n = rows.shape[0]
    k = min(TOP_K, max(n - 1, 1))
    data, cols = [], []
    for start in range(0, n, CHUNK):
        block = rows[start:start + CHUNK] @ rows.T
        block = block.toarray() if sparse.issparse(block) else np.asarray(block)
        here = np.arange(block.shape[0])
        block[here, start + here] = 0.0
        block[articles[start:start + CHUNK, None] == articles[None, :]] *= SAME_ARTICLE_EDGE
        top = np.argpartition(-block, k - 1, axis=1)[:, :k] if n > k else np.tile(np.arange(n), (len(here), 1))
        data.append(np.take_along_axis(block, top, axis=1))
        cols.append(top)
    values, columns = np.vstack(data), np.vstack(cols)
    values[values < EDGE_SIMILARITY] = 0.0
    indptr = np.arange(0, n * k + 1, k)
    graph = sparse.csr_matrix((values.ravel(), columns.ravel(), indptr), shape=(n, n))
    graph.eliminate_zeros()
    return graph


def _centrality(graph: sparse.csr_matrix) -> np.ndarray:
    """LexRank power iteration over the sparse graph, scaled to 0..1."""
    n = graph.shape[0]
    out = np.asarray(graph.sum(axis=1)).ravel()
    trans = sparse.diags(np.divide(1.0, out, out=np.zeros(n), where=out > 0)) @ graph
    dangling = out == 0
    rank = np.full(n, 1 / n)
    for _ in range(RANK_ROUNDS):
        new = (1 - DAMPING) / n + DAMPING * (trans.T @ rank + rank[dangling].sum() / n)
        done = np.abs(new - rank).sum() < 1e-7
        rank = new
        if done:
            break
    return rank / rank.max() if rank.max() > 0 else rank


def _carried(graph: sparse.csr_matrix, keys: Sequence[str]) -> np.ndarray:
    """How many other keys (stories or outlets) have a neighbour close to each sentence."""
    out = np.zeros(graph.shape[0])
    for i in range(graph.shape[0]):
        lo, hi = graph.indptr[i], graph.indptr[i + 1]
        close = graph.indices[lo:hi][graph.data[lo:hi] >= SUPPORT_SIMILARITY]
        out[i] = len({keys[j] for j in close} - {keys[i]})
    return np.minimum(1.0, out / SUPPORT_SATURATION)


def _scores(cands: list[Candidate], graph: sparse.csr_matrix, stories: list[str], outlets: list[str]) -> np.ndarray:
    """Salience: centrality, other stories and outlets carrying the sentence, lead, clarity."""
    lead = np.array([1 / (1 + c.position / LEAD_DECAY) for c in cands])
    length = np.array([c.n_words for c in cands])
    clarity = -LONG_PENALTY * np.clip((length - LONG_WORDS) / LONG_SPAN, 0, 1) - FRAGMENT_PENALTY * np.array(
        [("[…]" in c.text or "..." in c.text or not balanced(c.text)) for c in cands])
    return (WEIGHT_CENTRAL * _centrality(graph) + WEIGHT_STORIES * _carried(graph, stories)
            + WEIGHT_OUTLETS * _carried(graph, outlets) + WEIGHT_LEAD * lead + clarity)


class _PairSimilarity:
    """sim[i, j] computed on demand from the sparse rows: Repeats asks for a few pairs only."""

    def __init__(self, rows):
        """Keep the L2-normalised TF-IDF rows."""
        self.rows = rows

    def __getitem__(self, pair: tuple[int, int]) -> float:
        """Cosine of sentences i and j."""
        i, j = pair
        value = self.rows[i] @ self.rows[j].T
        return float(value.toarray()[0, 0] if sparse.issparse(value) else np.asarray(value).ravel()[0])


def _choose(cands: list[Candidate], scores: np.ndarray, rows, story_of: list[int], words: int,
            repeats: Repeats) -> list[int]:
    """Greedy MMR choice up to the word budget; each point chosen from a story costs its next STORY_COST."""
    pool = np.array([i for i, c in enumerate(cands) if c.eligible and c.standalone], dtype=int)
    near = np.zeros(len(pool))
    alive = np.ones(len(pool), dtype=bool)
    picked: list[int] = []
    stories = np.array([story_of[i] for i in pool], dtype=int)
    taken = np.zeros(len(pool))  # points already chosen from each candidate's story
    total = 0
    while alive.any() and total < words:
        gain = scores[pool] - DIVERSITY * near - STORY_COST * taken
        best = int(np.argmax(np.where(alive, gain, -np.inf)))
        alive[best] = False
        i = int(pool[best])
        if near[best] >= MERGE_SIMILARITY or (near[best] > 0 and repeats.closest(i, picked) is not None):
            continue
        picked.append(i)
        taken[stories == story_of[i]] += 1
        total += cands[i].n_words
        sim = rows[pool] @ rows[i].T
        near = np.maximum(near, sim.toarray().ravel() if sparse.issparse(sim) else np.asarray(sim).ravel())
    return picked


def overview(stories: Sequence[Story], config: Config) -> tuple[KeyPoint, ...]:
    """The most central points across the stories, cited, in date order."""
    summary = config.settings.summary
    pairs = reading_order(stories, summary.max_sentences_read)
    language = dominant_language([a for _, a in pairs])
    kept = {a.id for a in in_language([a for _, a in pairs], language)}
    pairs = [(k, a) for k, a in pairs if a.id in kept]
    articles = [a for _, a in pairs]
    cands = collect_candidates(articles)
    if not cands:
        return ()
    rows, _ = vectorize([c.text for c in cands], language)
    graph = _neighbours(rows, np.array([c.article for c in cands]))
    story_of = [pairs[c.article][0] for c in cands]
    outlets = [(articles[c.article].outlet or c.origin).strip().lower() for c in cands]
    scores = _scores(cands, graph, [str(s) for s in story_of], outlets)
    repeats = Repeats(cands, _PairSimilarity(rows), language, set())
    picked = _choose(cands, scores, rows, story_of, summary.overview_words, repeats)
    points = []
    for i in picked:
        lo, hi = graph.indptr[i], graph.indptr[i + 1]
        near = graph.indices[lo:hi][graph.data[lo:hi] >= SOURCE_SIMILARITY]
        cited = sorted({cands[i].article} | {cands[j].article for j in near})
        points.append((_when(articles[cands[i].article]), cands[i].position, i,
                       KeyPoint(cands[i].text, tuple(dict.fromkeys(articles[a].id for a in cited)))))
    return tuple(point for *_, point in sorted(points, key=lambda p: p[:3]))


def _when(article: Article) -> str:
    """Sortable publication time ('' when unknown)."""
    return article.published.isoformat() if article.published else ""


def timeline(stories: Sequence[Story]) -> tuple[TimelineEntry, ...]:
    """One line per story: the day it began, its headline, its articles oldest first; by date."""
    entries = []
    for story in stories:
        articles = sorted(story.articles, key=lambda a: (_when(a), a.id))
        if articles:
            entries.append(TimelineEntry(date=min(article_day(a) for a in articles), story=story.id,
                                         title=story.title, sources=tuple(a.id for a in articles)))
    return tuple(sorted(entries, key=lambda e: (e.date, e.title, e.story)))
