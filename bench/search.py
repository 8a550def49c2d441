"""Search and brief-selection time at growing corpus sizes, beside the regex scan over every body.

Usage: python bench/search.py [--sizes 10000,100000] [--matches 50]
       python bench/search.py --sizes 10000,100000,1000000      (the million takes a few minutes)

For each size a fresh corpus (store.corpus.Corpus, whose insert_article fills the full-text
index in the same transaction, as ingestion does) is filled with generated articles: a Zipf
vocabulary of pseudo-words (bench/newsgen.py), about 60 words each, 40 outlets, a year of dates,
three articles a story. --matches of them, in stories of five, also mention "Harlow reservoir",
whatever the size, so every size has the same answer. Then, in the same process:

- search: store.search.search(corpus, '"Harlow reservoir"') (ranked, with snippets, 20 best);
- selection: brief.select(corpus, Selection(topic="Harlow reservoir")), what `digest brief
  --topic` reads before condensing (matching stories from the index, then their articles);
- scan: the old way, a regular expression over the title and body of every stored article
  (rows streamed from SQLite; the old code also built an Article for each, so it was slower).

Times are CPU seconds of this process (SQLite runs in it), median of 5 runs (the scan: 1 run),
wall time beside. Exits 1 when a result differs from the scan's, or when search or selection at
the largest size takes RATIO_FLOOR times its time at the smallest or more (flat cost).
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsgen import vocabulary  # noqa: E402

from digest.brief import Selection, select  # noqa: E402
from digest.models import Article  # noqa: E402
from digest.store import search  # noqa: E402
from digest.store.corpus import Corpus  # noqa: E402

RATIO_FLOOR = 3.0
PHRASE = "Harlow reservoir"
BATCH = 20_000
START = datetime(2025, 1, 1, 8, tzinfo=timezone.utc)


class Generator:
    """Deterministic short articles from a Zipf vocabulary (cumulative weights computed once)."""

    def __init__(self, seed: int = 11):
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng, 20000)
        self.cum = list(accumulate(1.0 / (rank + 1) for rank in range(len(self.words))))
        self.outlets = [f"Outlet {k}" for k in range(40)]

    def text(self, n: int) -> str:
        """n words, as sentences of about 15."""
        words = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        return " ".join(" ".join(words[k:k + 15]).capitalize() + "." for k in range(0, n, 15))

    def article(self, k: int, planted: bool) -> Article:
        """Article number k; a planted one mentions the phrase in its title and body."""
        title = self.text(7).rstrip(".")
        body = self.text(self.rng.randint(40, 80))
        if planted:
            title, body = f"{PHRASE} {title}", f"{body} The {PHRASE} was {self.text(10)}"
        when = START + timedelta(minutes=self.rng.randrange(365 * 24 * 60))
        return Article(id=f"a{k:09d}", title=title, outlet=self.rng.choice(self.outlets), body=body,
                       published=when, ingested_at=when, language="en", content_hash=f"h{k}",
                       story_id=f"s{k // 3:09d}" if not planted else f"p{k // 5:09d}")


def fill(corpus: Corpus, size: int, matches: int, gen: Generator) -> None:
    """`size` articles, `matches` of them planted (in runs of five, spread over the corpus)."""
    step = max(5, size // max(1, matches // 5))
    planted = {start + j for start in range(0, size, step) for j in range(5)}
    planted = set(sorted(planted)[:matches])
    for first in range(0, size, BATCH):
        with corpus.transaction():
            for k in range(first, min(size, first + BATCH)):
                corpus.insert_article(gen.article(k, k in planted))


def _timed(call, runs: int) -> tuple[float, float, object]:
    """(median CPU s, median wall s, last result) of `runs` calls."""
    cpu, wall, result = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = call()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall), result


def scan(corpus: Corpus) -> set[str]:
    """The old selection: a regular expression over every stored title and body."""
    pattern = re.compile(rf"\b{re.escape(PHRASE)}\b", re.IGNORECASE)
    rows = corpus.db.execute("SELECT id, title, body FROM articles")
    return {i for i, title, body in rows if pattern.search(title or "") or pattern.search(body or "")}


def measure(size: int, matches: int, folder: Path) -> dict:
    """Fill a corpus of `size` articles and time search, selection and the scan on it."""
    gen = Generator()
    with Corpus(folder / f"corpus-{size}.sqlite") as corpus:
        w, c = time.perf_counter(), time.process_time()
        fill(corpus, size, matches, gen)
        filled = (time.process_time() - c, time.perf_counter() - w)
        found = _timed(lambda: search.search(corpus, f'"{PHRASE}"', limit=20), 5)
        chosen = _timed(lambda: select(corpus, Selection(topic=PHRASE)), 5)
        scanned = _timed(lambda: scan(corpus), 1)
    return {"size": size, "fill": filled, "search": found[:2], "select": chosen[:2], "scan": scanned[:2],
            "hits": len(found[2]), "selected": {a.id for a in chosen[2]}, "scanned": scanned[2]}


def report(rows: list[dict], matches: int) -> list[str]:
    """Print the table; the failures."""
    print(f"'{PHRASE}' in {matches} articles at every size; CPU s (wall s); median of 5, scan 1 run")
    print(f"{'articles':>10} {'fill':>14} {'search':>18} {'select':>18} {'regex scan':>18}")
    for r in rows:
        cells = [f"{r[k][0] * 1000:8.1f} ms ({r[k][1] * 1000:.0f})" for k in ("search", "select", "scan")]
        print(f"{r['size']:>10,} {r['fill'][0]:8.1f} s ({r['fill'][1]:.0f}) " + " ".join(f"{c:>18}" for c in cells))
    failures = [f"{r['size']}: selection found {len(r['selected'])} articles, the scan {len(r['scanned'])}"
                for r in rows if r["selected"] != r["scanned"] or len(r["scanned"]) != matches]
    first, last = rows[0], rows[-1]
    for key in ("search", "select"):
        ratio = last[key][0] / max(first[key][0], 1e-4)
        print(f"{key}: {last['size']:,} / {first['size']:,} articles = {ratio:.2f}x (floor < {RATIO_FLOOR:.0f}x); "
              f"scan {last['scan'][0] / max(first['scan'][0], 1e-4):.0f}x")
        if len(rows) > 1 and ratio >= RATIO_FLOOR:
            failures.append(f"{key} took {ratio:.2f}x longer at {last['size']:,} than at {first['size']:,} articles")
    return failures


def main(argv: list[str] | None = None) -> int:
    """Run every size; non-zero exit when a floor is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--matches", type=int, default=50, help="articles mentioning the phrase (multiple of 5)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="digest-search-") as tmp:
        rows = [measure(size, args.matches, Path(tmp)) for size in sizes]
    failures = report(rows, args.matches)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
