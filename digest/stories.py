"""Group articles from different outlets about one event into stories (stable ids).

Each article becomes a sparse TF-IDF vector over its words, with names, places and
numbers weighted up (capitalised words inside a sentence, tokens with digits), since
different outlets describing one event share few phrases but the same actors, places
and figures. IDF combines the corpus's own running document frequencies (persisted)
with a background prior from general word frequencies (wordfreq), so it works from
the very first article. An article joins the most similar story whose members lie
within `[stories] window_days` of its date when the cosine with that story's centroid
reaches `[stories] similarity`; only stories inside the window are ever compared, so
the cost does not grow with the corpus.

Speed without changing a decision: each distinct (gap, token) pair of a text is
weighed once, token analysis and background priors are cached per process, story
centroids are kept as running sums extended in member order (bit for bit a recount),
and term and line lists go to SQLite as one JSON array (json_each), so one prepared
statement serves any count and the df upsert loop runs inside SQLite.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import repeat
from operator import itemgetter, mul

from .config import Config
from .corpus import Corpus, utcnow
from .dedup import _hash64, _signed, article_day, normalise
from .models import Article

_TOKEN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
# a token with the gap before it (a gap never holds a token character: no backtracking)
_GAP_TOKEN = re.compile(r"([\W_]*+)([^\W_]+(?:['’.\-][^\W_]+)*)")
_ASCII_GAP_TOKEN = re.compile(r"([^A-Za-z0-9]*+)([A-Za-z0-9]+(?:['.\-][A-Za-z0-9]+)*)")  # the same on ASCII
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_START = set(".!?:;\"“”«»—–-\n")

TITLE_WEIGHT = 2      # a headline word counts as this many body occurrences
NAME_BOOST = 2.0      # capitalised inside a sentence: people, places, organisations
NUMBER_BOOST = 1.5    # figures and dates
TOP_TERMS = 80        # terms kept per article vector (stored and compared)
QUERY_TERMS = 24      # highest-weighted terms used to look up candidate stories
MAX_POSTINGS = 500    # a query term in more window stories than this is skipped in the lookup
MAX_CANDIDATES = 30   # stories given a full cosine, best term overlap first
SUMS_PER_STORY = 4    # member sets whose vector sums are cached per story
COMMON = 1e-3         # background frequency above which a word is a function word
BACKGROUND_DOCS = 2000  # strength of the background prior, in pseudo-documents
BACKGROUND_LENGTH = 500  # words of a typical article, to turn frequencies into df
NUMBER_FREQ = 1e-5    # background frequency assumed for tokens with digits


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


# --- terms -------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _background(language: str) -> dict[str, float]:
    """General word frequencies of a language (English when unknown or unsupported)."""
    try:
        import wordfreq
    except ImportError:  # the prior is an improvement, not a requirement
        return {}
    for lang in (language, "en"):
        try:
            return wordfreq.get_frequency_dict(lang, wordlist="best")
        except (LookupError, ValueError):
            continue
    return {}


def _frequency(term: str, background: dict[str, float]) -> float:
    """Background frequency of a term; tokens with digits count as uncommon."""
    if _has_digit(term):
        return NUMBER_FREQ
    return background.get(term, 0.0)


def _has_digit(term: str) -> bool:
    """A token with a digit in it: a figure, a date, a model number."""
    return not term.isalpha() and any(map(str.isdigit, term))


# per background (by id, holding it so the id cannot be reused): its token -> (term, boost)
# and term -> prior pseudo-document frequency caches
_CACHES: dict[int, tuple[dict, dict[str, tuple[str, float] | None], dict[str, float]]] = {}
CACHE_LIMIT = 500_000  # entries per cache before it is emptied


def _caches(background: dict[str, float]) -> tuple[dict, dict]:
    """The (token -> term, term -> prior) caches of one background dict."""
    entry = _CACHES.get(id(background))
    if entry is None or entry[0] is not background:
        entry = _CACHES[id(background)] = (background, {}, {})
    return entry[1], entry[2]


def _term_cache(background: dict[str, float]) -> dict[str, tuple[str, float] | None]:
    """The token -> (term, boost) cache of one background."""
    cache = _caches(background)[0]
    if len(cache) > CACHE_LIMIT:
        cache.clear()
    return cache


def _term(token: str, background: dict[str, float]) -> tuple[str, float] | None:
    """(term, boost) of a raw token, or None for function words and single letters; cached."""
    cache = _term_cache(background)
    try:
        return cache[token]
    except KeyError:
        pass
    term = token.casefold()
    if "'" in term or "’" in term:
        term = _POSSESSIVE.sub("", term)
    term = term.strip(".")
    found = None
    number = _has_digit(term)
    if (len(term) >= 2 or term.isdigit()) and (NUMBER_FREQ if number else background.get(term, 0.0)) <= COMMON:
        found = (term, NUMBER_BOOST if number else 1.0)
    cache[token] = found
    return found


def _prior(term: str, background: dict[str, float]) -> float:
    """Pseudo-document frequency a term gets from the background prior; cached."""
    cache = _caches(background)[1]
    value = cache.get(term)
    if value is None:
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        value = cache[term] = BACKGROUND_DOCS * (
            1 - math.exp(-_frequency(term, background) * BACKGROUND_LENGTH))
    return value


def _is_name(text: str, start: int) -> bool:
    """A capitalised token not at the start of a sentence or line."""
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] not in _SENTENCE_START


def _count(text: str, weight: float, background: dict[str, float], out: dict[str, float]) -> None:
    """Add the boosted term counts of one text to `out`.

    Tokens are tallied with the gap before each (which says whether a capitalised one
    is a name: `_is_name`), so each distinct (gap, token) pair is weighed once; every
    increment is a small multiple of 0.5, so the sums are exact whatever the order.
    """
    end = len(text)
    while end and not text[end - 1].isalnum():  # trailing non-token text: keeps findall linear
        end -= 1
    pattern = _ASCII_GAP_TOKEN if text.isascii() else _GAP_TOKEN
    pairs = Counter(pattern.findall(text, 0, end))
    first = pattern.match(text, 0, end)
    if first and not first.group(1).strip(" \t"):  # nothing before the first token: not a name
        pairs[first.groups()] -= 1
        pairs[(".", first.group(2))] += 1
    cache = _term_cache(background)
    for (gap, token), n in pairs.items():
        found = cache[token] if token in cache else _term(token, background)
        if found is None or not n:
            continue
        term, boost = found
        if token[0].isupper() and gap.rstrip(" \t")[-1:] not in _SENTENCE_START:
            boost = max(boost, NAME_BOOST)
        out[term] = out.get(term, 0.0) + weight * boost * n


def body_lines(body: str) -> list[tuple[int, str]]:
    """(hash, text) of each body line of two words or more, for boilerplate recognition."""
    out = []
    for line in body.splitlines():
        norm = normalise(line)
        if " " in norm:
            out.append((_signed(_hash64(norm)), line))
    return out


def article_terms(article: Article, skip: frozenset[int] = frozenset(),
                  lines: list[tuple[int, str]] | None = None) -> dict[str, float]:
    """Boosted, sublinear term frequencies of an article's headline and body (minus `skip` lines)."""
    background = _background(article.language)
    counts: dict[str, float] = {}
    _count(article.title or "", TITLE_WEIGHT, background, counts)
    body = article.body
    if skip:
        lines = body_lines(body) if lines is None else lines
        body = "\n".join(line for key, line in lines if key not in skip)
    _count(body, 1.0, background, counts)
    return {t: 1.0 + math.log(c) if c >= 1 else c for t, c in counts.items()}


class DocFreq:
    """Document frequencies: the corpus's own, persisted, plus a background prior."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        row = corpus.db.execute("SELECT value FROM story_meta WHERE key = 'docs'").fetchone()
        self.docs = int(row[0]) if row else 0
        self._df: dict[str, int] = {}

    def _load(self, terms) -> None:
        """Fetch the stored df of terms not cached yet."""
        df = self._df
        missing = [t for t in terms if t not in df]
        if missing:  # one prepared statement whatever the count: the terms go in as a JSON array
            df.update(dict.fromkeys(missing, 0))
            rows = self.corpus.db.execute(
                "SELECT term, df FROM story_df WHERE term IN (SELECT value FROM json_each(?))",
                (json.dumps(missing, ensure_ascii=False),))
            df.update(rows.fetchall())

    def weights(self, terms: dict[str, float], language: str) -> dict[str, float]:
        """TF-IDF weights of raw term frequencies, L2-normalised, top terms only."""
        self._load(terms)
        background = _background(language)
        priors = _caches(background)[1]
        total = self.docs + BACKGROUND_DOCS + 1
        df = self._df
        log = math.log
        out = {}
        for term, tf in terms.items():
            prior = priors.get(term)
            if prior is None:
                prior = _prior(term, background)
            idf = log(total / (df[term] + prior + 1))
            if idf > 0:
                out[term] = tf * idf
        pairs = list(out.items())
        if len(pairs) > TOP_TERMS:  # only terms at or above the TOP_TERMS-th weight can be kept
            cutoff = sorted(out.values(), reverse=True)[TOP_TERMS - 1]
            pairs = [(t, w) for t, w in pairs if w >= cutoff]
        top = sorted(sorted(pairs), key=itemgetter(1), reverse=True)[:TOP_TERMS]  # ties by term
        values = [w for _, w in top]
        norm = math.sqrt(sum(map(mul, values, values))) or 1.0
        return {t: w / norm for t, w in top}

    def add(self, terms) -> None:
        """Count one more document containing `terms` (caller's transaction)."""
        terms = list(terms)
        self._load(terms)
        df = self._df
        for term in terms:
            df[term] += 1
        self.docs += 1
        self.corpus.db.execute(  # one statement for all terms: the upsert loop runs inside SQLite
            "INSERT INTO story_df SELECT value, 1 FROM json_each(?) WHERE true "
            "ON CONFLICT(term) DO UPDATE SET df = df + 1", (json.dumps(terms, ensure_ascii=False),))
        self.corpus.db.execute("INSERT OR REPLACE INTO story_meta VALUES ('docs', ?)", (str(self.docs),))


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(map(mul, a.values(), map(b.get, a, repeat(0.0))))


def _centroid(vectors: list[dict[str, float]]) -> dict[str, float]:
    """Normalised sum of member vectors, top terms only."""
    return _normalised_top(_add_vectors({}, vectors))


def _add_vectors(total: dict[str, float], vectors) -> dict[str, float]:
    """Add vectors to a running sum in place (first-seen term order, as Counter.update)."""
    get = total.get
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = weight + get(term, 0)
    return total


def _heaviest(weights: dict[str, float], n: int) -> list[tuple[str, float]]:
    """The n heaviest (term, weight) pairs, ties in dict order: Counter.most_common(n), but
    only the pairs at or above the n-th weight are sorted as pairs."""
    if len(weights) > n:
        cutoff = sorted(weights.values(), reverse=True)[n - 1]
        weights = {t: w for t, w in weights.items() if w >= cutoff}
    return sorted(weights.items(), key=itemgetter(1), reverse=True)[:n]


def _normalised_top(total: dict[str, float]) -> dict[str, float]:
    """The TOP_TERMS * 2 heaviest terms of a sum (ties: first seen), L2-normalised."""
    top = _heaviest(total, TOP_TERMS * 2)
    values = [w for _, w in top]
    norm = math.sqrt(sum(map(mul, values, values))) or 1.0
    return {t: w / norm for t, w in top}


# --- the index ---------------------------------------------------------------------


@dataclass
class _Member:
    """A story member held in memory while its days are inside some article's window."""

    story_id: str
    day: date
    terms: dict[str, float]
    language: str
    vector: dict[str, float] | None = None  # TF-IDF weights, computed on first use


class StoryIndex:
    """Finds the story an incoming article belongs to."""

    def __init__(self, corpus: Corpus, config: Config):
        self.corpus = corpus
        self.threshold = float(config.get("stories", "similarity"))
        self.window_days = int(config.get("stories", "window_days"))
        self.df = DocFreq(corpus)
        self._members: dict[str, _Member] = {}
        self._stories: dict[str, list[str]] = {}
        self._postings: dict[str, set[str]] = {}
        self._loaded: set[date] = set()
        self._pending: dict[str, tuple[dict[str, float], dict[str, float], list]] = {}
        # story -> {members: (their vector sum, centroid)}, a few member sets each (articles of
        # different days see different members); a sum is extended in place when members join
        self._centroids: dict[str, dict[tuple[str, ...], tuple[dict[str, float], dict[str, float]]]] = {}
        # story -> (member list object, its length, day, members in that day's window)
        self._windows: dict[str, tuple[list[str], int, date, list[str]]] = {}

    def assign(self, article: Article) -> StoryDecision:
        """Story of a new article; a copy joins its original's story."""
        lines = body_lines(article.body)
        terms = article_terms(article, self._seen_lines(lines), lines)
        vector = self.df.weights(terms, article.language)
        self._pending[article.id] = (terms, vector, lines)
        if article.copy_of:
            original = self.corpus.article(article.copy_of)
            if original and original.story_id:
                return StoryDecision(original.story_id, original.id, 1.0, False,
                                     f"copy of {original.id}, which is in story {original.story_id}")
        day = article_day(article)
        self._load_window(day)
        scored = self._scores(vector, day)
        if scored and scored[0][0] >= self.threshold:
            similarity, story_id, members = scored[0]
            matched = max(members, key=lambda m: (cosine(vector, self._vector(self._members[m])), m))
            merged = self._merges(vector, scored)
            into = self._oldest((story_id, *merged))
            merged = tuple(m for m in (story_id, *merged) if m != into)
            bridged = f"; bridges and merges {', '.join(merged)} into {into}" if merged else ""
            return StoryDecision(into, matched, round(similarity, 4), False,
                                 f"cosine {similarity:.2f} >= {self.threshold} with story {story_id} "
                                 f"(closest article {matched}){bridged}", merged)
        closest = f"; closest story {scored[0][1]} at {scored[0][0]:.2f}" if scored else ""
        return StoryDecision(new_story_id(article), None, round(scored[0][0], 4) if scored else None,
                             True, f"new story: no story within {self.window_days} days reaches "
                             f"{self.threshold}{closest}")

    def remember(self, article: Article, decision: StoryDecision) -> None:
        """Persist membership, term vector, df counts and the story row (caller's transaction).

        A copy is recorded as a member without terms: its text is its original's, so it
        must count neither twice in the story's centroid nor in document frequencies.
        """
        pending = self._pending.pop(article.id, None)
        if pending is None:
            lines = body_lines(article.body)
            pending = (article_terms(article, self._seen_lines(lines), lines), None, lines)
        terms, vector, lines = pending
        day = article_day(article)
        if vector is None:
            vector = self.df.weights(terms, article.language)
        stored = {} if article.copy_of else {t: round(terms[t], 4) for t in vector}
        now = utcnow().isoformat()
        db = self.corpus.db
        db.execute(
            "INSERT OR REPLACE INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, decision.story_id, day.isoformat(), decision.matched_article_id,
             decision.similarity, int(decision.is_new), decision.reason,
             json.dumps(stored, sort_keys=True), now))
        db.execute(
            "INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at",
            (decision.story_id, article.title, now, now))
        if not article.copy_of:
            self.df.add(terms)
            db.executemany(
                "INSERT INTO story_lines VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET seen = seen + 1",
                [(key,) for key, _ in lines])
        if decision.merged:
            self._merge(decision.story_id, decision.merged)
        if day in self._loaded and stored:
            self._add_member(article.id, _Member(decision.story_id, day, stored, article.language))

    # window ----------------------------------------------------------------------
    def _seen_lines(self, lines: list[tuple[int, str]]) -> frozenset[int]:
        """Lines already carried by an earlier article that is not a copy: site boilerplate
        (footers, banners, newsletter blurbs), left out so it cannot glue unrelated stories."""
        keys = sorted({key for key, _ in lines})
        if not keys:
            return frozenset()
        rows = self.corpus.db.execute(
            "SELECT key FROM story_lines WHERE key IN (SELECT value FROM json_each(?))", (json.dumps(keys),))
        return frozenset(r[0] for r in rows)

    def _load_window(self, day: date) -> None:
        """Bring the members of days within the window of `day` into memory, once per day."""
        days = [day + timedelta(days=d) for d in range(-self.window_days, self.window_days + 1)]
        missing = [d for d in days if d not in self._loaded]
        if not missing:
            return
        self._loaded.update(missing)
        rows = self.corpus.db.execute(
            "SELECT m.article_id, m.story_id, m.day, m.terms, a.language FROM story_members m "
            "JOIN articles a ON a.id = m.article_id WHERE m.day BETWEEN ? AND ?",
            (min(missing).isoformat(), max(missing).isoformat()))
        wanted = {d.isoformat() for d in missing}
        for aid, story_id, mday, terms, language in rows:
            if mday in wanted and aid not in self._members and terms != "{}":
                member = _Member(story_id, date.fromisoformat(mday), json.loads(terms), language)
                self._add_member(aid, member)

    def _add_member(self, article_id: str, member: _Member) -> None:
        """Index one member for candidate lookup."""
        self._members[article_id] = member
        self._stories.setdefault(member.story_id, []).append(article_id)
        for term in member.terms:
            self._postings.setdefault(term, set()).add(member.story_id)

    def _scores(self, vector: dict[str, float], day: date) -> list[tuple[float, str, list[str]]]:
        """(cosine with centroid, story, members in window) of the likeliest stories, best first.

        Stories are first ranked by the weight of the article's top terms they contain (an
        inverted index over the window); only the best MAX_CANDIDATES get a full cosine.
        """
        query = sorted(vector, key=lambda t: -vector[t])[:QUERY_TERMS]
        overlap: dict[str, float] = {}
        get = overlap.get
        for term in query:
            stories = self._postings.get(term, ())
            if len(stories) > MAX_POSTINGS:
                continue  # a term in that many stories of the window does not pick one out
            weight = vector[term]
            for story_id in stories:
                overlap[story_id] = get(story_id, 0.0) + weight
        if len(overlap) > MAX_CANDIDATES:  # only stories tied with or above the last place can rank
            cutoff = heapq.nlargest(MAX_CANDIDATES, overlap.values())[-1]
            overlap = {sid: v for sid, v in overlap.items() if v >= cutoff}
        ranked = sorted(overlap, key=lambda sid: (-overlap[sid], sid))[:MAX_CANDIDATES]
        scored = []
        for story_id in ranked:
            members = self._in_window(story_id, day)
            if members:
                scored.append((cosine(vector, self._centroid_of(story_id, members)), story_id, members))
        return sorted(scored, key=lambda x: (-x[0], x[1]))

    def _in_window(self, story_id: str, day: date) -> list[str]:
        """Members of a story within the window of `day`, cached until the story changes."""
        everyone = self._stories[story_id]
        cached = self._windows.get(story_id)
        if cached and cached[0] is everyone and cached[1] == len(everyone) and cached[2] == day:
            return cached[3]
        members = [m for m in everyone if abs((self._members[m].day - day).days) <= self.window_days]
        self._windows[story_id] = (everyone, len(everyone), day, members)
        return members

    def _centroid_of(self, story_id: str, members: list[str]) -> dict[str, float]:
        """A story's centroid over the given members, cached until they change."""
        return self._sum_of(story_id, members)[1]

    def _sum_of(self, story_id: str, members: list[str]) -> tuple[dict[str, float], dict[str, float]]:
        """(vector sum, centroid) of a story's members; members appended since last time
        are added to the cached sum, in the same order a full recount would add them."""
        key = tuple(members)
        cached = self._centroids.setdefault(story_id, {})
        if key in cached:
            return cached[key]
        base = max((k for k in cached if key[:len(k)] == k), key=len, default=None)
        if base is not None:  # the same additions as a recount, minus those already done
            total = _add_vectors(cached.pop(base)[0], map(self._vector, map(self._members.get, key[len(base):])))
        else:
            total = _add_vectors({}, [self._vector(self._members[m]) for m in members])
            if len(cached) >= SUMS_PER_STORY:
                del cached[next(iter(cached))]
        cached[key] = (total, _normalised_top(total))
        return cached[key]

    def _merges(self, vector: dict[str, float], scored: list) -> tuple[str, ...]:
        """Other stories the article bridges: their centroid matches the joined story's new one."""
        _, story_id, members = scored[0]
        if len(scored) < 2 or scored[1][0] < self.threshold:
            return ()  # no other story is close enough to be bridged
        joined = _normalised_top(_add_vectors(dict(self._sum_of(story_id, members)[0]), [vector]))
        merged = []
        for score, other, other_members in scored[1:]:
            if score < self.threshold:
                break
            if cosine(joined, self._centroid_of(other, other_members)) >= self.threshold:
                merged.append(other)
        return tuple(merged)

    def _oldest(self, story_ids: tuple[str, ...]) -> str:
        """The first-created of some stories: merges keep its id, so known ids stay stable."""
        if len(story_ids) == 1:
            return story_ids[0]
        row = self.corpus.db.execute(
            f"SELECT id FROM stories WHERE id IN ({','.join('?' * len(story_ids))}) "
            f"ORDER BY created_at, rowid LIMIT 1", story_ids).fetchone()
        return row[0] if row else story_ids[0]

    def _merge(self, into: str, others: tuple[str, ...]) -> None:
        """Move the members of bridged stories into the older story (caller's transaction)."""
        db = self.corpus.db
        for other in others:
            self._centroids.pop(other, None)
            self._windows.pop(other, None)
            db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into, other))
            db.execute("UPDATE story_members SET story_id = ? WHERE story_id = ?", (into, other))
            db.execute("DELETE FROM stories WHERE id = ?", (other,))
            for aid in self._stories.pop(other, []):
                self._members[aid].story_id = into
                self._stories.setdefault(into, []).append(aid)
                for term in self._members[aid].terms:
                    self._postings.setdefault(term, set()).discard(other)
                    self._postings[term].add(into)

    def _vector(self, member: _Member) -> dict[str, float]:
        """A member's TF-IDF vector, weighted once per run."""
        if member.vector is None:
            member.vector = self.df.weights(member.terms, member.language)
        return member.vector


# --- audit report ----------------------------------------------------------------------


def story_report(corpus: Corpus, lo: str, hi: str) -> list[dict]:
    """Stories with members dated lo..hi: articles, outlets and the similarity that joined them."""
    rows = corpus.db.execute(
        "SELECT m.story_id, m.article_id, m.day, m.matched_id, m.similarity, m.is_new, m.reason, "
        "a.title, a.outlet, a.copy_of, s.title AS story_title FROM story_members m "
        "JOIN articles a ON a.id = m.article_id LEFT JOIN stories s ON s.id = m.story_id "
        "WHERE m.story_id IN (SELECT story_id FROM story_members WHERE day BETWEEN ? AND ?) "
        "ORDER BY m.story_id, m.day, a.rowid", (lo, hi)).fetchall()
    stories: dict[str, dict] = {}
    for r in rows:
        story = stories.setdefault(r["story_id"], {
            "id": r["story_id"], "title": r["story_title"], "articles": [], "outlets": []})
        story["articles"].append({
            "id": r["article_id"], "title": r["title"], "outlet": r["outlet"], "day": r["day"],
            "copy_of": r["copy_of"], "founded_story": bool(r["is_new"]),
            "matched_article_id": r["matched_id"], "similarity": r["similarity"],
            "reason": r["reason"]})
        if r["outlet"] not in story["outlets"]:
            story["outlets"].append(r["outlet"])
    return sorted(stories.values(), key=lambda s: (s["articles"][0]["day"], s["id"]))
