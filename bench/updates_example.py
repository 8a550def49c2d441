"""Build a small --updates example file from the shared AllSides roundups (the data stays in ../shared).

Usage: python bench/updates_example.py [OUT.jsonl] [--allsides FILE]

AllSides stories (a left, a centre and a right outlet's excerpt of one event) are chained into
topics followed over three reading sessions: story A, then the later story B closest to it in
TF-IDF of titles and texts (1 to 30 days later, cosine at least MIN_LINK), then the story C
after B closest to both. Each story is used once. Set A holds A's three excerpts; sets B and C
hold the left and right excerpts, and the centre outlet's excerpt (held out, never a document)
is the human-written reference of what that session reports. Chains whose A is dated before
SPLIT_DAY are the tuning part, the rest the test part ("part" in each line).

With --topics, richer sets closer to the team's (about 10, 8 and 7 articles per reading
session): a topic of bench/topics.py (every story whose headlines match its pattern) is followed
over its stories in date order, cut into three consecutive runs of stories (A the largest), at
most SESSION_STORIES stories a run; a topic with more stories gives several chains. Set A holds
every excerpt of its stories; sets B and C the left and right excerpts of theirs, and the
reference is the centre outlet's excerpts of the set's stories, in date order, each its opening
sentences up to an equal share of REFERENCE_WORDS. The tune and test parts are split by date
as bench/topics.py splits them (stories before SPLIT_DAY tune), so no chain spans both.

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
SESSION_STORIES = 4  # --topics: stories a reading session holds at most (4 stories: 8 new excerpts)
MIN_CHAIN = 5  # --topics: stories a topic needs in a part to be followed over three sessions
REFERENCE_WORDS = 100


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


def _runs(count: int) -> list[tuple[int, int, int]]:
    """Story counts (A, B, C) of the chains a topic of `count` stories gives, A the largest."""
    chains_n = -(-count // (3 * SESSION_STORIES))
    out = []
    for k in range(chains_n):
        size = count // chains_n + (k < count % chains_n)
        base, extra = divmod(size, 3)
        out.append((base + (extra >= 1), base + (extra >= 2), base))
    return out


def topic_examples(stories: dict[str, list[dict]]) -> list[dict]:
    """--topics lines: each bench/topics.py topic's stories of one part, in date order, read in three runs."""
    import topics  # noqa: PLC0415  (bench/topics.py: its topic patterns and reference writer)
    grouped: dict[tuple[str, str], list[list[dict]]] = defaultdict(list)
    for rows in stories.values():
        topic = topics.topic_of(rows)
        if topic:
            part = "tune" if _day(rows).date().isoformat() < SPLIT_DAY else "test"
            grouped[(part, topic)].append(rows)
    lines = []
    for (part, topic), found in sorted(grouped.items()):
        if len(found) < MIN_CHAIN:
            continue
        found.sort(key=lambda rows: (_day(rows), rows[0]["story_id"]))
        start = 0
        for n, sizes in enumerate(_runs(len(found))):
            runs = []
            for size in sizes:
                runs.append(found[start:start + size])
                start += size
            lines.append(_topic_line(f"{part}-{topic}-{n}", part, runs))
    return lines


def _topic_line(name: str, part: str, runs: list[list[list[dict]]]) -> dict:
    """One --updates line from three runs of stories: A whole, B and C without their centre excerpts."""
    from topics import reference  # noqa: PLC0415
    sets = {"A": {"documents": [_doc(r) for rows in runs[0] for r in rows]}}
    summaries = {}
    for key, run in zip(("B", "C"), runs[1:]):
        sets[key] = {"documents": [_doc(r) for rows in run for r in rows if not r["article_id"].endswith("-center")]}
        centres = [r for rows in run for r in rows if r["article_id"].endswith("-center")]
        summaries[key] = [reference(centres, REFERENCE_WORDS)]
    return {"id": name, "part": part, "sets": sets, "summaries": summaries}


def main(argv: list[str] | None = None) -> int:
    """Write the example file and say how many chains each part has."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("/tmp/updates-allsides.jsonl"))
    parser.add_argument("--allsides", type=Path, default=ALLSIDES)
    parser.add_argument("--topics", action="store_true",
                        help="follow bench/topics.py's topics over their stories (richer sets)")
    args = parser.parse_args(argv)
    if not args.allsides.is_file():
        print(f"{args.allsides}: absent; this example is built from ../shared/data/allsides", file=sys.stderr)
        return 2
    stories = _stories(args.allsides)
    lines = topic_examples(stories) if args.topics else [example(stories, chain) for chain in chains(stories)]
    args.out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    parts = {p: sum(x["part"] == p for x in lines) for p in ("tune", "test")}
    print(f"{args.out}: {len(lines)} topics followed over three sessions ({parts['tune']} tune, {parts['test']} test)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
