"""Build a small --updates example file from the shared AllSides roundups (the data stays in ../shared).

Usage: python bench/updates_example.py [OUT.jsonl] [--allsides FILE]

AllSides stories (a left, a centre and a right outlet's excerpt of one event) are chained into
topics followed over three reading sessions: story A, then the later story B closest to it in
TF-IDF of titles and texts (1 to 30 days later, cosine at least MIN_LINK), then the story C
after B closest to both. Each story is used once. Set A holds A's three excerpts; sets B and C
hold the left and right excerpts, and the centre outlet's excerpt (held out, never a document)
is the human-written reference of what that session reports. Chains whose A is dated before
SPLIT_DAY are the tuning part, the rest the test part ("part" in each line).

Line shape: {"id", "part", "sets": {"A"|"B"|"C": {"documents": [{"title", "date", "outlet",
"text"}]}}, "summaries": {"B": [reference, ...], "C": [...]}}.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

ALLSIDES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "allsides" / "stories-2021-04-to-07.jsonl"
MIN_LINK = 0.2  # TF-IDF cosine between two stories' texts for one to follow the other
MAX_GAP_DAYS = 30
SPLIT_DAY = "2021-06-01"


def _stories(path: Path) -> dict[str, list[dict]]:
    """AllSides articles by story, with all three sides present."""
    stories: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            stories[row["story_id"]].append(row)
    return {sid: sorted(rows, key=lambda r: r["article_id"]) for sid, rows in stories.items()
            if {r["article_id"].rsplit("-", 1)[1] for r in rows} >= {"left", "center", "right"}}


def _day(rows: list[dict]) -> datetime:
    return min(datetime.fromisoformat(r["date"]) for r in rows)


def chains(stories: dict[str, list[dict]]) -> list[tuple[str, str, str]]:
    """(A, B, C) story chains: each next story the closest later one, each story used once."""
    ids = sorted(stories, key=lambda s: (_day(stories[s]), s))
    texts = [" ".join(f"{r['title']} {r['text']}" for r in stories[s]) for s in ids]
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(texts)
    sim = (vectors @ vectors.T).toarray()
    used: set[int] = set()

    def after(i: int, also: int | None = None) -> int | None:
        """The closest unused story 1..MAX_GAP_DAYS days after story i."""
        best, score = None, MIN_LINK
        for j in range(len(ids)):
            gap = (_day(stories[ids[j]]) - _day(stories[ids[i]])).days
            fit = sim[i, j] if also is None else min(sim[i, j], sim[also, j])
            if j not in used and j != i and 1 <= gap <= MAX_GAP_DAYS and fit >= score:
                best, score = j, fit
        return best

    out = []
    for i in range(len(ids)):
        if i in used:
            continue
        b = after(i)
        c = after(b, also=i) if b is not None else None
        if c is not None:
            used.update((i, b, c))
            out.append((ids[i], ids[b], ids[c]))
    return out


def _doc(row: dict) -> dict:
    return {"title": row["title"], "date": row["date"], "outlet": row["outlet"], "text": row["text"]}


def example(stories: dict[str, list[dict]], chain: tuple[str, str, str]) -> dict:
    """One --updates line: set A whole, sets B and C without their centre excerpt (the reference)."""
    a, b, c = (stories[s] for s in chain)

    def side(rows: list[dict], name: str) -> list[dict]:
        return [r for r in rows if r["article_id"].endswith("-" + name)]

    sets = {"A": {"documents": [_doc(r) for r in a]}}
    summaries = {}
    for key, rows in (("B", b), ("C", c)):
        sets[key] = {"documents": [_doc(r) for r in side(rows, "left") + side(rows, "right")]}
        summaries[key] = [r["text"] for r in side(rows, "center")]
    part = "tune" if _day(a).date().isoformat() < SPLIT_DAY else "test"
    return {"id": "-".join(chain), "part": part, "sets": sets, "summaries": summaries}


def main(argv: list[str] | None = None) -> int:
    """Write the example file and say how many chains each part has."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("/tmp/updates-allsides.jsonl"))
    parser.add_argument("--allsides", type=Path, default=ALLSIDES)
    args = parser.parse_args(argv)
    if not args.allsides.is_file():
        print(f"{args.allsides}: absent; this example is built from ../shared/data/allsides", file=sys.stderr)
        return 2
    stories = _stories(args.allsides)
    lines = [example(stories, chain) for chain in chains(stories)]
    args.out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    parts = {p: sum(x["part"] == p for x in lines) for p in ("tune", "test")}
    print(f"{args.out}: {len(lines)} topics followed over three sessions ({parts['tune']} tune, {parts['test']} test)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
