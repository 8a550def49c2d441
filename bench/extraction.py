"""Score HTML ingestion on the article-extraction benchmark pages (../shared/data/extraction), in two folds.

Each page is written as <id>.html and read with `digest.sources.readers.read`, the
same code path as `digest ingest` (trafilatura, the page's own articleBody container,
boilerplate cleaning). Rows, per fold and in the same run: digest, digest's extraction
without the cleaning, trafilatura with its library defaults (plain `trafilatura.extract(html)`,
and the same with comments off), and the plain page text baseline (all visible text of <body>).

Folds: a page is in fold A when the first byte of sha1(page id) is even, else in fold B
(deterministic, independent of file order; 48 and 42 of the 90 shared pages).
Two-fold check of the choices digest makes: every combination of trafilatura mode
(precision / balanced / recall), the marked article body (on / off) and the cleaning
(on / off) is scored on each fold; the one best on A is reported on B, and the reverse.
`bench/extraction_rules.py` does the same, rule by rule, for the cleaner.

Metric (the benchmark's): whitespace tokens, sets of 4-token shingles, precision,
recall and F1 per page against the ground truth, averaged over pages.
Exit 1 when digest's F1 is below either trafilatura defaults row on either fold, or
below FLOOR_F1 on all pages.

Usage: .venv/bin/python bench/extraction.py [--data DIR] [--worst N]
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import sys
import tempfile
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digest.errors import InputError  # noqa: E402
from digest.sources import clean, extract  # noqa: E402
from digest.sources.article_body import marked_body, prefer_marked  # noqa: E402
from digest.sources.readers import ReadDefaults, read  # noqa: E402

FLOOR_F1 = 0.95
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction"
FOLDS = ("A", "B")
# trafilatura.extract(html) as is, and with comments off (how issue 18's held-out table measured it).
BASELINES = ("trafilatura.extract(html)", "trafilatura defaults, no comments")
SHIPPED = (extract.MODE, True, True)  # (trafilatura mode, marked body, cleaning) as digest runs


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


def fold(page_id: str) -> str:
    """A when the first byte of sha1(page id) is even, else B: a split no one chose page by page."""
    return FOLDS[hashlib.sha1(page_id.encode("utf-8")).digest()[0] % 2]


def plain_page_text(html: str) -> str:
    """Baseline: every visible text node of <body>, scripts and styles removed."""
    tree = lxml_html.fromstring(html)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    body = tree.find("body")
    return (body if body is not None else tree).text_content()


def trafilatura_defaults(html: str, **changes) -> str:
    """trafilatura.extract with its library defaults (and `changes`): the baseline digest must stay above."""
    import trafilatura

    return trafilatura.extract(html, **changes) or ""


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


def candidates(html: str) -> dict:
    """What each choice yields for one page: trafilatura's text and title per mode, the marked body."""
    found = {}
    for mode in extract.MODES:
        doc, text = extract.trafilatura_text(html, None, mode)
        found[mode] = (text, (doc.title or "") if doc else "")
    marked = marked_body(html)
    found["marked"] = extract.html_fragment_to_text(marked) if marked else ""
    return found


def configured_text(found: dict, mode: str, marked: bool, cleaned: bool) -> str:
    """The text one combination of choices gives, from a page's candidates."""
    text, title = found[mode]
    if marked:
        text = prefer_marked(text, found["marked"])
    return clean.clean_body(text, title) if cleaned else text


def run(pages, tmp: Path) -> tuple[dict, dict]:
    """Score the rows and every combination of choices on every page, keyed by fold."""
    rows: dict[str, list] = {"digest": [], "digest extraction, no cleaning": [], BASELINES[0]: [],
                             BASELINES[1]: [], "plain page text": []}
    combos = {c: [] for c in itertools.product(extract.MODES, (True, False), (True, False))}
    for page_id, data, truth in pages:
        path = tmp / f"{page_id}.html"
        path.write_bytes(data)
        html = data.decode("utf-8", "replace")
        where = fold(page_id)
        found = candidates(html)
        rows["digest"].append((page_id, where, score(digest_text(path, data), truth)))
        rows["digest extraction, no cleaning"].append(
            (page_id, where, score(extract.html_to_article_fields(html).text, truth)))
        rows[BASELINES[0]].append((page_id, where, score(trafilatura_defaults(html), truth)))
        rows[BASELINES[1]].append((page_id, where, score(trafilatura_defaults(html, include_comments=False), truth)))
        rows["plain page text"].append((page_id, where, score(plain_page_text(html), truth)))
        for combo, scores in combos.items():
            scores.append((page_id, where, score(configured_text(found, *combo), truth)))
    return rows, combos


def mean(values) -> float:
    """Average of a sequence (0 when empty)."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def averages(scores, where: str | None = None) -> tuple[float, float, float]:
    """Mean precision, recall, F1 over the pages of one fold (all pages for None)."""
    kept = [s for _, f, s in scores if where in (None, f)]
    return tuple(mean(s[i] for s in kept) for i in range(3))


def describe(combo) -> str:
    """A combination of choices in words."""
    mode, marked, cleaned = combo
    return f"{mode}, marked body {'on' if marked else 'off'}, cleaning {'on' if cleaned else 'off'}"


def print_two_fold(combos: dict) -> None:
    """The combination best on one fold, reported on the other, beside the shipped one."""
    print("\ntwo-fold check (choose on one fold, report on the other):")
    for tuned, reported in (("A", "B"), ("B", "A")):
        best = max(combos, key=lambda c: (averages(combos[c], tuned)[2], c == SHIPPED))
        print(f"  tuned on {tuned}: {describe(best)}; F1 on {tuned} {averages(combos[best], tuned)[2]:.4f}, "
              f"reported on {reported}: F1 {averages(combos[best], reported)[2]:.4f}"
              f"{' (the shipped choice)' if best == SHIPPED else ''}")
    print(f"  shipped: {describe(SHIPPED)}")


def main() -> int:
    """Print the per-fold table and exit 1 when digest falls below the defaults or the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worst", type=int, default=0, help="also list the N worst pages for digest")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found in {args.data} (expected ground-truth.json and html/)")
        return 2
    pages = load_pages(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        rows, combos = run(pages, Path(tmp))
    sizes = {f: sum(fold(p) == f for p, _, _ in pages) for f in FOLDS}
    print(f"{len(pages)} pages from {args.data}: fold A {sizes['A']}, fold B {sizes['B']} (sha1 of the id)")
    print(f"{'method':34} {'fold':>4} {'precision':>9} {'recall':>7} {'F1':>7}")
    for name, scores in rows.items():
        for where in (*FOLDS, None):
            p, r, f = averages(scores, where)
            print(f"{name:34} {where or 'all':>4} {p:9.4f} {r:7.4f} {f:7.4f}")
    print_two_fold(combos)
    for page_id, where, s in sorted(rows["digest"], key=lambda x: x[2][2])[: args.worst]:
        print(f"  {page_id[:16]} ({where}) P={s[0]:.3f} R={s[1]:.3f} F1={s[2]:.3f}")
    return verdict(rows)


def verdict(rows: dict) -> int:
    """0 when digest is at or above the library defaults on both folds and above the floor overall."""
    failed = False
    for where, baseline in itertools.product(FOLDS, BASELINES):
        ours, theirs = averages(rows["digest"], where)[2], averages(rows[baseline], where)[2]
        if ours < theirs:
            print(f"FAIL: fold {where}: digest F1 {ours:.4f} is below {baseline} {theirs:.4f}")
            failed = True
    f1 = averages(rows["digest"])[2]
    if f1 < FLOOR_F1:
        print(f"FAIL: digest F1 {f1:.4f} is below the floor {FLOOR_F1}")
        failed = True
    if not failed:
        print(f"OK: digest F1 {f1:.4f} >= floor {FLOOR_F1}, and at or above trafilatura's defaults on both folds")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
