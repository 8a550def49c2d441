"""Score HTML ingestion on the article-extraction benchmark pages (../shared/data/extraction).

Each page is written as <id>.html and read with `digest.sources.readers.read`, the
same code path as `digest ingest` (trafilatura + boilerplate cleaning). Rows:
digest, trafilatura alone (extract.py without clean.py), trafilatura with its
library defaults, and the plain page text baseline (all visible text of <body>), measured in the same run.

Metric (the benchmark's): whitespace tokens, sets of 4-token shingles, precision,
recall and F1 per page against the ground truth, averaged over pages.
Exit 1 when digest's F1 is below FLOOR_F1.

Usage: .venv/bin/python bench/extraction.py [--data DIR] [--worst N]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digest.errors import InputError  # noqa: E402
from digest.sources.extract import html_to_article_fields  # noqa: E402
from digest.sources.readers import ReadDefaults, read  # noqa: E402

FLOOR_F1 = 0.95
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction"


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """Sets of n consecutive whitespace tokens, as the benchmark defines them."""
    tokens = text.split()
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def score(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall, F1 of predicted shingles against the ground truth's."""
    pred, true = shingles(predicted), shingles(truth)
    if not pred and not true:
        return 1.0, 1.0, 1.0
    if not pred or not true:
        return 0.0, 0.0, 0.0
    hits = len(pred & true)
    precision, recall = hits / len(pred), hits / len(true)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def plain_page_text(html: str) -> str:
    """Baseline: every visible text node of <body>, scripts and styles removed."""
    tree = lxml_html.fromstring(html)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    body = tree.find("body")
    return (body if body is not None else tree).text_content()


def trafilatura_defaults(html: str) -> str:
    """trafilatura.extract with its defaults (comments off): shows what our settings add."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def digest_text(path: Path, data: bytes) -> str:
    """Body of the article(s) ingest would store for this page (empty when refused)."""
    try:
        return "\n\n".join(a.body for a in read(path, data, ReadDefaults()))
    except InputError:
        return ""


def load_pages(data_dir: Path) -> list[tuple[str, bytes, str]]:
    """(id, page bytes, ground-truth text) for every page with a ground truth."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for gz in sorted((data_dir / "html").glob("*.html.gz")):
        page_id = gz.name.split(".")[0]
        if page_id in truth:
            pages.append((page_id, gzip.decompress(gz.read_bytes()), truth[page_id]["articleBody"]))
    return pages


def run(pages, tmp: Path) -> dict[str, list]:
    """Score every method on every page; also time the digest path."""
    rows: dict[str, list] = {"digest (trafilatura + clean)": [], "trafilatura alone": [],
                             "trafilatura, library defaults": [], "plain page text (baseline)": []}
    elapsed = 0.0
    for page_id, data, truth in pages:
        path = tmp / f"{page_id}.html"
        path.write_bytes(data)
        start = time.perf_counter()
        ours = digest_text(path, data)
        elapsed += time.perf_counter() - start
        html = data.decode("utf-8", "replace")
        rows["digest (trafilatura + clean)"].append((page_id, score(ours, truth)))
        rows["trafilatura alone"].append((page_id, score(html_to_article_fields(html).text, truth)))
        rows["trafilatura, library defaults"].append((page_id, score(trafilatura_defaults(html), truth)))
        rows["plain page text (baseline)"].append((page_id, score(plain_page_text(html), truth)))
    rows["_elapsed"] = [elapsed]
    return rows


def mean(values) -> float:
    """Average of a sequence (0 when empty)."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def main() -> int:
    """Print the table and exit 1 when the floor is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worst", type=int, default=0, help="also list the N worst pages for digest")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found in {args.data} (expected ground-truth.json and html/)")
        return 2
    pages = load_pages(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(pages, Path(tmp))
    elapsed = rows.pop("_elapsed")[0]
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'method':32} {'precision':>9} {'recall':>7} {'F1':>7}")
    for name, scores in rows.items():
        p, r, f = (mean(s[i] for _, s in scores) for i in range(3))
        print(f"{name:32} {p:9.4f} {r:7.4f} {f:7.4f}")
    print(f"digest speed: {len(pages) / elapsed:.1f} pages/s ({1000 * elapsed / len(pages):.1f} ms/page)")
    ours = rows["digest (trafilatura + clean)"]
    alone = dict(rows["trafilatura alone"])
    for page_id, s in sorted(ours, key=lambda x: x[1][2])[: args.worst]:
        print(f"  {page_id[:16]} P={s[0]:.3f} R={s[1]:.3f} F1={s[2]:.3f} (alone F1={alone[page_id][2]:.3f})")
    f1 = mean(s[2] for _, s in ours)
    if f1 < FLOOR_F1:
        print(f"FAIL: digest F1 {f1:.4f} is below the floor {FLOOR_F1}")
        return 1
    print(f"OK: digest F1 {f1:.4f} >= floor {FLOOR_F1}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
