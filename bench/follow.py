"""How strongly two articles must match for a followed story to take one past the window.

Usage: python bench/follow.py [--part tune|test] [--allsides FILE]

A followed story (`digest follow`) takes an article that no open story takes when its cosine
with one of the story's articles reaches `[stories] follow_similarity`. This ingests one part
of ../shared/data/allsides (split by date: tune before 2021-06-01, test after) through the real
ingest, then compares the stored story vectors of every pair of articles: pairs of one
AllSides story (one event, different outlets and framing) should reach the threshold, pairs
of different stories (often one topic days apart) should not. Printed per threshold: the
share of same-event pairs at or above it and the share (and count) of other pairs.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digest import config as config_mod  # noqa: E402
from digest.ingest.inbox import Store  # noqa: E402
from digest.models import Article  # noqa: E402
from digest.store import story_tables  # noqa: E402
from digest.store.corpus import Corpus  # noqa: E402
from digest.stories.link import cosine  # noqa: E402
from digest.text.hashing import content_hash  # noqa: E402

ALLSIDES = Path(__file__).resolve().parents[2] / "shared" / "data" / "allsides" / "stories-2021-04-to-07.jsonl"
SPLIT_DAY = "2021-06-01"
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def vectors(rows: list[dict], folder: Path) -> dict[str, tuple[str, dict[str, float]]]:
    """(AllSides story, stored TF-IDF vector) of each article, after the real ingest of all of them."""
    corpus = Corpus(folder / "c.sqlite")
    store = Store(corpus, config_mod.from_mapping({}, folder))
    story_of = {}
    for r in sorted(rows, key=lambda r: (r["date"], r["article_id"])):
        digest_hex, when = content_hash(r["text"]), datetime.fromisoformat(r["date"])
        article = Article(id="a" + digest_hex[:15], title=r["title"], outlet=r["outlet"], body=r["text"],
                          content_hash=digest_hex, language="en", published=when, ingested_at=when)
        store.put(article)
        story_of[article.id] = r["story_id"]
    weights = store.stories.df.weights
    out = {aid: (story_of[aid], weights(json.loads(terms), language))
           for aid, _, _, terms, language, *_ in corpus.db.execute(story_tables._MEMBERS_SELECT)
           if aid in story_of and terms != "{}"}
    corpus.close()
    return out


def main(argv: list[str] | None = None) -> int:
    """Print same-event recall and other-pair rate per threshold."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("tune", "test"), default="tune")
    parser.add_argument("--allsides", type=Path, default=ALLSIDES)
    args = parser.parse_args(argv)
    if not args.allsides.is_file():
        print(f"{args.allsides}: absent; this bench reads ../shared/data/allsides", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.allsides.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if (r["date"][:10] < SPLIT_DAY) == (args.part == "tune")]
    with tempfile.TemporaryDirectory() as tmp:
        found = vectors(rows, Path(tmp))
    ids = sorted(found)
    same, other = [], []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            (same if found[a][0] == found[b][0] else other).append(cosine(found[a][1], found[b][1]))
    same_a, other_a = np.array(same), np.array(other)
    print(f"{args.part} part: {len(ids)} articles, {len(same)} same-event pairs, {len(other)} other pairs")
    for t in THRESHOLDS:
        print(f"follow_similarity {t:.2f}: same-event pairs {100 * (same_a >= t).mean():5.1f}%, "
              f"other pairs {100 * (other_a >= t).mean():6.3f}% ({int((other_a >= t).sum())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
