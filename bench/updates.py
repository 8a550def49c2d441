"""`bench/summarize.py --updates FILE`: digest's update text against LexRank, novelty-filtered LexRank and Lead.

Each line of FILE is a topic followed over three reading sessions, read in order:
{"id", "part": "tune"|"test" (optional), "sets": {"A": {"documents": [{"title", "date",
"outlet", "text"}]}, "B": {...}, "C": {...}}, "summaries": {"B": [reference, ...], "C": [...]}}.
The references say what set B (then C) reports to a reader who has read the sets before it
(bench/updates_example.py builds such a file from ../shared/data/allsides).

For B and C every system writes --words words from that set's documents:
- digest: the update text a digest sends (lede, then points in section order), condensed from
  the new set with everything read before as known text (`condense(..., known=...)`: the
  titles and sentences of the earlier sets, a superset of the points digest sent of them);
- LexRank: sumy's LexRank over the new set alone;
- LexRank-novel: LexRank over the new set's sentences whose TF-IDF cosine with every sentence
  read before stays under a threshold (a novelty filter);
- Lead: the first sentences of the new set's documents, taken in turn.
ROUGE-1/2/L F (rouge-score, stemmed) is averaged over the references, then over sets; the test
part also gets the 95% paired bootstrap interval (sessions resampled) of digest minus each baseline.
`[summary] update_repeat` and the baseline's threshold are each chosen on the "tune" lines
(best mean of the three scores) and reported on the "test" lines, which were not looked at.
Exits 1 when digest is not above every baseline on all three scores of the test part.

Figures (bench/updates_example.py's 20 topics, 100 words, ROUGE-1/2/L F): test part (16
sessions, reported) digest 41.25/11.97/22.26, LexRank 40.84/12.55/22.23, LexRank-novel
40.84/12.55/22.23, Lead 42.33/13.72/22.45; tune part (24 sessions) digest 41.16/12.47/22.14
(41.32/12.55/22.18 before a sentence stating a figure no sent text states counted as new),
LexRank 41.13/12.66/21.89, LexRank-novel 40.96/12.75/22.30, Lead 41.90/13.32/22.46.
Ranking ideas measured on the tune part (mean of the three F) and left out: an extra salience
w / (1 + position / d) for the new articles' opening sentences (w 0.1-1.5, d 0.5-3: 25.17-25.29
against 25.35 before / 25.26 after the figure rule), a larger weight for sentences other new
outlets carry (0.7 instead of 0.35: 25.20-25.32 against 25.35; +0.3 on top: 25.17-25.23 against
25.26), the lede's position cost 0 or 1.0 instead of 0.3 (25.28, 25.37 against 25.35: noise),
NOVELTY_WEIGHT 0.4/1.2/1.6 instead of 0.8 (25.12 each against 25.26). With two ~90-word
excerpts per set nearly every new sentence that is not sent already is used; little is left to rank.

Richer sets (`bench/updates_example.py --topics`: bench/topics.py's topics followed over their
stories, sets of 6-12, 4-8 and 2-6 excerpts, split by date; 6 tune chains, 10 test chains):
test part (20 sessions) digest 40.97/13.24/21.41, LexRank 41.01/12.27/22.79, LexRank-novel
40.57/11.59/22.02, Lead 41.27/13.28/23.59; tune part (12 sessions) digest 43.81/13.36/23.77,
LexRank 42.38/12.75/23.66, LexRank-novel 44.76/15.00/26.64, Lead 42.59/13.54/24.17. Ideas measured
on both tune parts (mean of the three F, pairs / topics; before: 25.26 / 26.99) and left out:
points told in date order, then their place (24.98 / 26.25: the first 100 words hold fewer
openings); points close (cosine 0.15-0.4) to one told before moved after the others (at best
25.18 / 27.28, 25.21 / 27.04: noise); points in the order they were picked (25.00 / 25.75); the lede
from the oldest or the newest new article (24.99 / 26.80, 25.13 / 25.30); NOVELTY_WEIGHT 0, 0.4,
1.6 (24.98-25.12 / 26.26-26.66); LEDE_POSITION_COST 0 or 1 (25.18 / 27.05, 25.28 / 26.65). The
text already holds the new articles' opening sentences in date order after its lede, as Lead does;
Lead's lead on ROUGE-L is likely its order, as digest's lede comes first whatever its date (a lede
from the oldest new article: ROUGE-L 24.11 against 23.78 on the topics tune part, ROUGE-1 lower).

Update shape (7 Dec 2026), chosen on both tune parts (mean of the three F, topics / pairs, each
with update_repeat tuned; before 26.98 / 25.26): the lede is the opening of the most central new
article (mean salience of its sentences, the share sent taken off) of the first new day, and the
new points form one list without speaker sections: 28.49 / 25.60. Steps: one list alone 27.26 /
25.27 (merged after selection); with the most central article's opening as lede 27.64 / 25.60; that article taken from the
first new day 28.49 / 25.60 (from the last new day 25.53). Reported: topics test 40.35/12.87/23.96
(before 40.97/13.24/21.41; after minus before ROUGE-L +2.55 [+0.53, +4.66], ROUGE-1 and -2 within
noise; Lead 41.27/13.28/23.59, LexRank 41.01/12.27/22.79, LexRank-novel 40.52/11.59/21.97), pairs
test 40.78/12.20/22.07 (before 41.25/11.97/22.26, all within noise). After the sentence splitter's
fix ("D-W.Va., and ..." is one sentence) the topics tune part reads digest 44.45/14.39/26.67,
LexRank 41.38/12.39/23.03, LexRank-novel 43.77/14.64/26.01, Lead 42.32/13.53/24.33. Measured on
the tune parts on top of it and left out: an extra weight w for each new article's first usable
sentence (w 0.05-0.4: 26.27-27.27 / 24.67-25.51 before the day rule), novelty as a filter only
(NOVELTY_WEIGHT 0, update_repeat re-tuned: 27.74 / 24.84), stronger redundancy removal (DIVERSITY
2-3: 28.31-28.61 / 25.58; MERGE_SIMILARITY 0.2-0.3 before the day rule: 27.19-27.46 / 25.07-25.55),
points in date order then place (25.44 / 25.60), the article by its best or top-3 sentences instead
of the mean (27.23-27.31 / 25.19-25.31), shorter ledes (no second sentence: 28.49 / 25.62) and
longer-sentence costs (LONG_WORDS 25-35, LONG_PENALTY 0.15-0.3: 28.17-28.59 / 25.33-25.71): noise.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer
from sklearn.feature_extraction.text import TfidfVectorizer
from sumy.summarizers.lex_rank import LexRankSummarizer

from digest.config import from_mapping
from digest.models import Article
from digest.summarize.condense import condense
from digest.summarize.novelty import article_texts

REPEAT_GRID = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
NOVEL_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
KEYS = ("rouge1", "rouge2", "rougeL")
BOOTSTRAP = 2000  # resamples of the test sessions for the interval of digest minus a baseline


@dataclass(frozen=True)
class Session:
    """One later reading session: its new documents, what was read before, the references."""

    topic: str
    part: str
    new: tuple[dict, ...]
    before: tuple[dict, ...]
    references: tuple[str, ...]


def sessions(topics: list[dict]) -> list[Session]:
    """Sessions B and C of every topic (C has read A and B before)."""
    out = []
    for topic in topics:
        read: list[dict] = list(topic["sets"]["A"]["documents"])
        for key in ("B", "C"):
            new = topic["sets"][key]["documents"]
            out.append(Session(topic["id"], topic.get("part", "test"), tuple(new), tuple(read),
                               tuple(topic["summaries"][key])))
            read += new
    return out


def _articles(documents, prefix: str) -> list[Article]:
    """Articles as ingest would store them (title, outlet, date, language)."""
    from summarize import _language  # noqa: PLC0415  (bench/summarize.py, on sys.path when run)
    return [Article(id=f"{prefix}{i}", title=d.get("title", ""), outlet=d.get("outlet") or f"outlet{i}",
                    body=d["text"], language=_language(d["text"]),
                    published=datetime.fromisoformat(d["date"]) if d.get("date") else None)
            for i, d in enumerate(documents)]


def digest_update(session: Session, words: int, repeat: float) -> str:
    """digest's update text for the new set, what was read before being known."""
    from summarize import truncate  # noqa: PLC0415
    config = from_mapping({"summary": {"update_repeat": repeat}}, Path("."))
    known = article_texts(_articles(session.before, "old"))
    condensed = condense(_articles(session.new, "new"), config, known)
    texts = [condensed.lede] + [p.text for s in condensed.sections for p in s.points]
    return truncate([t for t in texts if t], words)


def novel_lexrank(session: Session, words: int, threshold: float) -> str:
    """LexRank over the new sentences not close (TF-IDF cosine) to any sentence read before."""
    from summarize import PysbdTokenizer, sumy_summary  # noqa: PLC0415
    split = PysbdTokenizer().to_sentences
    new = [list(split(d["text"])) for d in session.new]
    old = [s for d in session.before for s in (d.get("title", ""), *split(d["text"])) if s]
    flat = [s for doc in new for s in doc]
    if not flat:
        return ""
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(flat + old)
    near = (vectors[:len(flat)] @ vectors[len(flat):].T).toarray().max(axis=1) if old else [0.0] * len(flat)
    keep, k = [], 0
    for doc in new:
        keep.append(" ".join(s for j, s in enumerate(doc) if near[k + j] < threshold))
        k += len(doc)
    return sumy_summary(LexRankSummarizer, [d for d in keep if d.strip()] or [" "], words)


def lexrank(session: Session, words: int) -> str:
    """LexRank over the new set alone."""
    from summarize import sumy_summary  # noqa: PLC0415
    return sumy_summary(LexRankSummarizer, [d["text"] for d in session.new], words)


def lead(session: Session, words: int) -> str:
    """First sentences of the new documents in turn."""
    from summarize import lead3_summary  # noqa: PLC0415
    return lead3_summary([d["text"] for d in session.new], words)


_SCORER = rouge_scorer.RougeScorer(list(KEYS), use_stemmer=True)


def score(summary: str, references: tuple[str, ...]) -> dict[str, float]:
    """ROUGE F of one summary, averaged over its references."""
    rows = [_SCORER.score(ref, summary) for ref in references]
    return {k: 100 * statistics.mean(r[k].fmeasure for r in rows) for k in KEYS}


def mean(system, chosen: list[Session]) -> dict[str, float]:
    """Mean ROUGE F of a system (session -> text) over sessions."""
    return _average([score(system(s), s.references) for s in chosen])


def _average(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.mean(r[k] for r in rows) for k in KEYS}


def interval(ours: list[dict[str, float]], theirs: list[dict[str, float]], key: str) -> tuple[float, float]:
    """95% paired bootstrap interval of the mean difference over sessions (resampled with a fixed seed)."""
    diff = np.array([a[key] - b[key] for a, b in zip(ours, theirs)])
    draws = np.random.default_rng(0).integers(0, len(diff), size=(BOOTSTRAP, len(diff)))
    low, high = np.percentile(diff[draws].mean(axis=1), [2.5, 97.5])
    return float(low), float(high)


def _best(grid, make, tune: list[Session]) -> tuple[float, dict[str, float]]:
    """The grid value whose system scores best (mean of the three F) on the tuning sessions."""
    results = [(value, mean(make(value), tune)) for value in grid]
    return max(results, key=lambda vr: (statistics.mean(vr[1].values()), -vr[0]))


def run(topics: list[dict], words: int) -> int:
    """Tune on the "tune" part, print both parts, exit code by the test part."""
    every = sessions(topics)
    tune = [s for s in every if s.part == "tune"] or every
    test = [s for s in every if s.part != "tune"] or every
    repeat, _ = _best(REPEAT_GRID, lambda r: lambda s: digest_update(s, words, r), tune)
    novel, _ = _best(NOVEL_GRID, lambda t: lambda s: novel_lexrank(s, words, t), tune)
    systems = {
        "digest": lambda s: digest_update(s, words, repeat),
        "LexRank": lambda s: lexrank(s, words),
        "LexRank-novel": lambda s: novel_lexrank(s, words, novel),
        "Lead": lambda s: lead(s, words),
    }
    print(f"{len(topics)} topics, {len(tune)} tuning / {len(test)} test sessions (B and C), {words}-word budget, "
          f"ROUGE F (stemmed) x100; tuned: update_repeat {repeat}, novelty threshold {novel}")
    tables, rows = {}, {}
    for name, part in (("tune", tune), ("test", test)):
        rows[name] = {sys_name: [score(system(s), s.references) for s in part] for sys_name, system in systems.items()}
        tables[name] = {sys_name: _average(found) for sys_name, found in rows[name].items()}
        print(f"{name} part:\n{'system':<14} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8}")
        for sys_name, row in tables[name].items():
            print(f"{sys_name:<14} {row['rouge1']:8.2f} {row['rouge2']:8.2f} {row['rougeL']:8.2f}")
    print("test part, digest minus each baseline (95% paired bootstrap interval over sessions):")
    for other in [name for name in systems if name != "digest"]:
        cells = [f"{k} {tables['test']['digest'][k] - tables['test'][other][k]:+.2f} "
                 f"[{low:+.2f}, {high:+.2f}]" for k in KEYS
                 for low, high in (interval(rows["test"]["digest"], rows["test"][other], k),)]
        print(f"  vs {other:<13} " + "; ".join(cells))
    failures = [f"digest {k} {tables['test']['digest'][k]:.2f} not above {other} {row[k]:.2f} (test part)"
                for other, row in tables["test"].items() if other != "digest"
                for k in KEYS if tables["test"]["digest"][k] <= row[k]]
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0
