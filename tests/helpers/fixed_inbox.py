"""A fixed inbox of a few hundred files for the ingest-decisions test (tests/ingest/test_decisions.py).

Built deterministically (seeded) from the repository's own test texts: a vocabulary of their
words, events told by several outlets (multi-member stories), exact duplicates (same text,
other wrapping), near copies (two words edited, a new footer), trimmed copies and updated
versions, wire reports from one template about different companies, a few non-articles, and
the readers' sample files. `record` writes what the ingest decided for every file: the
expectation the test compares with.

    python tests/helpers/fixed_inbox.py --record   # rewrite tests/data/decisions/expected.json
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data"
EXPECTED = DATA / "decisions" / "expected.json"
START = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)
MTIME = START.timestamp()  # files without a date of their own get this one
EVENTS = 70
COMMON = 60  # the vocabulary's most frequent words, shared by every topic
_WORD = re.compile(r"[a-z]{3,}")
_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b")


def _vocabulary() -> tuple[list[str], list[str]]:
    """Words (most frequent first) and capitalised names of the repository's test texts."""
    counts: dict[str, int] = {}
    names: set[str] = set()
    texts = [*sorted((DATA / "articles").glob("*.txt")), *sorted((DATA / "readers").glob("*.*")),
             DATA / "catalonia-rail-strike.txt"]  # news texts only: not the non-articles' furniture words
    for path in texts:
        if path.suffix not in {".txt", ".md", ".html", ".json"} or path.name.endswith(".expected.json"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for word in _WORD.findall(text):
            counts[word] = counts.get(word, 0) + 1
        names.update(_NAME.findall(text))
    words = sorted(counts, key=lambda w: (-counts[w], w))
    return words, sorted(names)


class _Writer:
    """Seeded text and file writing for one inbox."""

    def __init__(self, folder: Path, seed: int = 13):
        self.folder, self.rng = folder, random.Random(seed)
        self.words, self.names = _vocabulary()
        self.weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        self.rank = {word: rank for rank, word in enumerate(self.words)}
        self.count = 0

    def sentence(self, names: list[str], topic: list[str] | None = None) -> str:
        """One sentence of 8 to 28 words, the common words of the vocabulary and those of a topic
        (default: all words), with one of `names` (if any) and maybe a number."""
        n = self.rng.randint(8, 28)
        words = self.rng.choices(self.words, weights=self.weights, k=n)
        topic = topic or self.words
        words = [word if rank < COMMON else self.rng.choice(topic)
                 for word, rank in zip(words, map(self.rank.__getitem__, words))]
        if names:
            words[self.rng.randrange(n)] = self.rng.choice(names)
        if self.rng.random() < 0.4:
            words.insert(self.rng.randrange(n), str(self.rng.randint(2, 90000)))
        return " ".join(words).capitalize() + "."

    def paragraphs(self, facts: list[str], count: int, topic: list[str]) -> list[str]:
        """count paragraphs: some of an event's fact sentences among new ones."""
        out = []
        for _ in range(count):
            sentences = [self.sentence([], topic) for _ in range(self.rng.randint(1, 3))]
            if facts and self.rng.random() < 0.7:
                sentences.insert(0, self.rng.choice(facts))
            out.append(" ".join(sentences))
        return out

    def name(self) -> str:
        """An invented proper name: the start of one word and the end of another, capitalised."""
        a, b = self.rng.sample(self.words[100:], 2)
        return (a[:max(2, len(a) // 2)] + b[len(b) // 2:]).capitalize()

    def write(self, title: str, outlet: str, when: datetime | None, body: str, name: str = "") -> str:
        """One plain-text inbox file (title, source and date headers, body); its name."""
        self.count += 1
        name = name or f"f{self.count:04d}.txt"
        head = f"{title}\nSource: {outlet}\n" + (f"Date: {when.isoformat()}\n" if when else "")
        (self.folder / name).write_text(f"{head}\n{body}\n", encoding="utf-8")
        return name


def _events(w: _Writer) -> list[tuple[str, str, datetime, str]]:
    """Events told by 1 to 6 outlets each: (title, outlet, date, body) of every telling."""
    told = []
    for e in range(EVENTS):
        names = [w.name() for _ in range(3)] + [w.rng.choice(w.names), str(w.rng.randint(100, 9999))]
        topic = w.rng.sample(w.words[COMMON:], 40)
        facts = [w.sentence(names, topic) for _ in range(6)]
        day = START + timedelta(days=w.rng.randint(0, 9), hours=w.rng.randint(0, 12))
        for k in range(w.rng.choice([1, 1, 2, 3, 4, 6])):
            title = f"{names[0]} {w.rng.choice(w.words[50:400])} {names[1]} {w.rng.choice(w.words[50:400])}"
            body = "\n\n".join(w.paragraphs(facts, w.rng.randint(4, 9), topic))
            told.append((title, f"Outlet {w.rng.randint(1, 40)}", day + timedelta(hours=k * 3), body))
    return told


def _copies(w: _Writer, told: list[tuple[str, str, datetime, str]]) -> None:
    """Exact duplicates, near copies, trimmed copies and updated versions of some tellings."""
    for title, outlet, when, body in w.rng.sample(told, 15):  # the same text, other wrapping
        w.write(title.upper(), "Outlet 99", when + timedelta(hours=1), "  " + body.replace(". ", ".  "))
    for title, outlet, when, body in w.rng.sample(told, 20):  # two words edited, a footer
        words = body.split(" ")
        for _ in range(2):
            words[w.rng.randrange(len(words))] = w.rng.choice(w.words[:300])
        w.write("Re: " + title, "Syndicate", when + timedelta(hours=2),
                " ".join(words) + "\n\nThis article first appeared on the Example Wire website.")
    for title, outlet, when, body in w.rng.sample(told, 10):  # trimmed to its first paragraphs
        paragraphs = body.split("\n\n")
        w.write(title, "Digest Brief", when + timedelta(hours=3), "\n\n".join(paragraphs[:max(2, len(paragraphs) // 2)]))
    for title, outlet, when, body in w.rng.sample(told, 10):  # updated: one more long paragraph
        extra = " ".join(w.sentence([]) for _ in range(4))
        w.write(title + " (updated)", outlet, when + timedelta(hours=5), body + "\n\n" + extra)


def _template(w: _Writer) -> None:
    """Wire reports from one template about different companies (never one story)."""
    for i in range(12):
        ticker = "".join(w.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        company = w.rng.choice(w.names).upper()
        figures = [f"{w.rng.randint(1, 300) / 100:.2f}" for _ in range(2)]
        body = (f"Shr {figures[0]} dlrs vs {figures[1]} dlrs\nNet {w.rng.randint(1, 90)} mln vs "
                f"{w.rng.randint(1, 90)} mln\nRevs {w.rng.randint(100, 900)} mln vs {w.rng.randint(100, 900)} mln\n\n"
                + " ".join(w.sentence([company.title()]) for _ in range(4)))
        w.write(f"{company} CORP <{ticker}> 1ST QTR NET", "Wire", START + timedelta(hours=i), body)


def build(folder: Path) -> Path:
    """Write the fixed inbox into folder (made if missing); folder."""
    folder.mkdir(parents=True, exist_ok=True)
    w = _Writer(folder)
    told = _events(w)
    for title, outlet, when, body in told:
        w.write(title, outlet, when, body)
    _copies(w, told)
    _template(w)
    for sample in sorted((DATA / "nonarticles").glob("*.txt"))[:4]:
        shutil.copy(sample, folder / f"n-{sample.name}")
    for sample in sorted((DATA / "readers").iterdir()):
        if sample.is_file() and not sample.name.endswith(".expected.json"):
            shutil.copy(sample, folder / f"r-{sample.name}")
    for sample in [*sorted((DATA / "articles").glob("*.txt")), DATA / "catalonia-rail-strike.txt"]:
        shutil.copy(sample, folder / f"a-{sample.name}")
    for path in folder.iterdir():
        os.utime(path, (MTIME, MTIME))
    return folder


def decisions(corpus) -> dict[str, dict]:
    """What the ingest decided for every inbox file, by file name: its articles with their
    story and copy_of, the originals of its exact duplicates, or that it was not an article."""
    db = corpus.db
    out: dict[str, dict] = {}
    for path, status, ids in db.execute("SELECT path, status, article_ids FROM inbox_files ORDER BY path"):
        rows = [db.execute("SELECT id, story_id, copy_of FROM articles WHERE id = ?", (i,)).fetchone()
                for i in json.loads(ids or "[]")]
        out[Path(path).name] = {"status": status, "articles": [list(r) if r else None for r in rows]}
    for source, original, kind in db.execute("SELECT source_path, original_id, kind FROM duplicates ORDER BY id"):
        out.setdefault(Path(source).name, {}).setdefault("dropped", []).append([original, kind])
    return out


def record(folder: Path) -> dict:
    """Ingest the fixed inbox into a fresh workspace at folder; the decisions (see `decisions`)."""
    from digest import config as config_mod
    from digest.ingest.inbox import ingest
    from digest.store import workspace

    workspace.init(folder)
    build(folder / "inbox")
    config = config_mod.load(folder / "digest.toml")
    with workspace.open_corpus(config) as corpus:
        report = ingest(config, corpus)
        found = decisions(corpus)
        found["_duplicates"] = sorted(Path(p).name for p in report.duplicates)
        found["_non_articles"] = sorted(Path(n).name for n, _ in report.non_articles)
        found["_failed"] = sorted(Path(n).name for n, _ in report.failed)
    return found


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] != ["--record"]:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        result = record(Path(tmp) / "ws")
    EXPECTED.parent.mkdir(parents=True, exist_ok=True)
    EXPECTED.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{EXPECTED}: {len(result) - 3} files")
