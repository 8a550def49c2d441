"""Group articles from different outlets about one event into stories (stable ids).

Each article becomes a sparse TF-IDF vector over its words, with names, places and
numbers weighted up (capitalised words inside a sentence, tokens with digits), since
different outlets describing one event share few phrases but the same actors, places
and figures. IDF combines the corpus's own running document frequencies (persisted)
with a background prior from general word frequencies (wordfreq), so it works from
the very first article. The stories whose centroids are
closest (an inverted index over the members within `[stories] window_days` of its date)
are candidates, and the article joins the candidate whose most recent members
(`[stories] recent_members`) it matches best on average, when that average cosine reaches
`[stories] similarity` (`stories/link.py`): evidence against members, not a drifting
centroid; a member days away counts less (`[stories] half_life_days`), a quotation shared
with a member is enough. A story spans at most `[stories] max_span_days`, and headlines that
name different entities of one template never share a story. Only stories inside the window
are ever compared, so the cost does not grow with the corpus; of a story, only its newest
`[stories] compared_members` held, so it does not grow with the story either.

The terms themselves come from `stories/terms.py` (they depend on the text alone).

Speed without changing a decision: story centroids are kept as running sums extended
in member order (bit for bit a recount), and term and line lists go to SQLite as one
JSON array (json_each), so one prepared statement serves any count. Inside
`StoryIndex.batch()` (the inbox's batch transaction) df counts and seen lines are held
in memory and written once at its end; terms worked out ahead in a reader process
(`terms.TextTerms`) can be offered, and their background priors are kept with the
new member, so its vector is weighed later without looking them up again.
"""
from __future__ import annotations

import hashlib
import heapq
import json
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from sys import intern
from typing import Iterable, Iterator

from digest.config import Config
from digest.models import Article, article_day, utcnow
from digest.store import story_tables as tables
from digest.store.corpus import Corpus
from digest.stories.docfreq import TOP_TERMS, DocFreq
from digest.stories.follow import Follows
from digest.stories.link import (
    average_link,
    compared,
    cosine,
    different_entities,
    joined_span,
    shared_terms,
    span_days,
)
from digest.stories.terms import (
    QUOTE_PREFIX,
    TextTerms,
    article_terms,
    body_lines,
)
from digest.stories.vectors import add_vectors, cosine_in_order, normalised_top

QUERY_TERMS = 24      # highest-weighted terms used to look up candidate stories
MAX_POSTINGS = 500    # a query term in more window stories than this is skipped in the lookup
MAX_CANDIDATES = 30   # stories given a full cosine, best term overlap first
SUMS_PER_STORY = 4    # member sets whose vector sums are cached per story
CACHED_STORIES = 2000  # stories whose sums are cached, the least recently used dropped: bounds memory
MAX_LINKED = 6        # closest candidates (by centroid) compared with their members


@dataclass(frozen=True)
class StoryDecision:
    """Which story an article joins and why."""

    story_id: str
    matched_article_id: str | None = None
    similarity: float | None = None
    is_new: bool = True
    reason: str = ""
    merged: tuple[str, ...] = ()  # stories this article bridged, merged into story_id


def new_story_id(article: Article) -> str:
    """A stable story id derived from its founding article."""
    return "s" + hashlib.sha256(article.id.encode()).hexdigest()[:11]


# --- the index ---------------------------------------------------------------------


@dataclass
class _Member:
    """A story member held in memory while its days are inside some article's window."""

    story_id: str
    day: date
    terms: dict[str, float]
    language: str
    title: str = ""
    arrived: date | None = None  # ingestion day
    guessed: bool = False  # `day` is a guess (the file's modification time), not a date the text gave
    vector: dict[str, float] | None = None  # TF-IDF weights, computed on first use
    priors: tuple[float, ...] | None = None  # the terms' background priors in their order, when known


@dataclass(frozen=True)
class When:
    """When an article happened, for the window: its day, the day it arrived, whether the day is a guess.

    Two articles are in one window when their days are at most `window_days` apart, or,
    when either day is a guess, when they arrived at most `window_days` apart: a guessed
    day says nothing about the event, the arrival says the articles came in together."""

    day: date
    arrived: date
    guessed: bool

    @classmethod
    def of(cls, article: Article) -> "When":
        """The window facts of an article."""
        arrived = (article.ingested_at or utcnow()).date()
        return cls(article_day(article), arrived, bool(article.published_is_guess))

    def days_from(self, member: _Member) -> int:
        """Days between the article and a member: by arrival when either day is a guess."""
        if (self.guessed or member.guessed) and member.arrived is not None:
            return abs((member.arrived - self.arrived).days)
        return abs((member.day - self.day).days)

    def near(self, member: _Member, window_days: int) -> bool:
        """Whether a member lies within this article's window."""
        if abs((member.day - self.day).days) <= window_days:
            return True
        return (self.guessed or member.guessed) and member.arrived is not None and \
            abs((member.arrived - self.arrived).days) <= window_days


class StoryIndex:
    """Finds the story an incoming article belongs to."""

    def __init__(self, corpus: Corpus, config: Config):
        self.corpus = corpus
        self.threshold = config.settings.stories.similarity
        self.window_days = config.settings.stories.window_days
        self.max_span = config.settings.stories.max_span_days
        self.recent = config.settings.stories.recent_members
        self.held_max = config.settings.stories.held_members
        self.compared_max = config.settings.stories.compared_members
        self.half_life = config.settings.stories.half_life_days
        self.follow_similarity = config.settings.stories.follow_similarity
        self._batching = False
        self._start_fresh()

    def hand_over(self, after: int | None, upto: int) -> None:
        """Another worker had the turn: take in the articles it stored (rowids in (after, upto]) as if
        this worker had stored them: held where their days are loaded, extending spans and followed
        stories, their terms counted (document frequencies read again as used). Everything is read
        again instead when stories were merged, regrouped or followed meanwhile, or nothing was seen yet."""
        if after is None or tables.changes(self.corpus) != self._changes:
            self._start_fresh()
            return
        if upto == after:
            return
        self.df.refresh()
        for aid, story_id, mday, terms, language, title, ingested, guessed in \
                tables.members_after(self.corpus, after, upto):
            day = date.fromisoformat(mday)
            if story_id in self._spans and not guessed:
                self._spans[story_id] = joined_span(self._spans[story_id], (day, day))
            if terms == "{}":  # a copy: no terms of its own
                continue
            terms = {intern(t): w for t, w in json.loads(terms).items()}
            self._follows.add(aid, story_id, terms, language or "und", title or "")
            arrived = date.fromisoformat(ingested[:10])
            if (day in self._loaded or arrived in self._arrivals) and aid not in self._members:
                self._add_member(aid, _Member(story_id, day, terms, language, title or "", arrived, bool(guessed)))

    def _start_fresh(self) -> None:
        """Empty the in-memory state: the corpus is read again as needed."""
        self._changes = tables.changes(self.corpus)  # the story changes this memory reflects
        self.df = DocFreq(self.corpus)
        self._follows = Follows(self.corpus, self.follow_similarity)
        self._members: dict[str, _Member] = {}
        self._stories: dict[str, list[str]] = {}
        self._postings: dict[str, set[str]] = {}
        self._loaded: set[date] = set()
        self._arrivals: dict[date, bool] = {}  # arrival days loaded -> all members (else only guessed ones)
        self._pending: dict[str, tuple[dict[str, float], dict[str, float], tuple[int, ...]]] = {}
        self._lines: Counter[int] = Counter()  # seen-line counts not written yet
        self._offered: dict[tuple[str, str, str], TextTerms] = {}  # by (title, body, language)
        # story -> {members: (their vector sum, centroid)}, a few member sets each (articles of
        # different days see different members); a sum is extended in place when members join
        self._centroids: dict[str, dict[tuple[str, ...], tuple[dict[str, float], dict[str, float]]]] = {}
        # story -> (member list object, its length, when, members in that window)
        self._windows: dict[str, tuple[list[str], int, When, list[str]]] = {}
        self._spans: dict[str, tuple[date, date]] = {}  # story -> (first, last) day of all its members

    @contextmanager
    def batch(self) -> Iterator["StoryIndex"]:
        """Hold df counts and seen lines in memory while the block runs, then write them at once.

        Enter it inside the caller's transaction, so the writes land before its commit;
        articles inside the block see the ones before them as if each had been written.
        On an error the held writes are dropped and the memory state is read again."""
        self._batching = True
        try:
            yield self
            self.flush()
        except BaseException:
            self._start_fresh()
            raise
        finally:
            self._batching = False

    def flush(self) -> None:
        """Write held df counts and seen lines (caller's transaction); forget unused offers."""
        self.df.flush()
        self._offered.clear()
        if self._lines:
            tables.add_seen_lines(self.corpus, self._lines)
            self._lines = Counter()

    def assign(self, article: Article) -> StoryDecision:
        """Story of a new article; a copy joins its original's story."""
        terms, keys, priors = self._terms(article)
        vector = self.df.weights(terms, article.language, priors)
        self._pending[article.id] = (terms, vector, keys, priors)
        if article.copy_of:
            original = self.corpus.article(article.copy_of)
            if original and original.story_id and not different_entities(article.title, original.title):
                return StoryDecision(original.story_id, original.id, 1.0, False,
                                     f"copy of {original.id}, which is in story {original.story_id}")
        when = When.of(article)
        self._load_window(when)
        linked, apart = self._linked(vector, when, article.title, self._scores(vector, when))
        if linked and linked[0][0] >= self.threshold:
            similarity, story_id, recent, matched, evidence = linked[0]
            merged = self._unsent(story_id, self._merges(linked))
            into = self._sent_or_oldest((story_id, *merged))
            merged = tuple(m for m in (story_id, *merged) if m != into)
            bridged = f"; bridges and merges {', '.join(merged)} into {into}" if merged else ""
            return StoryDecision(into, matched, round(similarity, 4), False,
                                 f"average cosine {similarity:.2f} >= {self.threshold} with the {len(recent)} "
                                 f"recent member(s) of story {story_id} (closest article {matched}, sharing "
                                 f"{', '.join(shared_terms(vector, self._vector(self._members[matched])))})"
                                 f"{evidence}{bridged}{apart}",
                                 merged)
        followed = self._follows.match(vector, article.title, self.df.weights)
        if followed:
            return StoryDecision(followed.story_id, followed.article_id, round(followed.similarity, 4), False,
                                 f"continues followed story {followed.story_id} past the window: "
                                 f"{followed.evidence} with article {followed.article_id}{apart}")
        closest = f"; closest story {linked[0][1]} at {linked[0][0]:.2f}" if linked else ""
        return StoryDecision(new_story_id(article), None, round(linked[0][0], 4) if linked else None,
                             True, f"new story: no story within {self.window_days} days reaches "
                             f"{self.threshold}{closest}{apart}")

    def remember(self, article: Article, decision: StoryDecision) -> None:
        """Persist membership, term vector, df counts and the story row (caller's transaction).

        A copy is recorded as a member without terms: its text is its original's, so it
        must count neither twice in the story's centroid nor in document frequencies.
        """
        pending = self._pending.pop(article.id, None)
        if pending is None:
            terms, keys, _ = self._terms(article)
            pending = (terms, None, keys, None)
        terms, vector, keys, priors = pending
        day = article_day(article)
        if vector is None:
            vector = self.df.weights(terms, article.language)
        stored = {} if article.copy_of else {t: round(terms[t], 4) for t in vector}
        tables.save_member(self.corpus, (article.id, decision.story_id, day.isoformat(), decision.matched_article_id,
                                         decision.similarity, int(decision.is_new), decision.reason,
                                         json.dumps(stored, sort_keys=True)), article.title, utcnow().isoformat())
        if not article.copy_of:
            self.df.add(terms, loaded=True)  # weighed above or by assign, by this DocFreq
            self._lines.update(keys)
            if not self._batching:
                self.flush()
        self._follows.add(article.id, decision.story_id, stored, article.language, article.title)
        if decision.merged:
            self._merge(decision.story_id, decision.merged)
        if decision.story_id in self._spans and not article.published_is_guess:
            self._spans[decision.story_id] = joined_span(self._spans[decision.story_id], (day, day))
        self._keep_member(article, decision.story_id, stored, (terms, priors))

    def _keep_member(self, article: Article, story_id: str, stored: dict[str, float],
                     known: tuple[dict[str, float], tuple[float, ...] | None]) -> None:
        """Hold a new member in memory when its day or arrival is loaded; `known`: the article's
        terms and their priors (None if not worked out), so its vector needs no prior lookups."""
        when = When.of(article)
        if not stored or not (when.day in self._loaded or when.arrived in self._arrivals):
            return
        terms, priors = known
        if priors is not None:
            by_term = dict(zip(terms, priors))
            priors = tuple(map(by_term.__getitem__, stored))
        self._add_member(article.id, _Member(story_id, when.day, stored, article.language, article.title,
                                             when.arrived, when.guessed, priors=priors))

    def offer(self, text: TextTerms) -> None:
        """Take terms worked out ahead for an article about to be assigned; used once, if its
        text is unchanged by then and none of its lines was seen before (else recounted)."""
        self._offered[(text.title, text.body, text.language)] = text

    def _terms(self, article: Article) -> tuple[dict[str, float], tuple[int, ...], tuple[float, ...] | None]:
        """An article's term frequencies without its seen lines, its line keys, and the terms'
        priors when they were worked out ahead (None: DocFreq.weights looks them up)."""
        ready = self._offered.pop((article.title, article.body, article.language), None)
        lines = None if ready else body_lines(article.body)
        keys = ready.line_keys if ready else tuple(key for key, _ in lines)
        skip = self._seen_lines(keys)
        if ready and not skip:
            return ready.terms, keys, ready.priors
        return article_terms(article, skip, lines), keys, None

    # window ----------------------------------------------------------------------
    def _seen_lines(self, keys: tuple[int, ...]) -> frozenset[int]:
        """Lines already carried by an earlier article that is not a copy: site boilerplate
        (footers, banners, newsletter blurbs), left out so it cannot glue unrelated stories."""
        keys = set(keys)
        held = {key for key in keys if key in self._lines}
        keys = sorted(keys - held)
        if not keys:
            return frozenset(held)
        return frozenset(held.union(tables.seen_lines(self.corpus, keys)))

    def _load_window(self, when: When) -> None:
        """Bring into memory, once each, the members of days within the window of the article's
        day, and those that arrived within the window of its arrival: all of them when its
        day is a guess, else those whose own day is a guess; only the most recent of them when
        memory would hold more than `[stories] held_members` (_hold_newest)."""
        days = [when.day + timedelta(days=d) for d in range(-self.window_days, self.window_days + 1)]
        arrivals = [when.arrived + timedelta(days=d) for d in range(-self.window_days, self.window_days + 1)]
        missing = [d for d in days if d not in self._loaded]
        held = True
        if missing:
            self._loaded.update(missing)
            held = self._load(tables.members_by_day(self.corpus, min(missing).isoformat(), max(missing).isoformat()))
        missing = [d for d in arrivals if d not in self._arrivals or (when.guessed and not self._arrivals[d])]
        if missing and held:
            for d in missing:
                self._arrivals[d] = self._arrivals.get(d, False) or when.guessed
            held = self._load(tables.members_by_arrival(self.corpus, min(missing).isoformat(),
                                                        (max(missing) + timedelta(days=1)).isoformat(),
                                                        not when.guessed))
        if not held or len(self._members) > self.held_max:
            self._hold_newest(when, days, arrivals)

    def _hold_newest(self, when: When, days: list[date], arrivals: list[date]) -> None:
        """Memory holds more members than `[stories] held_members`: forget them all, then hold the
        window of this article again, only its most recent arrivals (three quarters of the limit,
        so the next refill is that many articles away); the others stay in the corpus, no longer
        compared. Vectors are weighed again as used, with the document frequencies of now."""
        self._members, self._stories, self._postings = {}, {}, {}
        self._centroids, self._windows = {}, {}
        self._loaded = set(days)
        self._arrivals = dict.fromkeys(arrivals, when.guessed)
        self._load(tables.newest_in_window(self.corpus, (days[0].isoformat(), days[-1].isoformat()),
                                           (arrivals[0].isoformat(), (arrivals[-1] + timedelta(days=1)).isoformat()),
                                           when.guessed, self.held_max * 3 // 4))

    def _load(self, rows: Iterable[tuple]) -> bool:
        """Bring these stored members into memory (those not there yet); False when it stopped
        early, memory holding more than `[stories] held_members` (the rows left are not read)."""
        for aid, story_id, mday, terms, language, title, ingested, guessed in rows:
            if len(self._members) > self.held_max:
                return False
            if aid not in self._members and terms != "{}":
                arrived = date.fromisoformat(ingested[:10])
                terms = {intern(t): w for t, w in json.loads(terms).items()}  # one string per term, not per member
                self._add_member(aid, _Member(story_id, date.fromisoformat(mday), terms, language,
                                              title or "", arrived, bool(guessed)))
        return True

    def _add_member(self, article_id: str, member: _Member) -> None:
        """Index one member for candidate lookup."""
        self._members[article_id] = member
        self._stories.setdefault(member.story_id, []).append(article_id)
        postings, story_id = self._postings, member.story_id
        for term in member.terms:
            stories = postings.get(term)
            if stories is None:
                postings[term] = {story_id}
            else:
                stories.add(story_id)

    def _scores(self, vector: dict[str, float], when: When) -> list[tuple[float, str, list[str]]]:
        """(cosine with centroid, story, members in window) of the likeliest stories, best first.

        Stories are first ranked by the weight of the article's top terms they contain (an
        inverted index over the window); only the best MAX_CANDIDATES get a full cosine.
        """
        query = islice(vector, QUERY_TERMS)  # a vector from DocFreq.weights is heaviest first
        overlap: dict[str, float] = {}
        for term in query:
            stories = self._postings.get(term, ())
            if len(stories) > MAX_POSTINGS:
                continue  # a term in that many stories of the window does not pick one out
            weight = vector[term]
            for story_id in stories & overlap.keys():  # the same sums as adding to 0.0 one by one
                overlap[story_id] += weight
            overlap.update(dict.fromkeys(stories - overlap.keys(), weight))  # set operations: C loops
        if len(overlap) > MAX_CANDIDATES:  # only stories tied with or above the last place can rank
            cutoff = heapq.nlargest(MAX_CANDIDATES, overlap.values())[-1]
            overlap = {sid: v for sid, v in overlap.items() if v >= cutoff}
        ranked = sorted(overlap, key=lambda sid: (-overlap[sid], sid))[:MAX_CANDIDATES]
        scored = []
        order = {t: i for i, t in enumerate(vector)}.__getitem__
        for story_id in ranked:
            members = self._in_window(story_id, when)
            if members:
                scored.append((cosine_in_order(vector, self._centroid_of(story_id, members), order),
                               story_id, members))
        return sorted(scored, key=lambda x: (-x[0], x[1]))

    def _in_window(self, story_id: str, when: When) -> list[str]:
        """Members of a story within the article's window, of its newest `[stories] compared_members`
        held (link.compared: the cost per article does not grow with the story), cached until it changes."""
        everyone = self._stories[story_id]
        cached = self._windows.get(story_id)
        if cached and cached[0] is everyone and cached[1] == len(everyone) and cached[2] == when:
            return cached[3]
        members = [m for m in compared(everyone, self.compared_max) if when.near(self._members[m], self.window_days)]
        self._windows[story_id] = (everyone, len(everyone), when, members)
        return members

    def _centroid_of(self, story_id: str, members: list[str]) -> dict[str, float]:
        """A story's centroid over the given members, cached until they change."""
        return self._sum_of(story_id, members)[1]

    def _sum_of(self, story_id: str, members: list[str]) -> tuple[dict[str, float], dict[str, float]]:
        """(vector sum, centroid) of a story's members; members appended since last time
        are added to the cached sum, in the same order a full recount would add them."""
        key = tuple(members)
        cached = self._centroids.pop(story_id, None)
        cached = self._centroids[story_id] = {} if cached is None else cached  # used last: kept longest
        if len(self._centroids) > CACHED_STORIES:  # a recount later gives the same sums, bit for bit
            del self._centroids[next(iter(self._centroids))]
        if key in cached:
            return cached[key]
        base = max((k for k in cached if key[:len(k)] == k), key=len, default=None)
        if base is not None:  # the same additions as a recount, minus those already done
            total = add_vectors(cached.pop(base)[0], map(self._vector, map(self._members.get, key[len(base):])))
        else:
            total = add_vectors({}, [self._vector(self._members[m]) for m in members])
            if len(cached) >= SUMS_PER_STORY:
                del cached[next(iter(cached))]
        cached[key] = (total, normalised_top(total, TOP_TERMS * 2))
        return cached[key]

    def _linked(self, vector: dict[str, float], when: When, title: str, scored: list) -> tuple[list, str]:
        """(average cosine with recent members, story, those members, closest member, evidence) of the
        closest candidates, best first, and why some were kept apart: a story open within its span,
        no recent member about a different entity of one headline template; a quotation shared
        with a member is enough on its own."""
        linked, apart = [], []
        quotes = {t for t in vector if t.startswith(QUOTE_PREFIX)}
        for _, story_id, members in scored[:MAX_LINKED]:
            if not when.guessed and span_days(self._span(story_id), (when.day, when.day)) > self.max_span:
                continue
            # the same members as sorted(...)[:recent] (ties in member order), without sorting a large story
            recent = heapq.nsmallest(self.recent, members, key=lambda m: when.days_from(self._members[m]))
            why = next(filter(None, (different_entities(title, self._members[m].title) for m in recent)), "")
            if why:
                apart.append(f"kept apart from story {story_id}: {why}")
                continue
            weights = [0.5 ** (when.days_from(self._members[m]) / self.half_life) for m in recent]
            score, best = average_link(vector, [self._vector(self._members[m]) for m in recent], weights)
            quoted = next((m for m in recent if quotes and not quotes.isdisjoint(self._members[m].terms)), None)
            if quoted and score < self.threshold:  # a shared quotation is strong evidence on its own
                score, best = self.threshold, recent.index(quoted)
            evidence = f"; shares a quotation with article {quoted}" if quoted else ""
            linked.append((score, story_id, recent, recent[best], evidence))
        linked.sort(key=lambda x: (-x[0], x[1]))
        return linked, "".join("; " + a for a in apart)

    def _span(self, story_id: str) -> tuple[date, date] | None:
        """(first, last) day of a story's members whose day is not a guess (None: no such member),
        all of them, read once then kept up to date."""
        if story_id not in self._spans:
            first, last = tables.dated_span(self.corpus, story_id)
            days = [m.day for m in map(self._members.get, self._stories.get(story_id, ())) if not m.guessed]
            days += [date.fromisoformat(d) for d in (first, last) if d]
            self._spans[story_id] = (min(days), max(days)) if days else None
        return self._spans[story_id]

    def _merges(self, linked: list) -> tuple[str, ...]:
        """Other stories the article bridges: it links to them as well, their recent members link to
        the joined story's on average (strong evidence), and all stay within one span."""
        _, story_id, recent, _, _ = linked[0]
        joined = [self._vector(self._members[m]) for m in recent]
        span = self._span(story_id)
        merged = []
        for score, other, other_recent, _, _ in linked[1:]:
            if score < self.threshold:
                break
            if span_days(span, self._span(other)) > self.max_span:
                continue
            cross = [average_link(self._vector(self._members[m]), joined)[0] for m in other_recent]
            if sum(cross) / len(cross) >= self.threshold:
                merged.append(other)
                span = joined_span(span, self._span(other))
        return tuple(merged)

    def _unsent(self, story_id: str, merged: tuple[str, ...]) -> tuple[str, ...]:
        """The bridged stories that may be merged: a story a digest carried keeps its id and articles,
        so none is merged into another (at most one sent story among them, which the others join)."""
        if not merged:
            return merged
        sent = tables.sent(self.corpus, [story_id, *merged])
        keep = [m for m in merged if m not in sent]
        if sent and story_id not in sent:  # the joined story is unsent: one sent story may absorb it
            keep.append(min(sent & set(merged)))
        return tuple(keep)

    def _sent_or_oldest(self, story_ids: tuple[str, ...]) -> str:
        """The story a merge keeps: the one a digest carried, else the first created, so known ids stay stable."""
        if len(story_ids) == 1:
            return story_ids[0]
        sent = tables.sent(self.corpus, list(story_ids))
        if sent:
            return min(sent)
        return tables.oldest(self.corpus, list(story_ids)) or story_ids[0]

    def _merge(self, into: str, others: tuple[str, ...]) -> None:
        """Move the members of bridged stories into the older story (caller's transaction)."""
        self._spans.pop(into, None)
        for other in others:
            self._centroids.pop(other, None)
            self._windows.pop(other, None)
            self._spans.pop(other, None)
            tables.merge(self.corpus, into, other)
            self._changes += 1  # this memory's own change
            for aid in self._stories.pop(other, []):
                self._members[aid].story_id = into
                self._stories.setdefault(into, []).append(aid)
                for term in self._members[aid].terms:
                    self._postings.setdefault(term, set()).discard(other)
                    self._postings[term].add(into)

    def _vector(self, member: _Member) -> dict[str, float]:
        """A member's TF-IDF vector, weighted once per run."""
        if member.vector is None:
            member.vector = self.df.weights(member.terms, member.language, member.priors)
        return member.vector
