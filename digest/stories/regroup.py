"""Group the unsent stories of the open window again at build time: complete link over every pair.

The index (index.py) decides each article once, as it arrives, against the stories so far. At
build time every unsent article of the window is known, so the stories no digest carried yet
are grouped again in one batch, as the textbook method does, with the evidence the index uses:

- similarity: the mean of two cosines of digest's own terms (names and figures weighted up,
  function words and lines seen before left out: terms.py), one weighed by the corpus and
  background document frequencies (sound on a small batch), one by the batch's own (words
  common in this window count less);
- a pair of one outlet counts less (SAME_OUTLET), a pair further apart in days counts less, halved every `[stories] regroup_half_life_days`; pairs more
  than `[stories] window_days` apart, or whose headlines name different entities of one
  template (link.different_entities), never join; a shared quotation is enough on its own;
- two articles in different languages share little but names and figures, which the words of
  one batch cannot weigh fairly: the index's decision stands for them (one story if it put
  them in one);
- complete link: two articles share a story only when every pair of its articles reaches
  `[stories] regroup_similarity`, so a story cannot chain from one event to the next;
- crowding (`[stories] regroup_neighbours`): a pair must also be at least as close as the two
  articles' neighbourhoods, the mean similarity of each with its closest articles of the window.
  In a busy topic (a pandemic wave, a war, a court) every article is near many others; one event
  is a pair closer than that crowd (the hubness correction of nearest-neighbour retrieval). A
  shared quotation still joins on its own;
- days named (`[stories] regroup_other_day`): two articles with no date of their own whose texts
  both name days of the week, none the same, keep that share of their similarity: two
  developments of one thread (the House vote on Tuesday, the Senate's on Thursday) are told in the
  same words, and without dates the whole set is one window.

Story ids stay stable: stories already sent are left as they are; each new group keeps the id
of the story most of its articles were in (the larger group first), else gets a new one. The
pairs are computed in blocks of rows and only those that reach the threshold are kept, so memory
grows with the articles, not their square; a connected set of more than MAX_GROUP articles keeps
the index's stories.
"""
from __future__ import annotations

import calendar
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer

from digest.config import Config
from digest.models import Article, utcnow
from digest.store import story_tables as tables
from digest.store.corpus import Corpus
from digest.stories.docfreq import DocFreq
from digest.stories.index import When, new_story_id
from digest.stories.link import different_entities, shared_terms
from digest.stories.terms import QUOTE_PREFIX, mentioned_days

BLOCK = 256        # rows of the pair similarities worked out at a time (memory: BLOCK x articles)
MAX_GROUP = 1500   # a connected set of close pairs larger than this keeps the index's stories
# Two articles of one outlet count this much of their similarity: an outlet seldom tells one event
# twice but in an update, which says nearly the same (evidence across outlets counts for more).
# 0.5 to 1 score alike on the allsides tuning part (three outlets a story); on the wire (one
# outlet) it keeps reports of one template about related subjects apart.
SAME_OUTLET = 0.5
UNKNOWN_OUTLETS = frozenset({"", "inbox"})  # the reader's outlet when nothing named one


@dataclass(frozen=True)
class Item:
    """One unsent article as the batch sees it."""

    article_id: str
    story_id: str
    day: date        # its date (a guess when `guessed`: the file's modification time)
    guessed: bool
    arrived: date    # the day it was ingested: what the window compares when either date is a guess
    title: str
    terms: dict[str, float]   # digest's term frequencies (stored with the member; terms.article_terms)
    vector: dict[str, float]  # their TF-IDF weights (index.DocFreq.weights)
    founded: str = ""  # when its story was created (sorts like the creation order)
    outlet: str = ""
    language: str = ""
    weight: int = 1    # the article and its copies in the batch (copies follow it)
    days: int = 0      # the days of the week its text names, a bit mask (terms.mentioned_days)


@dataclass(frozen=True)
class Move:
    """An article's story after the batch, and why."""

    article_id: str
    story_id: str
    matched_article_id: str | None
    similarity: float | None
    reason: str


class Pairs:
    """The pair similarities of a batch that reach the threshold, and the evidence behind them."""

    def __init__(self, items: list[Item], threshold: float, half_life: float, window_days: int,
                 neighbours: int = 0, meaning: tuple[np.ndarray, float] | None = None, other_day: float = 1.0):
        self.items, self.threshold = items, threshold
        self.half_life, self.window, self.neighbours = half_life, window_days, neighbours
        self.other_day = other_day  # the share of its similarity a pair keeps when its texts name different days
        self.other_days: dict[int, tuple[float, int]] = {}  # article -> its closest pair the rule took under
        # the threshold: (similarity before it, other article)
        self.meaning = meaning  # (sentence embeddings of the items, their weight in the similarity), or None
        self.apart: dict[tuple[int, int], str] = {}  # close pairs that may not join, and why
        self.blocked: dict[int, list[tuple[int, str]]] = {}  # the same by article: (other article, why)
        self.quoted: set[tuple[int, int]] = set()
        self.density = np.zeros(len(items))  # each article's mean similarity with its `neighbours` closest
        self.crowded: dict[int, tuple[float, int, float]] = {}  # article -> its closest pair left out for
        # being no closer than the two neighbourhoods: (similarity, other article, their mean density)
        self.matrix = self._pairs()

    def _pairs(self) -> csr_matrix:
        """The symmetric sparse matrix of pair similarities at or above the threshold, worked out
        BLOCK rows at a time (only the pairs kept are held, as numpy arrays)."""
        items, n = self.items, len(self.items)
        local = TfidfTransformer().fit_transform(DictVectorizer().fit_transform([i.terms for i in items])).tocsr()
        ours = DictVectorizer().fit_transform([i.vector for i in items]).tocsr()
        quotes = DictVectorizer().fit_transform([{t: 1 for t in i.vector if t.startswith(QUOTE_PREFIX)}
                                                 for i in items]).tocsr()
        facts = {"day": np.array([i.day.toordinal() for i in items]),
                 "arrived": np.array([i.arrived.toordinal() for i in items]),
                 "guessed": np.array([i.guessed for i in items]),
                 "outlet": _codes([i.outlet if i.outlet not in UNKNOWN_OUTLETS else f"\0{k}" for k, i in enumerate(items)]),
                 "language": _codes([i.language for i in items]), "story": _codes([i.story_id for i in items]),
                 "days": np.array([i.days for i in items], dtype=np.int64)}
        kept = [self._block(start, min(n, start + BLOCK), local, ours, quotes, facts) for start in range(0, n, BLOCK)]
        rows, cols, values, forced = (np.concatenate([k[m] for k in kept]) if kept else np.zeros(0, int)
                                      for m in range(4))
        if self.neighbours:
            crowd = 0.5 * (self.density[rows] + self.density[cols])
            keep = (values >= crowd) | forced.astype(bool)
            for a, b, v, c in zip(rows[~keep].tolist(), cols[~keep].tolist(), values[~keep].tolist(), crowd[~keep].tolist()):
                for x, y in ((a, b), (b, a)):
                    if v > self.crowded.get(x, (-1.0,))[0]:
                        self.crowded[x] = (v, y, c)
            rows, cols, values = rows[keep], cols[keep], values[keep]
        upper = coo_matrix((values.astype(float), (rows, cols)), shape=(n, n))
        return (upper + upper.T).tocsr()

    def _block(self, start: int, stop: int, local, ours, quotes, facts: dict) -> tuple:
        """(rows, columns, similarities, forced) of the close pairs (row < column) of rows start..stop
        (forced: joined by a quotation or the index's decision across languages, whatever the
        neighbourhood); records each row's neighbourhood density."""
        def pairs_of(name: str) -> np.ndarray:
            return facts[name][start:stop, None], facts[name][None, :]

        sim = 0.5 * ((local[start:stop] @ local.T).toarray() + (ours[start:stop] @ ours.T).toarray())
        if self.meaning is not None:
            vectors, weight = self.meaning
            sim = (1.0 - weight) * sim + weight * np.maximum(vectors[start:stop] @ vectors.T, 0.0)
        (g, g2), (d, d2), (a, a2) = pairs_of("guessed"), pairs_of("day"), pairs_of("arrived")
        gap = np.where(g | g2, np.abs(a - a2), np.abs(d - d2))  # by arrival when a date is a guess (index.When)
        same_outlet = np.equal(*pairs_of("outlet"))
        sim *= 0.5 ** (gap / self.half_life) * np.where(same_outlet, SAME_OUTLET, 1.0)
        sim[gap > self.window] = 0.0
        sim = self._other_days(sim, start, g | g2, *pairs_of("days"))
        if self.neighbours:
            self.density[start:stop] = _density(sim, start, self.neighbours)
        shared = (quotes[start:stop] @ quotes.T).toarray() > 0
        forced = (shared | (np.not_equal(*pairs_of("language")) & np.equal(*pairs_of("story")))) & (gap <= self.window)
        sim = np.where(forced, np.maximum(sim, self.threshold), sim)
        i, j = np.nonzero(sim >= self.threshold)
        upper = start + i < j
        i, j = i[upper], j[upper]
        quoted = shared[i, j]
        self.quoted.update(zip((start + i[quoted]).tolist(), j[quoted].tolist()))
        return start + i, j, sim[i, j], forced[i, j]

    def _other_days(self, sim: np.ndarray, start: int, undated: np.ndarray, days: np.ndarray,
                    others: np.ndarray) -> np.ndarray:
        """The block's similarities with pairs whose texts both name days of the week, none the same,
        scaled by `other_day` (two developments of one thread: the House vote on Tuesday, the
        Senate's on Thursday), when one of the two has no date of its own (dated articles are
        kept apart by their dates; their texts name the days of reactions too); records each
        row's closest pair this took under the threshold."""
        if self.other_day >= 1.0:
            return sim
        differ = undated & (days != 0) & (others != 0) & ((days & others) == 0)
        lost = differ & (sim >= self.threshold) & (sim * self.other_day < self.threshold)
        for i, j in zip(*np.nonzero(lost)):
            if sim[i, j] > self.other_days.get(start + int(i), (-1.0,))[0]:
                self.other_days[start + int(i)] = (float(sim[i, j]), int(j))
        return np.where(differ, sim * self.other_day, sim)

    def closeness(self, component: list[int]) -> np.ndarray:
        """The dense pair similarities of a connected set, pairs whose headlines name different entities
        of one template (link.different_entities) set to 0 and kept in `apart`."""
        sub = self.matrix[component][:, component].toarray()
        for a, b in zip(*np.nonzero(np.triu(sub))):
            why = different_entities(self.items[component[a]].title, self.items[component[b]].title)
            if why:
                sub[a, b] = sub[b, a] = 0.0
                self.apart[(component[a], component[b])] = why
                self.blocked.setdefault(component[a], []).append((component[b], why))
                self.blocked.setdefault(component[b], []).append((component[a], why))
        return sub


def _density(sim: np.ndarray, start: int, k: int) -> np.ndarray:
    """Each row's mean similarity with its k closest other articles (an article with fewer
    neighbours counts the missing ones as 0): how crowded its part of the window is."""
    rows = np.maximum(sim, 0.0)  # the one copy of the block this takes (partitioned in place)
    rows[np.arange(len(rows)), start + np.arange(len(rows))] = 0.0
    n, m = rows.shape[1], min(k, rows.shape[1])
    rows.partition(n - m, axis=1)
    return rows[:, n - m:].sum(axis=1) / k


def _codes(values: list[str]) -> np.ndarray:
    """An integer code per value (equal values, equal codes)."""
    return np.unique(np.array(values, dtype=object).astype(str), return_inverse=True)[1]


def groups(pairs: Pairs) -> list[list[int]]:
    """Complete-link groups of the batch (indices), each connected set of pairs on its own; a set
    larger than MAX_GROUP keeps the index's stories."""
    count, labels = connected_components(pairs.matrix, directed=False)
    members: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        members[int(label)].append(index)
    out = []
    for label in range(count):
        component = members[label]
        if len(component) == 1:
            out.append(component)
            continue
        if len(component) > MAX_GROUP:
            by_story: dict[str, list[int]] = defaultdict(list)
            for i in component:
                by_story[pairs.items[i].story_id].append(i)
            out.extend(by_story.values())
            continue
        distances = 1.0 - pairs.closeness(component)
        np.fill_diagonal(distances, 0.0)
        tree = linkage(squareform(np.clip(distances, 0.0, 1.0), checks=False), method="complete")
        cut = fcluster(tree, 1.0 - pairs.threshold + 1e-9, criterion="distance")
        by_cut: dict[int, list[int]] = defaultdict(list)
        for index, c in zip(component, cut):
            by_cut[int(c)].append(index)
        out.extend(by_cut.values())
    return sorted(out, key=lambda g: (-sum(pairs.items[i].weight for i in g), min(g)))


def story_ids(items: list[Item], found: list[list[int]], new_id) -> list[str]:
    """A story id for each group: the story most of its articles (copies counted) were in, larger groups choosing
    first (ties: the story founded first), else a new id from the group's first article (one that no
    story of the batch had: the index may have given that article's id to a story kept by another group)."""
    taken: set[str] = set()
    existing = {item.story_id for item in items}
    out = []
    for group in found:
        votes: Counter[str] = Counter()
        for i in group:
            votes[items[i].story_id] += items[i].weight
        founded = {items[i].story_id: items[i].founded for i in group}
        choice = next((sid for sid, _ in sorted(votes.items(), key=lambda kv: (-kv[1], founded[kv[0]], kv[0]))
                       if sid not in taken), None)
        if choice is None:
            first = items[min(group, key=lambda i: (items[i].day, items[i].article_id))].article_id
            choice = next(c for c in (new_id(first if n == 0 else f"{first}#{n}") for n in range(len(items) + 1))
                          if c not in taken and c not in existing)
        taken.add(choice)
        out.append(choice)
    return out


def moves(items: list[Item], pairs: Pairs, found: list[list[int]], ids: list[str]) -> list[Move]:
    """Each article's story after the batch, with the member it matched best and the evidence."""
    story_of = {i: sid for group, sid in zip(found, ids) for i in group}
    out = []
    for group, sid in zip(found, ids):
        sub = pairs.matrix[group][:, group].toarray()  # one dense look-up per group, not per pair
        low = float(sub[np.triu_indices(len(group), 1)].min()) if len(group) > 1 else 0.0
        stories = sorted({items[j].story_id for j in group})
        for k, i in enumerate(group):
            row = sub[k].copy()
            row[k] = -1.0
            best = int(np.argmax(row))
            closest = (group[best], float(row[best])) if len(group) > 1 else None
            out.append(_move(items, pairs, i, (sid, len(group), low, stories), closest, story_of))
    return out


def _move(items, pairs: Pairs, i: int, story: tuple, closest: tuple | None, story_of: dict[int, str]) -> Move:
    """One article's move and its reason; `story`: (id, size, lowest pair, index stories it joins)."""
    t = pairs.threshold
    sid, size, low, stories = story
    apart = _kept_apart(items, pairs, i, story_of)
    if closest is None:
        return Move(items[i].article_id, sid, None, None, f"regrouped at build: a story of its own (no article of "
                    f"the window reaches {t} with it, or every pair of a story must){apart}")
    best, similarity = closest
    words = shared_terms(items[i].vector, items[best].vector)
    evidence = f"shares a quotation with {items[best].article_id}" if (min(i, best), max(i, best)) in pairs.quoted \
        else f"shared terms {', '.join(words) or 'none'}"
    origin = f"; merges {len(stories)} stories of the index: {', '.join(stories)}" if len(stories) > 1 else ""
    return Move(items[i].article_id, sid, items[best].article_id, round(similarity, 4),
                f"regrouped at build: closest article {items[best].article_id} at {similarity:.2f} ({evidence}); "
                f"complete link: all {size} articles pairwise >= {t} (lowest {low:.2f}){origin}{apart}")


def _kept_apart(items, pairs: Pairs, i: int, story_of: dict[int, str]) -> str:
    """Why the closest article of another story is not in this one ('' when none came near)."""
    row = pairs.matrix.getrow(i)
    outside = [(v, int(j)) for j, v in zip(row.indices, row.data)
               if story_of[int(j)] != story_of[i] and (min(i, j), max(i, j)) not in pairs.apart]
    blocked = pairs.blocked.get(i, [])
    parts = []
    if outside:
        v, j = max(outside)
        parts.append(f"kept apart from story {story_of[j]}: its article {items[j].article_id} is at {v:.2f}, "
                     f"but not every pair of the two reaches {pairs.threshold}")
    if blocked:
        j, why = blocked[0]
        parts.append(f"kept apart from story {story_of[j]}: {why}")
    if i in pairs.crowded and story_of[pairs.crowded[i][1]] != story_of[i]:
        v, j, crowd = pairs.crowded[i]
        parts.append(f"kept apart from story {story_of[j]}: its article {items[j].article_id} is at {v:.2f}, "
                     f"no closer than the two articles' {pairs.neighbours} nearest neighbours ({crowd:.2f}): one topic, "
                     f"not one event")
    if i in pairs.other_days and story_of[pairs.other_days[i][1]] != story_of[i]:
        v, j = pairs.other_days[i]
        parts.append(f"kept apart from story {story_of[j]}: its article {items[j].article_id} is at {v:.2f}, but the two "
                     f"name different days ({_day_names(items[i].days)}; {_day_names(items[j].days)}): counted "
                     f"{pairs.other_day:g} of it, two developments of one thread")
    return "".join("; " + p for p in parts)


def _day_names(mask: int) -> str:
    """The days of a terms.mentioned_days mask, in English ("Tuesday, Thursday")."""
    return ", ".join(name for day, name in enumerate(calendar.day_name) if mask >> day & 1)


def regroup(items: list[Item], threshold: float, half_life: float, window_days: int, new_id,
            neighbours: int = 0, meaning: tuple[np.ndarray, float] | None = None, other_day: float = 1.0) -> list[Move]:
    """The moves that group a batch of unsent articles again (every article gets one); `meaning`:
    the items' sentence embeddings and their weight (embed.py), when used."""
    if not items:
        return []
    pairs = Pairs(items, threshold, half_life, window_days, neighbours, meaning, other_day)
    found = groups(pairs)
    return moves(items, pairs, found, story_ids(items, found, new_id))


def batch_items(corpus: Corpus, articles: list[Article], sent: set[str]) -> list[Item]:
    """The articles a build may group again: not copies (they follow their original), with terms,
    in a story no digest carried."""
    candidates = [a for a in articles if not a.copy_of and a.story_id and a.story_id not in sent]
    rows = {r[0]: r for r in tables.member_rows(corpus, [a.id for a in candidates])}
    copies = Counter(a.copy_of for a in articles if a.copy_of)
    df = DocFreq(corpus)
    items = []
    for article in candidates:
        row = rows.get(article.id)
        if row is None or row[3] == "{}":
            continue
        when = When.of(article)
        terms = json.loads(row[3])
        vector = df.weights(terms, article.language)
        items.append(Item(article.id, row[1], when.day, when.guessed, when.arrived,
                          article.title, terms, vector, row[4], article.outlet or "", article.language, 1 + copies[article.id],
                          mentioned_days(f"{article.title}\n{article.body}")))
    return items


def regroup_unsent(corpus: Corpus, config: Config, articles: list[Article], sent: set[str]) -> dict[str, str]:
    """Group the unsent stories of these articles again and record it; {article id: story id} of
    every article whose story changed (copies follow their original)."""
    settings = config.settings.stories
    items = batch_items(corpus, articles, sent)
    meaning = None
    if settings.regroup_embeddings and items:
        from digest.stories.embed import embed  # loads torch: only when asked for
        text_of = {a.id: f"{a.title}\n{a.body}" for a in articles}
        meaning = (embed([text_of[i.article_id] for i in items]), settings.regroup_embeddings)
    found = regroup(items, settings.regroup_similarity, settings.regroup_half_life_days, settings.window_days,
                    lambda key: new_story_id(replace(articles[0], id=key)), settings.regroup_neighbours, meaning,
                    settings.regroup_other_day)
    title_of = {a.id: a.title for a in articles}
    titles = {m.story_id: title_of[m.article_id] for m in found}
    with corpus.transaction():
        tables.regroup(corpus, [(m.article_id, m.story_id, m.matched_article_id, m.similarity, m.reason)
                                for m in found], titles, utcnow().isoformat())
    moved = {m.article_id: m.story_id for m in found}
    before = {i.article_id: i.story_id for i in items}
    changed = {aid: sid for aid, sid in moved.items() if before[aid] != sid}
    for article in articles:
        if article.copy_of in changed and article.story_id == before.get(article.copy_of):
            changed[article.id] = changed[article.copy_of]
    return changed
