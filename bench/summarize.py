"""ROUGE of digest's condensation against LexRank, TextRank and Lead-3, plus condensation speed.

Usage: python bench/summarize.py [DATA.jsonl] [--words 250]
       python bench/summarize.py --updates FILE [--words 100]   (update texts: see bench/updates.py)
       python bench/summarize.py --topic FILE [--words 250]

--topic FILE scores topic briefs: each line is {"id", "documents": [{"title", "date", "outlet",
"text"}], "summaries": [reference, ...]} (bench/topics.py builds such files from the shared
AllSides data). digest ingests the documents into a fresh corpus (real dedup and story
grouping), composes the brief of the whole corpus and is scored on its overview's first
--words words ("stories": the brief's opening without the overview, its stories' ledes and
points in turn, as briefs began before); LexRank, TextRank and Lead (first sentences of every document in date order,
then second sentences, ...) read the same texts on the same budget. Scores are averaged over
the references of a topic, then over topics. Exits 1 when digest is not above every baseline
on all three scores.

Each line of DATA.jsonl is {"id", "documents": [text, ...], "summary": reference} (one story).
Without DATA the story is built at run time from ../shared/seeds: the seed that condenses
the briefing into "... key points:" sections gives the reference (its key-point lines), the
other seeds are the documents.
Every system gets the same documents and the same word budget; its output is cut to
--words words. digest's output is its lede then its points in section order. The
baselines (sumy) read the documents joined, split into sentences by pysbd (NLTK's
punkt data cannot be downloaded here) with a regex word tokenizer; Lead-3 takes the
first three sentences of each document in turn (first sentences of all documents,
then second sentences, ...). Scores are ROUGE-1/2/L F-measures (rouge-score, Porter
stemming on), averaged over stories. rouge-score keeps only ASCII letters and digits,
so it cannot score non-Latin texts.

Exits 1 when digest is not above every baseline on all three scores, or when a
10-article story takes 100 ms or more, or a 300-article day 10 s or more (CPU time
of this process, so that other jobs on the machine do not decide the result; wall
time is printed too).
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digest.brief import Selection, compose  # noqa: E402
from digest.config import from_mapping  # noqa: E402
from digest.ingest.inbox import Store  # noqa: E402
from digest.store.corpus import Corpus  # noqa: E402
from digest.models import Article  # noqa: E402
from digest.summarize import (
    clauses,
    speakers,  # noqa: E402
)
from digest.summarize.condense import condense, story_importance  # noqa: E402
from digest.summarize.sentences import split_sentences  # noqa: E402

STORY_MS_FLOOR = 100.0
DAY_S_FLOOR = 10.0
_WORD = re.compile(r"\w+", re.UNICODE)


class PysbdTokenizer:
    """sumy tokenizer: pysbd sentences per line, regex words (no NLTK data needed)."""

    language = "english"

    def to_sentences(self, text: str) -> tuple[str, ...]:
        """Sentences of every non-empty line."""
        return tuple(s for line in text.splitlines() for s in split_sentences(line, "en"))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Word tokens."""
        return tuple(_WORD.findall(sentence))


def truncate(sentences: list[str], words: int) -> str:
    """Sentences joined and cut to the word budget."""
    out = " ".join(" ".join(sentences).split()[:words])
    return out


def _language(text: str) -> str:
    """The body's language as ingest would set it (English when the detector is unavailable)."""
    try:
        from digest.sources.language import detect
    except ImportError:
        return "en"
    code = detect(text)
    return "en" if code == "und" else code


def articles_of(story_id: str, documents: list[str]) -> list[Article]:
    """Articles from raw documents: a short first line without a full stop is the title."""
    articles = []
    for i, text in enumerate(documents):
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        title = first if len(first.split()) <= 25 and not first.endswith((".", "!", "?")) else ""
        articles.append(Article(id=f"{story_id}-{i}", title=title, outlet=f"outlet{i}", body=text,
                                language=_language(text)))
    return articles


def digest_summary(documents: list[str], words: int, story_id: str = "s") -> str:
    """digest's lede and points, in reading order, within the budget."""
    condensed = condense(articles_of(story_id, documents), from_mapping({}, Path(".")))
    texts = [condensed.lede] + [p.text for s in condensed.sections for p in s.points]
    return truncate([t for t in texts if t], words)


def ranked(summarizer_cls):
    """A sumy summarizer class that returns every sentence, best rated first."""
    class Ranked(summarizer_cls):
        """The summarizer with sumy's 'best N in document order' replaced by a full ranking."""

        @staticmethod
        def _get_best_sentences(sentences, count, rating, *args, **kwargs):
            """(index, sentence) pairs, best rated first."""
            rate = rating if callable(rating) else rating.__getitem__
            order = sorted(range(len(sentences)), key=lambda i: (-rate(sentences[i], *args, **kwargs), i))
            return tuple((i, sentences[i]) for i in order)
    return Ranked


def sumy_summary(summarizer_cls, documents: list[str], words: int) -> str:
    """The best-rated sentences of the joined documents up to the budget, in document order."""
    parser = PlaintextParser.from_string("\n\n".join(documents), PysbdTokenizer())
    summarizer = ranked(summarizer_cls)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    picked, total = [], 0
    for index, sentence in summarizer(parser.document, len(parser.document.sentences)):
        picked.append((index, str(sentence)))
        total += len(str(sentence).split())
        if total >= words:
            break
    return truncate([text for _, text in sorted(picked)], words)


def lead3_summary(documents: list[str], words: int) -> str:
    """First three sentences of each document, taken in turn."""
    tokenizer = PysbdTokenizer()
    leads = [list(tokenizer.to_sentences(d))[:3] for d in documents]
    ordered = [lead[k] for k in range(3) for lead in leads if k < len(lead)]
    return truncate(ordered, words)


_BRIEFS: dict[str, object] = {}


def topic_brief(documents: list[dict]):
    """digest's brief of the documents, ingested into a fresh corpus (composed once per topic)."""
    key = json.dumps(documents, sort_keys=True)
    if key not in _BRIEFS:
        with tempfile.TemporaryDirectory(prefix="digest-topic-") as tmp:
            config = from_mapping({}, Path(tmp))
            with Corpus(Path(tmp) / "corpus.sqlite") as corpus:
                store = Store(corpus, config)
                for d in documents:
                    when = datetime.fromisoformat(d["date"]) if d.get("date") else None
                    store.put(Article(id="", title=d.get("title", ""), outlet=d.get("outlet", ""), body=d["text"],
                                      published=when, language=_language(d["text"])))
                _BRIEFS[key] = compose(config, corpus, Selection())
    return _BRIEFS[key]


def digest_topic_summary(documents: list[dict], words: int) -> str:
    """The overview of digest's brief, cut to the budget."""
    return truncate([p.text for p in topic_brief(documents).overview], words)


def stories_topic_summary(documents: list[dict], words: int) -> str:
    """The brief's opening without its overview (what a brief began with before): each story's
    lede and points in turn."""
    brief = topic_brief(documents)
    texts = [t for s in brief.stories for t in [s.lede] + [p.text for x in s.sections for p in x.points]]
    return truncate([t for t in texts if t], words)


def _dated_texts(documents: list[dict]) -> list[str]:
    """The documents' texts, oldest first."""
    return [d["text"] for d in sorted(documents, key=lambda d: d.get("date") or "")]


TOPIC_SYSTEMS = {
    "digest": digest_topic_summary,
    "stories": stories_topic_summary,
    "LexRank": lambda docs, words: sumy_summary(LexRankSummarizer, _dated_texts(docs), words),
    "TextRank": lambda docs, words: sumy_summary(TextRankSummarizer, _dated_texts(docs), words),
    "Lead": lambda docs, words: lead3_summary(_dated_texts(docs), words),
}


def score_topics(topics: list[dict], words: int) -> dict[str, dict[str, float]]:
    """Mean ROUGE-1/2/L F per system: over each topic's references, then over topics."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = {name: {"rouge1": [], "rouge2": [], "rougeL": []} for name in TOPIC_SYSTEMS}
    for topic in topics:
        for name, system in TOPIC_SYSTEMS.items():
            summary = system(topic["documents"], words)
            per_ref = [scorer.score(ref, summary) for ref in topic["summaries"]]
            for key in totals[name]:
                totals[name][key].append(statistics.mean(r[key].fmeasure for r in per_ref))
    return {name: {k: 100 * statistics.mean(v) for k, v in keys.items()} for name, keys in totals.items()}


def _print_table(table: dict[str, dict[str, float]]) -> list[str]:
    """Print the ROUGE table; the failures when digest is not above every baseline."""
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8}")
    for name, row in table.items():
        print(f"{name:<10} {row['rouge1']:8.2f} {row['rouge2']:8.2f} {row['rougeL']:8.2f}")
    failures = []
    for key in ("rouge1", "rouge2", "rougeL"):
        best = max(row[key] for name, row in table.items() if name != "digest")
        if table["digest"][key] <= best:
            failures.append(f"digest {key} {table['digest'][key]:.2f} not above best baseline {best:.2f}")
    return failures


def topic_main(path: Path, words: int) -> int:
    """The --topic mode: the ROUGE table of the topic briefs; 1 when digest is not above every baseline."""
    if not path.is_file():
        print(f"{path}: no such file; build one with bench/topics.py", file=sys.stderr)
        return 2
    topics = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not topics:
        print(f"{path}: no topics (one JSON object per line expected)", file=sys.stderr)
        return 2
    cpu = time.process_time()
    table = score_topics(topics, words)
    print(f"{len(topics)} topics ({sum(len(t['documents']) for t in topics)} documents), {words}-word budget, "
          f"ROUGE F (stemmed) averaged over references, x100; {time.process_time() - cpu:.1f} s CPU")
    failures = _print_table(table)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


SYSTEMS = {
    "digest": lambda docs, words: digest_summary(docs, words),
    "LexRank": lambda docs, words: sumy_summary(LexRankSummarizer, docs, words),
    "TextRank": lambda docs, words: sumy_summary(TextRankSummarizer, docs, words),
    "Lead-3": lead3_summary,
}


def score_all(stories: list[dict], words: int) -> dict[str, dict[str, float]]:
    """Mean ROUGE-1/2/L F per system over the stories."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals: dict[str, dict[str, list[float]]] = {name: {"rouge1": [], "rouge2": [], "rougeL": []}
                                                 for name in SYSTEMS}
    for story in stories:
        for name, system in SYSTEMS.items():
            summary = system(story["documents"], words)
            scores = scorer.score(story["summary"], summary)
            for key in totals[name]:
                totals[name][key].append(scores[key].fmeasure)
    return {name: {k: 100 * statistics.mean(v) for k, v in keys.items()} for name, keys in totals.items()}


def _variant(text: str, k: int) -> str:
    """A document with its paragraphs rotated: another outlet's take with the same facts."""
    paras = [p for p in text.split("\n") if p.strip()]
    if not paras:
        return text
    k %= len(paras)
    return "\n".join(paras[k:] + paras[:k])


def _cold() -> None:
    """Empty digest's per-sentence caches, so every timed run splits and attributes from scratch."""
    for cached in (split_sentences, speakers.speaker_phrases, speakers.resolve_name, clauses.terms, clauses.gist,
                   clauses._stemmer):
        cached.cache_clear()


def _clock() -> tuple[float, float]:
    """(wall, CPU) seconds now: CPU time is what the floors use, as other jobs may share the machine."""
    return time.perf_counter(), time.process_time()


def time_story(documents: list[str], n: int = 10) -> dict[str, float]:
    """Milliseconds to condense an n-article story built from the documents (caches emptied each run)."""
    docs = [_variant(documents[i % len(documents)], i // len(documents)) for i in range(n)]
    articles = articles_of("t", docs)
    config = from_mapping({}, Path("."))
    runs = []
    for _ in range(6):
        _cold()
        wall, cpu = _clock()
        condense(articles, config)
        runs.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return {"first_cpu": runs[0][1], "cpu": statistics.median(r[1] for r in runs[1:]),
            "wall": statistics.median(r[0] for r in runs[1:])}


def time_day(stories: list[dict], total: int = 300) -> tuple[float, float, int]:
    """(CPU s, wall s, stories) to rank and condense a synthetic day of `total` articles from the data."""
    pool = [d for s in stories for d in s["documents"]]
    sizes = [1, 2, 3, 5, 8, 1, 4, 10, 2, 6]  # a day has many small stories and a few big ones
    groups, used, k = [], 0, 0
    while used < total:
        size = min(sizes[k % len(sizes)], total - used)
        docs = [_variant(pool[(used + j) % len(pool)], (used + j) // len(pool) + k) for j in range(size)]
        groups.append(articles_of(f"d{k}", docs))
        used += size
        k += 1
    config = from_mapping({}, Path("."))
    _cold()
    wall, cpu = _clock()
    ranked = sorted(groups, key=story_importance, reverse=True)
    for articles in ranked:
        _cold()  # the synthetic day repeats texts: no story may reuse another's cached work
        condense(articles, config)
    return time.process_time() - cpu, time.perf_counter() - wall, len(groups)


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seeds_story(folder: Path) -> dict:
    """The seed story: the key-point lines of the seed written as key points are the reference."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
    model = next(name for name, text in texts.items() if "key points:" in text)
    points, inside = [], False
    for line in (line.strip() for line in texts[model].splitlines()):
        if line.endswith("key points:"):
            inside = True
        elif inside and line and len(line.split()) < 6:
            break
        elif inside and line:
            points.append(line)
    documents = [text for name, text in texts.items() if name != model]
    return {"id": f"seeds-{folder.name}", "documents": documents, "summary": "\n".join(points)}


def load_stories(data: Path | None) -> list[dict] | str:
    """The stories of DATA.jsonl (or the seed story); an error message when there are none."""
    if data is None:
        if not SEEDS.is_dir():
            return f"{SEEDS} is absent: pass a JSONL file of {{id, documents, summary}} lines"
        return [seeds_story(SEEDS)]
    if not data.is_file():
        return f"{data}: no such file; pass a JSONL file of {{id, documents, summary}} lines"
    stories = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    return stories or f"{data}: no stories (one JSON object per line expected)"


def _updates(path: Path, words: int) -> int:
    """The --updates mode (bench/updates.py)."""
    import updates  # noqa: PLC0415  (bench/updates.py: it reuses this module's baselines)
    if not path.is_file():
        print(f"{path}: no such file; `python bench/updates_example.py` writes an example", file=sys.stderr)
        return 2
    topics = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return updates.run(topics, words)


def main(argv: list[str] | None = None) -> int:
    """Print the ROUGE table and timings; non-zero exit when a floor is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, nargs="?", help="JSONL stories (default: the seed story)")
    parser.add_argument("--words", type=int, help="word budget (default 250; 100 with --updates)")
    parser.add_argument("--updates", type=Path, metavar="FILE",
                        help="topics read over three sessions: score update texts (see bench/updates.py)")
    parser.add_argument("--topic", type=Path, help="JSONL topic sets: score the brief overview instead")
    args = parser.parse_args(argv)
    if args.updates:
        return _updates(args.updates, args.words or 100)
    args.words = args.words or 250
    if args.topic:
        return topic_main(args.topic, args.words)
    stories = load_stories(args.data)
    if isinstance(stories, str):
        print(stories, file=sys.stderr)
        return 2
    table = score_all(stories, args.words)
    print(f"{len(stories)} stories, {args.words}-word budget, ROUGE F (stemmed), x100")
    failures = _print_table(table)
    story = time_story(stories[0]["documents"])
    cpu, wall, count = time_day(stories)
    print(f"10-article story: {story['cpu']:.1f} ms CPU, {story['wall']:.1f} ms wall "
          f"(median of 5; first run {story['first_cpu']:.1f} ms CPU; floor {STORY_MS_FLOOR:.0f} ms CPU)")
    print(f"300-article day ({count} stories): {cpu:.2f} s CPU, {wall:.2f} s wall (floor {DAY_S_FLOOR:.0f} s CPU)")
    if story["cpu"] >= STORY_MS_FLOOR:
        failures.append(f"10-article story took {story['cpu']:.1f} ms CPU")
    if cpu >= DAY_S_FLOOR:
        failures.append(f"300-article day took {cpu:.2f} s CPU")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
