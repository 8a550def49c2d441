"""Story grouping quality: B-cubed precision, recall and F1 of digest's stories against gold labels.

Usage: python bench/stories.py [ARTICLES.jsonl] [--floor 0.95] [--keep DIR] [--errors] [--sweep 0.2,0.25]

Each line of ARTICLES.jsonl is {"article_id", "cluster_id", "text"}: one article (or one
scraped page, junk included) and its gold story. Every text is written to the inbox of a
fresh workspace as a .txt file (.html when it is a whole HTML page) and ingested by digest's normal path (`inbox.ingest`:
reading, cleaning, non-article judgement, dedup against the corpus, story grouping). An
article is then in the story of its stored row; an exact duplicate in the story of the
article it repeats; a text digest rejects (a non-article, or a file the reader refuses)
is a story of its own.

Without ARTICLES.jsonl a labelled set is built at run time from ../shared (never copied
into the repository): the five seed articles (one story), the 90 real news pages'
ground-truth texts of ../shared/data/extraction (grouped by hand into stories in
bench/data/extraction-stories.json: 12 stories of 2-3 outlets, the rest single), a syndicated copy
of every tenth of them (same story: new wrapper, headline and a paragraph cut), the
bundled examples (four stories, labelled by hand), and the pages of
tests/data/nonarticles captured instead of articles: the same cookie wall for three
unrelated stories and the same JavaScript screen for two (a rejected page counts as a
story of its own, so each costs its story some recall), the others for stories of their
own.

Baselines measured in the same run on the same texts: every article its own story, and
plain TF-IDF (scikit-learn, sublinear tf) with single-pass clustering against story
centroids at digest's `[stories] similarity`, a classic topic-detection baseline.

Exits 1 when digest's B-cubed F1 is under --floor (0.95, the issue's target).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from digest import config as config_mod  # noqa: E402
from digest.ingest import inbox  # noqa: E402
from digest.sources.readers import ReadDefaults, read  # noqa: E402
from digest.store import workspace  # noqa: E402
from digest.store.corpus import Corpus  # noqa: E402

SHARED = REPO.parent / "shared"
LABELS = REPO / "bench" / "data" / "extraction-stories.json"  # hand-made: which extraction pages share a story
FLOOR = 0.95
_HTML_PAGE = re.compile(r"\s*<(!doctype\s+html|html[\s>])", re.IGNORECASE)
EXAMPLE_STORIES = {"solar": "ex-solar", "bike-lanes": "ex-bike-lanes", "rail": "ex-rail", "museum": "ex-museum"}
JUNK_STORIES = {"cookie.txt": 3, "js.txt": 2}  # junk pages captured for this many unrelated stories


# --- the default labelled set ------------------------------------------------------------


def _syndicated(text: str, rng: random.Random) -> str:
    """A wire copy: another headline and wrapper, one paragraph cut."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if len(paragraphs) > 3:
        del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
    head = "Wire report: " + paragraphs[0]
    return "\n\n".join([head, "By Staff Writer | Regional Wire Service", *paragraphs[1:],
                        "© 2026 Regional Wire Service. All rights reserved. Distributed by Regional Wire."])


def _example_items() -> list[dict]:
    """The bundled example articles as title and body text, labelled by their file names."""
    items = []
    for path in sorted((REPO / "examples" / "inbox").iterdir()):
        label = next((v for k, v in EXAMPLE_STORIES.items() if k in path.name), None)
        if label is None:
            continue
        for i, article in enumerate(read(path, path.read_bytes(), ReadDefaults())):
            items.append({"article_id": f"{path.name}#{i}", "cluster_id": label,
                          "text": f"{article.title}\n\n{article.body}"})
    return items


def default_set() -> list[dict]:
    """Seeds, real news pages with planted copies, the examples and captured junk, with gold stories."""
    rng = random.Random(11)
    items = [{"article_id": p.name, "cluster_id": "seeds", "text": p.read_text(encoding="utf-8")}
             for p in sorted((SHARED / "seeds").glob("*.txt"))]
    truth = json.loads((SHARED / "data" / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["stories"]
    for n, (key, item) in enumerate(sorted(truth.items())):
        items.append({"article_id": key, "cluster_id": labels.get(key, key), "text": item["articleBody"]})
        if n % 10 == 0:
            items.append({"article_id": key + "-wire", "cluster_id": labels.get(key, key),
                          "text": _syndicated(item["articleBody"], rng)})
    items += _example_items()
    stories = sorted({item["cluster_id"] for item in items})
    for path in sorted((REPO / "tests" / "data" / "nonarticles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if path.name not in JUNK_STORIES:  # captured instead of an article no other outlet carried
            items.append({"article_id": f"junk:{path.name}", "cluster_id": f"junk:{path.name}", "text": text})
        for k in range(JUNK_STORIES.get(path.name, 0)):  # the same page captured for unrelated stories
            items.append({"article_id": f"junk:{path.name}#{k}", "cluster_id": rng.choice(stories), "text": text})
    rng.shuffle(items)
    return items


# --- running digest ------------------------------------------------------------------------


def digest_stories(items: list[dict], folder: Path, similarity: float | None = None) -> tuple[list[str], dict, float]:
    """digest's story of every item (its own for rejected texts), the ingest counts, and seconds taken."""
    workspace.init(folder)
    config = config_mod.load(folder / "digest.toml")
    if similarity is not None:
        config = config_mod.from_mapping({"stories": {"similarity": similarity}}, folder)
    paths = []
    for n, item in enumerate(items):
        suffix = ".html" if _HTML_PAGE.match(item["text"]) else ".txt"  # a scraped page kept as HTML
        path = config.path("inbox") / f"{n:06d}{suffix}"
        path.write_text(item["text"], encoding="utf-8")
        paths.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
    start = time.perf_counter()
    with Corpus(config.path("corpus")) as corpus:
        report = inbox.ingest(config, corpus)
        seconds = time.perf_counter() - start
        story_of = {row[0]: row[1] for row in corpus.db.execute("SELECT id, story_id FROM articles")}
        ids_of = {row[0]: json.loads(row[1]) for row in corpus.db.execute(
            "SELECT sha256, article_ids FROM inbox_files")}
        repeats = corpus.db.execute("SELECT coalesce(sum(seen_count - 1), 0) FROM non_articles").fetchone()[0]
    predicted = []
    for n, (_, sha) in enumerate(paths):
        ids = ids_of.get(sha) or []
        predicted.append(story_of.get(ids[0], f"rejected-{n}") if ids else f"rejected-{n}")
    return predicted, report.counts() | {"non_article_repeats": repeats}, seconds


# --- baselines and scoring -------------------------------------------------------------------


def tfidf_single_pass(texts: list[str], threshold: float) -> list[int]:
    """Plain TF-IDF single-pass clustering: join the closest story centroid at or above the threshold."""
    vectors = TfidfVectorizer(sublinear_tf=True).fit_transform(texts).toarray()
    centroids: list[np.ndarray] = []
    labels = []
    for vector in vectors:
        scores = [float(vector @ c / (np.linalg.norm(c) or 1.0)) for c in centroids]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= threshold:
            centroids[best] = centroids[best] + vector
            labels.append(best)
        else:
            centroids.append(vector.copy())
            labels.append(len(centroids) - 1)
    return labels


def bcubed(predicted: list, gold: list) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels (item-averaged)."""
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for i, (p, g) in enumerate(zip(predicted, gold)):
        both = len(by_pred[p] & by_gold[g])
        precision += both / len(by_pred[p])
        recall += both / len(by_gold[g])
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def print_errors(items: list[dict], predicted: list[str]) -> None:
    """Stories that mix gold stories, and gold stories split over several stories, by article id."""
    by_pred, by_gold = defaultdict(list), defaultdict(list)
    for item, story in zip(items, predicted):
        by_pred[story].append(item)
        by_gold[item["cluster_id"]].append(story)
    for story, members in sorted(by_pred.items()):
        if len({m["cluster_id"] for m in members}) > 1:
            print(f"mixed story {story}:")
            for m in members:
                print(f"   gold {m['cluster_id'][:20]:20} {m.get('article_id', '')[:30]:30} {m['text'][:60]!r}")
    for cluster, stories in sorted(by_gold.items()):
        if len(set(stories)) > 1:
            print(f"split gold story {cluster}: {len(set(stories))} stories {sorted(set(stories))}")


def load(path: Path | None) -> list[dict] | str:
    """The labelled items of ARTICLES.jsonl (or the default set); an error message when there are none."""
    if path is None:
        if not (SHARED / "seeds").is_dir() or not (SHARED / "data" / "extraction").is_dir():
            return f"{SHARED} is absent: pass a JSONL file of {{article_id, cluster_id, text}} lines"
        return default_set()
    if not path.is_file():
        return f"{path}: no such file; pass a JSONL file of {{article_id, cluster_id, text}} lines"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    missing = [i for i, item in enumerate(items) if not {"cluster_id", "text"} <= item.keys()]
    if missing:
        return f"{path}: line {missing[0] + 1} lacks cluster_id or text"
    return items or f"{path}: no articles (one JSON object per line expected)"


def sweep(items: list[dict], gold: list, values: list[float]) -> None:
    """B-cubed F1 of digest at each `[stories] similarity`: how the default was chosen."""
    print(f"{'similarity':>10} {'precision':>9} {'recall':>7} {'F1':>7}")
    for value in values:
        folder = Path(tempfile.mkdtemp(prefix="digest-sweep-"))
        try:
            predicted, _, _ = digest_stories(items, folder / "ws", value)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        precision, recall, f1 = bcubed(predicted, gold)
        print(f"{value:10.2f} {precision:9.3f} {recall:7.3f} {f1:7.3f}")


def main(argv: list[str] | None = None) -> int:
    """Print B-cubed figures of digest and the baselines; exit 1 under the floor."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("articles", type=Path, nargs="?", help="JSONL of {article_id, cluster_id, text}")
    parser.add_argument("--floor", type=float, default=FLOOR, help="minimum B-cubed F1 (default 0.95)")
    parser.add_argument("--keep", type=Path, help="keep the workspace in this (new) folder")
    parser.add_argument("--errors", action="store_true", help="list mixed and split stories")
    parser.add_argument("--sweep", help="comma-separated [stories] similarity values to score, e.g. 0.2,0.25,0.3")
    args = parser.parse_args(argv)
    items = load(args.articles)
    if isinstance(items, str):
        print(items, file=sys.stderr)
        return 2
    gold = [item["cluster_id"] for item in items]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="digest-stories-")) / "ws"
    try:
        predicted, counts, seconds = digest_stories(items, folder)
        threshold = config_mod.load(folder / "digest.toml").get("stories", "similarity")
    finally:
        if not args.keep:
            shutil.rmtree(folder.parent, ignore_errors=True)
    print(f"{len(items)} articles, {len(set(gold))} gold stories; digest made {len(set(predicted))} stories "
          f"in {seconds:.1f} s ({len(items) / seconds:.0f} articles/s)")
    exact = counts["duplicates"] + counts["already_seen"] + counts["non_article_repeats"]
    print(f"exact duplicates found: {exact} ({counts['non_article_repeats']} of them repeated non-articles); "
          f"copies: {counts['copies']}; non-articles: {counts['non_articles']}; refused by the reader: {counts['failed']}")
    rows = [("digest", predicted),
            ("tfidf-single-pass", tfidf_single_pass([item["text"] for item in items], threshold)),
            ("singletons", list(range(len(items))))]
    print(f"{'system':<18} {'precision':>9} {'recall':>7} {'F1':>7}")
    scores = {}
    for name, labels in rows:
        scores[name] = bcubed(labels, gold)
        print(f"{name:<18} {scores[name][0]:9.3f} {scores[name][1]:7.3f} {scores[name][2]:7.3f}")
    if args.errors:
        print_errors(items, predicted)
    if args.sweep:
        sweep(items, gold, [float(v) for v in args.sweep.split(",")])
    if scores["digest"][2] < args.floor:
        print(f"FAIL: digest B-cubed F1 {scores['digest'][2]:.3f} under the floor {args.floor:.2f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
