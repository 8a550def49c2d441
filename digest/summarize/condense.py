"""Condense a story's articles into a headline, a lede and key-point sections grouped by speaker.

Extractive only: every point is a source sentence, whitespace-normalised; under a speaker's
own heading the clause naming that speaker (", Blinken told reporters.", "According to
Blinken, ...") is cut, the rest kept word for word. Sentences are scored by LexRank-style
centrality over a TF-IDF graph of all the story's sentences (edges between outlets count
fully, edges inside one article a third), by how many other outlets carry a near-repeat,
and by how early they come in their article. Points are chosen greedily by score; a
sentence that repeats a point already chosen in any section (or the lede) only adds its
article to that point's sources; a section lists its points in the order the story tells
them (their relative place in their articles). Repeats are found by close TF-IDF vectors, by most of the
IDF-weighted Snowball-stemmed content words being shared (English synonyms such as
disclose/release/publish and "U.S."/"United States" folded), or by one sentence's main
clause standing inside the other with the same polarity. Speakers come from
summarize.speakers, background and standalone tests from summarize.clauses; background
sentences (earlier dates, "since", "last week") go to a last section with speaker
"Background" and kind "background". The general section (speaker None) holds
unattributed points and self-attributed points of minor speakers; it leads when its
points outweigh the main speaker's.

Updates: given the texts an earlier digest sent of the story (`known`), sentences they carry
may become neither point nor lede and partly sent ones rank lower (summarize.novelty); the
lede is the opening of the most central new article of the first new day, and the new points
form one list in story order, without speaker sections (bench/updates.py).

Languages: a story is condensed in its dominant language, the one most of its outlets
wrote in (ties: the one with most text; articles of undetected language count for none
and are read with it). Articles in other languages stay the story's articles but give no
points, no sources, no lede and no headline: sentences cannot be compared across
languages here. Sentence splitting, stop words, speech verbs and stemming follow the
story's language (see summarize.sentences, summarize.speakers); synonym folding is English only.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from digest.config import Config
from digest.errors import ConfigError
from digest.models import Article, KeyPoint, Section, SectionKind
from digest.summarize import novelty, reading, speakers
from digest.summarize.language import dominant_language, in_language
from digest.summarize import sentences as sent
from digest.summarize.clauses import (
    YEAR,
    Gist,
    balanced,
    fold_demonyms,
    gist,
    is_background,
    is_standalone,
    restates,
)
from digest.summarize.speakers import How
from digest.text import lexicon
from digest.text.tokens import TOKEN

BACKGROUND = "Background"
MERGE_SIMILARITY = 0.38  # cosine at or above which two sentences state the same fact
SOURCE_SIMILARITY = 0.40  # cosine at or above which another article is listed as carrying a point
SUPPORT_SIMILARITY = 0.30  # cosine at or above which another outlet counts as carrying a sentence
MIN_WORDS, MAX_WORDS = 7, 60
MIN_TOPIC_HITS = 2  # keyword mentions (a title counts three times) needed to file a story under a topic
STEM = 5  # letters kept of each word: "publish" and "publicly" count as one term
NOVELTY_WEIGHT = 0.8  # in an update, salience lost per share of a sentence already sent (bench --updates, tune part)
QUOTE_PENALTY = 0.05  # preference for reported speech over direct quotes among equals
DIVERSITY = 1.0  # MMR weight of the similarity to points already chosen
REPEAT_SHARE = 0.45  # share of the shorter sentence's term weight (IDF) that makes it a repeat
REPEAT_MIN_TERMS = 3  # shared stemmed terms needed for that
# Salience of a sentence (_scores): how central it is, how many outlets carry it, how early it comes.
WEIGHT_CENTRAL, WEIGHT_SUPPORT, WEIGHT_LEAD = 0.45, 0.35, 0.2
LEAD_DECAY = 3  # a sentence's lead weight is 1 / (1 + position / LEAD_DECAY)
LONG_WORDS, LONG_SPAN, LONG_PENALTY = 35, 25, 0.15  # longer than LONG_WORDS costs up to LONG_PENALTY
FRAGMENT_PENALTY = 0.1  # an elided ("[...]") or unbalanced sentence
# LexRank (_centrality): edges below EDGE_SIMILARITY are cut, edges inside one article weigh a third.
EDGE_SIMILARITY, SAME_ARTICLE_EDGE, DAMPING, RANK_ROUNDS = 0.08, 1 / 3, 0.85, 40
LEDE_POSITION_COST = 0.3  # the lede prefers an earlier sentence by this much score per position
LEDE_PAIR_WORDS = 40  # a lede takes the next sentence too when both together are this short
# Story order (story_importance): outlets and a day of recency count alike, size counts less.
IMPORTANCE_OUTLETS, IMPORTANCE_WORDS, IMPORTANCE_DAYS = 3, 0.5, 3
# Title words that only say who someone is; words like "foreign" or "security" still carry content.
_ROLE_WORDS = frozenset(lexicon.words("en", "role_words") + lexicon.words("en", "title_links"))
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]{2}")  # Chinese/Japanese: no spaces

_DROPPED = {"boilerplate", "reporter's question", "question"}  # never candidates, not even context
_SITE_SUFFIX = re.compile(r"\s+[-|–—•]\s+([^-|–—•]{2,40})$")
_TITLE_PREFIX = re.compile(r"^(?:breaking|watch|live|update|exclusive|video|opinion)\s*[:|-]\s*",
                           re.IGNORECASE)


@dataclass(frozen=True)
class Condensed:
    """The condensation of one story."""

    title: str
    lede: str
    sections: tuple[Section, ...]
    read: tuple[str, ...] | None = None  # ids of the articles read, when a cap left some out


@dataclass(frozen=True)
class Candidate:
    """One sentence of one article, with what the summariser knows about it."""

    text: str
    article: int
    origin: str  # the original's id for a syndicated copy, else the article's own id
    position: int  # index among the article's news sentences
    speaker: str | None
    how: How
    background: bool
    standalone: bool
    eligible: bool  # may become a point (not junk, not too short or long)
    n_words: int = 0


def _published_month(article: Article) -> tuple[int, int] | None:
    """(year, month) of publication when known."""
    return (article.published.year, article.published.month) if article.published else None


def _article_candidates(index: int, article: Article, origin: str, registry: dict[str, set[str]],
                        story_year: int | None = None) -> list[Candidate]:
    """The news sentences of one article with speaker, background and clarity flags."""
    paras = sent.paragraphs(article.body, article.language, article.title)
    captions = sent.caption_paragraphs(paras)
    kept = [p for p in paras if not sent.is_heading(p) and p.index not in captions]
    # Reporters' questions and boilerplate go before attribution: "the U.S. told" in a question
    # must not lend a speaker to the answer that follows.
    rows = [[(t, n, sent.junk_reason(t, n)) for t in p.sentences for n in (sent.word_count(t),)] for p in kept]
    rows = [[r for r in row if r[2] not in _DROPPED] for row in rows]
    attributions = speakers.attribute_article([[t for t, _, _ in row] for row in rows], registry)
    published = _published_month(article)
    out: list[Candidate] = []
    for row, atts in zip(rows, attributions):
        for (text, n, reason), att in zip(row, atts):
            out.append(Candidate(
                text=text, article=index, origin=origin, position=len(out), speaker=att.speaker,
                how=att.how, background=att.speaker is None and bool(out) and is_background(
                    text, published, story_year),
                standalone=is_standalone(text, att), eligible=reason is None and MIN_WORDS <= n <= MAX_WORDS,
                n_words=n,
            ))
    return out


def _function_words(language: str) -> frozenset[str]:
    """Function words of the language (English for an undetermined one)."""
    return frozenset(ENGLISH_STOP_WORDS) if language in {"en", "und"} else frozenset(
        lexicon.words(language, "stop_words"))


@lru_cache(maxsize=64)
def _base_stop_words(language: str) -> frozenset[str]:
    """Function words of the language, speech verbs and titles: they say who spoke, not what."""
    stop = set(_function_words(language))
    stop |= {w.strip(".") for w in speakers.TITLE_WORDS}
    stop |= speakers.VERB_WORDS
    return frozenset(stop)


def _stop_words(language: str, names: set[str]) -> frozenset[str]:
    """The language's stop words plus the words of the story's speaker names."""
    return _base_stop_words(language) | {w.lower() for name in names for w in TOKEN.findall(name)}


def vectorize(texts: list[str], language: str, names: set[str] = frozenset()):
    """L2-normalised TF-IDF rows (content words only) and a transform for more text."""
    stop = _stop_words(language, set(names))

    def analyzer(text: str) -> list[str]:
        """Content words cut to their first letters (a crude stemmer for any language); CJK bigrams."""
        out = []
        for w in TOKEN.findall(text.lower()):
            if _CJK_RUN.match(w):
                out.extend(w[k:k + 2] for k in range(max(1, len(w) - 1)))
            elif w not in stop and len(w) > 1:
                out.append(w[:STEM])
        return out

    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    try:
        rows = vectorizer.fit_transform(texts)  # sparse: products stay off BLAS threads
    except ValueError:  # only stop words: every sentence is equally (un)informative
        return np.zeros((len(texts), 1)), lambda more: None
    return rows, vectorizer.transform


def _centrality(sim: np.ndarray, origins: list[str], articles: list[int]) -> np.ndarray:
    """LexRank power iteration; same-article edges weigh a third, copy-to-original edges nothing."""
    n = len(origins)
    if n == 0:
        return np.zeros(0)
    origin = np.array(origins)
    art = np.array(articles)
    weight = np.where(origin[:, None] == origin[None, :], 0.0, 1.0)
    weight[art[:, None] == art[None, :]] = SAME_ARTICLE_EDGE
    graph = np.where(sim >= EDGE_SIMILARITY, sim, 0.0) * weight
    np.fill_diagonal(graph, 0.0)
    rows = graph.sum(axis=1, keepdims=True)
    trans = np.divide(graph, rows, out=np.full_like(graph, 1 / n), where=rows > 0)
    rank = np.full(n, 1 / n)
    for _ in range(RANK_ROUNDS):
        new = (1 - DAMPING) / n + DAMPING * trans.T @ rank
        if np.abs(new - rank).sum() < 1e-6:
            rank = new
            break
        rank = new
    return rank / rank.max() if rank.max() > 0 else rank


def _support(sim: np.ndarray, origins: list[str]) -> np.ndarray:
    """Number of other outlets (original articles) with a sentence close to each sentence."""
    origin = np.array(origins)
    support = np.zeros(len(origins))
    for other in dict.fromkeys(origins):
        cols = origin == other
        carried = sim[:, cols].max(axis=1) >= SUPPORT_SIMILARITY
        support += carried & (origin != other)
    return support


def _scores(cands: list[Candidate], sim: np.ndarray) -> np.ndarray:
    """Salience: centrality, outlets carrying the sentence, lead position, clarity."""
    origins = [c.origin for c in cands]
    central = _centrality(sim, origins, [c.article for c in cands])
    outlets = max(1, len(set(origins)) - 1)
    support = _support(sim, origins) / outlets
    lead = np.array([1 / (1 + c.position / LEAD_DECAY) for c in cands])
    length = np.array([c.n_words for c in cands])
    clarity = -LONG_PENALTY * np.clip((length - LONG_WORDS) / LONG_SPAN, 0, 1) - FRAGMENT_PENALTY * np.array(
        [("[…]" in c.text or "..." in c.text or not balanced(c.text)) for c in cands])
    # Reported speech states the point; a direct quote carries it with the speaker's asides.
    clarity -= QUOTE_PENALTY * np.array([c.how == How.QUOTE or c.text[:1] in "“«„\"" for c in cands])
    return WEIGHT_CENTRAL * central + WEIGHT_SUPPORT * support + WEIGHT_LEAD * lead + clarity


def _main_speakers(cands: list[Candidate], scores: np.ndarray, bodies: list[str],
                   limit: int) -> list[str]:
    """Speakers worth a section: two usable points (or one carried by two outlets), by reach."""
    stats: dict[str, list] = {}
    for c, s in zip(cands, scores):
        if c.speaker and c.eligible and c.standalone:
            entry = stats.setdefault(c.speaker, [0, set(), []])
            entry[0] += 1
            entry[1].add(c.origin)
            entry[2].append(float(s))
    ranked = []
    for name, (count, origins, pts) in stats.items():
        if count < 2 and len(origins) < 2:
            continue
        reach = sum(1 for body in bodies if name in body)
        weight = sum(sorted(pts, reverse=True)[:4])
        ranked.append((-reach, -len(origins), -weight, name))
    return [name for *_, name in sorted(ranked)][: max(0, limit)]


def _lede(cands: list[Candidate], scores: np.ndarray, days: Sequence | None = None) -> list[int]:
    """The most central opening sentence (plus the next one when both are short); in an update (`days`:
    each article's day), the opening of the first new day's most central article (novelty.central_article)."""
    def narrative(c: Candidate) -> bool:
        """A standalone, reported sentence of news (no quote, no background)."""
        return c.standalone and c.eligible and not c.background and c.how != How.QUOTE \
            and not c.text.lstrip().startswith(("“", "\"", "«", "„"))

    opening = [i for i, c in enumerate(cands) if c.position <= 1 and narrative(c)]
    if days is not None and opening:
        article = novelty.central_article([c.article for c in cands], scores, {cands[i].article for i in opening}, days)
        opening = [i for i in opening if cands[i].article == article]
    if not opening:
        opening = [i for i, c in enumerate(cands) if c.eligible] or list(range(len(cands)))
    best = max(opening, key=lambda i: (scores[i] - LEDE_POSITION_COST * cands[i].position, -i))
    chosen = [best]
    nxt = best + 1
    if (nxt < len(cands) and cands[nxt].article == cands[best].article and narrative(cands[nxt])
            and cands[best].n_words + cands[nxt].n_words <= LEDE_PAIR_WORDS):
        chosen.append(nxt)
    return chosen


def clean_title(title: str, outlet: str = "") -> str:
    """A title without the site name ('... - Reuters', '... | CNN') or a 'BREAKING:' prefix."""
    text = _TITLE_PREFIX.sub("", " ".join((title or "").split()))
    m = _SITE_SUFFIX.search(text)
    if m:
        tail, site = m.group(1).strip().lower(), (outlet or "").strip().lower()
        named = bool(site) and (tail in site or site in tail)
        domain = re.search(r"\.\w{2,4}\b", tail) is not None
        short_name = len(tail.split()) <= 3 and m.group(1).strip().istitle()
        if (named or domain or short_name) and len(text) - len(m.group(0)) >= 15:
            text = text[: m.start()]
    return text.strip()


def _headline(articles: Sequence[Article], cands: list[Candidate], rows: np.ndarray,
              vector_of) -> str:
    """The title closest to the story's centroid, cleaned of site names."""
    titles = [(clean_title(a.title, a.outlet), i) for i, a in enumerate(articles)
              if a.title and a.title.strip()]
    titles = [(t, i) for t, i in titles if len(sent.words(t)) >= 3] or titles
    if not titles:
        return cands[0].text if cands else ""
    vecs = vector_of([t for t, _ in titles])
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    fit = vecs @ centroid if vecs is not None else np.zeros(len(titles))
    best = max(range(len(titles)), key=lambda k: (float(fit[k]), -titles[k][1]))
    return titles[best][0]


def _section_of(c: Candidate, main: list[str]) -> str | None:
    """The section key a candidate belongs to ('' general, BACKGROUND) or None when it fits none."""
    if c.speaker in main:
        return c.speaker
    if c.background:
        return BACKGROUND
    if c.speaker and c.how != How.NAMED:
        return None  # a quote or 'he said' of a minor speaker needs its context
    return ""


def _select(cands: list[Candidate], scores: np.ndarray, sim: np.ndarray, main: list[str],
            taken: list[int], per_section: int, repeats: "Repeats") -> dict[str, list[int]]:
    """Greedy choice by score; a candidate repeating a point of any section, or the lede, is skipped."""
    chosen: dict[str, list[int]] = {}
    picked = list(taken)
    pool = np.array([i for i, c in enumerate(cands)
                     if c.eligible and c.standalone and _section_of(c, main) is not None], dtype=int)
    near = sim[np.ix_(pool, picked)].max(axis=1) if picked and len(pool) else np.zeros(len(pool))
    alive = np.ones(len(pool), dtype=bool)
    while alive.any():
        gain = np.where(alive, scores[pool] - DIVERSITY * near, -np.inf)
        best = int(np.argmax(gain))
        alive[best] = False
        i = int(pool[best])
        key = _section_of(cands[i], main)
        if len(chosen.get(key, [])) >= per_section or near[best] >= MERGE_SIMILARITY:
            continue
        if near[best] > 0 and repeats.closest(i, picked) is not None:
            continue
        chosen.setdefault(key, []).append(i)
        picked.append(i)
        near = np.maximum(near, sim[pool, i])
    return chosen


class Repeats:
    """Whether two sentences of a story state the same thing: close TF-IDF vectors, most of the
    (IDF-weighted) stemmed content words of one in the other, or the main clause of one inside the
    other with the same polarity ("does not plan to disclose the document" / "not releasing the
    document publicly")."""

    def __init__(self, cands: list[Candidate], sim: np.ndarray, language: str, names: set[str]):
        """Gists of every candidate and the story's IDF of their terms."""
        stop = _function_words(language) | _ROLE_WORDS | speakers.VERB_WORDS | {
            w.lower() for name in names for w in TOKEN.findall(name)}
        self.sim = sim
        self.gists: list[Gist] = fold_demonyms([gist(c.text, language, frozenset(stop)) for c in cands])
        df: dict[str, int] = {}
        for g in self.gists:
            for t in g.terms:
                df[t] = df.get(t, 0) + 1
        n = len(cands)
        self.idf = {t: math.log((n + 1) / (d + 0.5)) for t, d in df.items()}

    def _weight(self, found: frozenset[str]) -> float:
        """Summed IDF of terms."""
        return sum(self.idf.get(t, 0.0) for t in found)

    def same(self, i: int, j: int) -> bool:
        """Sentences i and j say the same thing."""
        if self.sim[i, j] >= MERGE_SIMILARITY:
            return True
        a, b = self.gists[i], self.gists[j]
        shared = a.terms & b.terms
        if len(shared) >= REPEAT_MIN_TERMS and self._weight(shared) >= REPEAT_SHARE * min(
                self._weight(a.terms), self._weight(b.terms)):
            return True
        return any(restates(x, y) for x, y in ((a, b), (b, a)))

    def closest(self, i: int, points: Sequence[int]) -> int | None:
        """The point (most similar first) that sentence i repeats, or None."""
        for j in sorted(points, key=lambda p: (-self.sim[i, p], p)):
            if self.sim[i, j] <= 0:
                break
            if self.same(i, j):
                return j
        return None


def _sources(points: list[int], cands: list[Candidate], repeats: Repeats,
             articles: Sequence[Article]) -> dict[int, tuple[str, ...]]:
    """Each point's articles: its own, and those of every sentence that repeats it (closest point
    wins), unless that sentence gives the statement to someone else."""
    found: dict[int, set[int]] = {p: {cands[p].article} for p in points}
    for i in range(len(cands)):
        p = repeats.closest(i, points)
        if p is not None and not (cands[i].speaker and cands[p].speaker and cands[i].speaker != cands[p].speaker):
            found[p].add(cands[i].article)
    return {p: tuple(articles[a].id for a in sorted(arts)) for p, arts in found.items()}


def _budgets(config: Config) -> tuple[int, int]:
    """(points per section, sections per story) from [summary]."""
    summary = config.settings.summary
    return summary.points_per_section, summary.sections_per_story


def collect_candidates(articles: Sequence[Article]) -> list[Candidate]:
    """Candidates of every article, originals first so copies only corroborate."""
    ids = {a.id for a in articles}
    registry: dict[str, set[str]] = {}
    cands: list[Candidate] = []
    year = _story_year(articles)
    copies = [i for i, a in enumerate(articles) if a.copy_of in ids]
    originals = [i for i in range(len(articles)) if i not in set(copies)]
    for index in originals + copies:  # on equal scores an original's sentence is kept, not a copy's
        article = articles[index]
        origin = article.copy_of if article.copy_of in ids else article.id
        cands.extend(_article_candidates(index, article, origin, registry, year))
    return cands


def _story_year(articles: Sequence[Article]) -> int | None:
    """The story's year: of its latest publication date, else the latest year its texts mention."""
    dated = [a.published.year for a in articles if a.published]
    if dated:
        return max(dated)
    years = [int(y) for a in articles for y in YEAR.findall(a.body[:3000]) if int(y) <= 2100]
    return max(years) if years else None


def _read(articles: Sequence[Article], config: Config) -> tuple[str, Sequence[Article], tuple[str, ...] | None]:
    """(language, the articles read, their ids when a cap left some out) of a story."""
    language = dominant_language(articles)
    articles = in_language(articles, language)
    summary = config.settings.summary
    chosen = reading.select(articles, summary.max_articles_read, summary.max_sentences_read)
    return language, (articles if chosen is None else chosen), None if chosen is None else tuple(a.id for a in chosen)


def _unsent(cands: list[Candidate], known: Sequence[str], language: str, names: set[str],
            repeat: float) -> tuple[list[Candidate], np.ndarray]:
    """The candidates with those earlier digests carried made ineligible, and each one's share sent."""
    both, _ = vectorize([c.text for c in cands] + list(known), language, names)  # IDF over both
    seen = novelty.overlap(both[:len(cands)], both[len(cands):])
    gone = novelty.carried([c.text for c in cands], seen, known, repeat)
    return [replace(c, eligible=False) if g else c for c, g in zip(cands, gone)], seen


def has_news(articles: Sequence[Article], config: Config, known: Sequence[str]) -> bool:
    """Whether condensing with `known` would give a lede: a usable sentence earlier digests did not
    carry (the novelty check alone, without ranking, for an "also" entry marked update)."""
    language, articles, _ = _read(articles, config)
    cands = collect_candidates(articles)
    if not cands or not known:
        return bool(cands)
    names = {c.speaker for c in cands if c.speaker}
    return any(c.eligible for c in _unsent(cands, known, language, names, config.settings.summary.update_repeat)[0])


def condense(articles: Sequence[Article], config: Config, known: Sequence[str] = ()) -> Condensed:
    """Headline, lede and sections (main speakers, general, background) of one story; with `known`
    (texts an earlier digest sent of it), only from sentences those do not carry (none: no lede)."""
    language, articles, read = _read(articles, config)
    cands = collect_candidates(articles)
    if not cands:
        title = clean_title(articles[0].title, articles[0].outlet) if articles else ""
        return Condensed(title, "", (), read)
    per_section, max_sections = _budgets(config)
    names = {c.speaker for c in cands if c.speaker}
    rows, vector_of = vectorize([c.text for c in cands], language, names)
    if known:
        cands, seen = _unsent(cands, known, language, names, config.settings.summary.update_repeat)
        if not any(c.eligible for c in cands):
            return Condensed(_headline(articles, cands, rows, vector_of), "", (), read)
    sim = rows @ rows.T
    sim = sim.toarray() if hasattr(sim, "toarray") else np.asarray(sim)
    repeats = Repeats(cands, sim, language, names)
    scores = _scores(cands, sim) - (NOVELTY_WEIGHT * seen if known else 0.0)
    lede_ids = _lede(cands, scores, [a.published and a.published.date() for a in articles] if known else None)
    bodies = [a.body for a in articles if not a.copy_of]
    main = [] if known else _main_speakers(cands, scores, bodies, max_sections)  # an update: one list of what is new
    chosen = _select(cands, scores, sim, main, lede_ids, per_section, repeats)
    _demote_minor(chosen, cands, sim, main, per_section)
    sections = _arrange(chosen, cands, repeats, scores, articles, main, max_sections)
    lede = " ".join(cands[i].text for i in lede_ids)
    return Condensed(_headline(articles, cands, rows, vector_of), lede, sections, read)


def _demote_minor(chosen: dict[str, list[int]], cands: list[Candidate], sim: np.ndarray,
                  main: list[str], per_section: int) -> None:
    """A speaker left with one uncorroborated point loses the section; a self-attributed point goes to general."""
    for key in main:
        points = chosen.get(key, [])
        if len(points) != 1:
            continue
        i = points[0]
        outlets = {cands[j].origin for j in np.flatnonzero(sim[i] >= SOURCE_SIMILARITY)}
        if len(outlets) >= 2:
            continue
        del chosen[key]
        general = chosen.setdefault("", [])
        if cands[i].how == How.NAMED and len(general) < per_section:
            general.append(i)
        if not general:
            del chosen[""]


def _arrange(chosen: dict[str, list[int]], cands: list[Candidate], repeats: Repeats, scores: np.ndarray,
             articles: Sequence[Article], main: list[str], max_sections: int) -> tuple[Section, ...]:
    """Sections within the budget: speakers by rank, general, background; general first when weightier."""
    extra = [k for k in ("", BACKGROUND) if chosen.get(k)]
    speakers_kept = [m for m in main if chosen.get(m)]
    room = max(max_sections - len(extra), min(1, len(speakers_kept)))
    kept = (speakers_kept[:room] + extra)[:max_sections]
    weight = {k: sum(sorted((float(scores[i]) for i in chosen[k]), reverse=True)[:3]) for k in kept}
    order = [k for k in kept if k not in ("", BACKGROUND)]
    if "" in kept:
        heavier = not order or weight[""] > weight[order[0]]
        order = [""] + order if heavier else order + [""]
    order += [k for k in kept if k == BACKGROUND]
    points = [i for key in order for i in chosen[key]]
    sources = _sources(points, cands, repeats, articles)
    out = []
    for key in order:
        kps = tuple(KeyPoint(_point_text(cands[i], key), sources[i]) for i in _with_context(chosen[key], cands))
        if key == BACKGROUND:
            out.append(Section(BACKGROUND, kps, kind=SectionKind.BACKGROUND))
        elif key == "":
            out.append(Section(None, kps, kind=SectionKind.GENERAL))
        else:
            out.append(Section(key, kps, kind=SectionKind.SPEAKER))
    return tuple(out)


def _point_text(cand: Candidate, key: str) -> str:
    """The sentence; under its speaker's own heading, without the clause saying who said it."""
    if key in ("", BACKGROUND) or cand.speaker != key:
        return cand.text
    return speakers.without_attribution(cand.text, key)


def _with_context(points: list[int], cands: list[Candidate]) -> list[int]:
    """Points in the order the story tells them (relative place in their article), a quote's
    continuation right after its opening."""
    chosen = set(points)
    length: dict[int, int] = {}
    for c in cands:
        length[c.article] = max(length.get(c.article, 0), c.position + 1)
    points = sorted(points, key=lambda i: (cands[i].position / length[cands[i].article], i))
    follows = {i: i - 1 for i in points
               if cands[i].how == How.QUOTE and i - 1 in chosen and cands[i - 1].article == cands[i].article}
    out: list[int] = []
    for i in points:
        if i in follows:
            continue
        out.append(i)
        nxt = i + 1
        while nxt in follows:
            out.append(nxt)
            nxt += 1
    return out


def story_importance(articles: Sequence[Article]) -> float:
    """Ordering score: outlets covering the story, size, and recency (a day newer counts as one outlet)."""
    originals = [a for a in articles if not a.copy_of] or list(articles)
    outlets = len({(a.outlet or a.id).lower() for a in articles})
    words = sum(len(a.body.split()) for a in originals)
    dated = [a.published for a in articles if a.published]
    latest = max(dated).timestamp() / 86400 if dated else 0.0
    return IMPORTANCE_OUTLETS * math.log2(1 + outlets) + math.log2(1 + len(originals)) \
        + IMPORTANCE_WORDS * math.log10(1 + words) + IMPORTANCE_DAYS * latest


def story_topic(articles: Sequence[Article], config: Config) -> str | None:
    """The topic whose keywords ([summary] topics = {Topic = [words]}) the story mentions most, or None."""
    rules = config.settings.summary.topics
    if not isinstance(rules, Mapping):
        raise ConfigError("[summary] topics must be a table like {Economy = [\"inflation\", \"bank\"]}; "
                          f"got {rules!r}")
    text = " ".join(f"{a.title} {a.title} {a.title} {a.body}" for a in articles).lower()
    best, best_hits = None, 0
    for topic, words in rules.items():
        if isinstance(words, str) or not all(isinstance(w, str) for w in words):
            raise ConfigError(f"[summary] topics.{topic} must be a list of words, got {words!r}")
        hits = sum(len(re.findall(rf"\b{re.escape(w.lower())}\b", text)) for w in words)
        if hits > best_hits and hits >= MIN_TOPIC_HITS:
            best, best_hits = str(topic), hits
    return best
