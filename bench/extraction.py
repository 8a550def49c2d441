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
import random
import sys
import tempfile
import time
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digest.errors import InputError  # noqa: E402
from digest.sources import clean, combine, extract  # noqa: E402
from digest.sources.article_body import marked_body, prefer_marked  # noqa: E402
from digest.sources.readers import ReadDefaults, read  # noqa: E402

FLOOR_F1 = 0.95
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction"
FOLDS = ("A", "B")
# trafilatura.extract(html) as is, and with comments off (how issue 18's held-out table measured it).
BASELINES = ("trafilatura.extract(html)", "trafilatura defaults, no comments")
# (trafilatura mode, gaps filled from its recall pass, readability fallback, marked body, cleaning)
SHIPPED = (extract.MODE, True, True, True, True)
UNREPAIRED = "digest's extraction before the repairs"
BEFORE_ROW = "digest before the repairs"
BEFORE_SETTINGS = {"fast": False}  # what digest passed trafilatura before the repairs
BOOTSTRAP_DRAWS = 2000
MAX_COST_RATIO = 2.0


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
    """What each choice starts from for one page: trafilatura's document per mode, its recall pass,
    the page's links and word count, readability's text (only when asked for), the marked body."""
    found = {mode: extract._extract(html, None, mode) for mode in extract.MODES}
    found["wide"] = extract._extract(html, None, "recall", **extract.WIDE)
    found["outline"] = combine.page_outline(html)
    found["html"] = html
    marked = marked_body(html)
    found["marked"] = extract.html_fragment_to_text(marked) if marked else ""
    return found


def extraction_before(html: str):
    """digest's extraction before the repairs: trafilatura with its own fallbacks, the marked body
    (then cleaned with the tail rules, as digest cleaned pages before)."""
    doc, text = extract.trafilatura_text(html, gaps=False, fallback=False, **BEFORE_SETTINGS)
    marked = marked_body(html)
    return doc, prefer_marked(text, extract.html_fragment_to_text(marked) if marked else "")


def readability_of(found: dict) -> str:
    """readability's text of the page, computed once and kept with its candidates."""
    if "readability" not in found:
        found["readability"] = extract.html_fragment_to_text(combine.readability_html(found["html"]))
    return found["readability"]


def configured_text(found: dict, mode: str, gaps: bool, fallback: bool, marked: bool, cleaned: bool) -> str:
    """The text one combination of choices gives, from a page's candidates (extract.settle, as digest)."""
    doc = found[mode]
    doc, text = extract.settle(found["html"], doc, extract._paragraphs(doc.text if doc else None),
                               found["wide"] if mode != "recall" else None, gaps=gaps, fallback=fallback,
                               outline=found["outline"], other=lambda: readability_of(found))
    title = (doc.title or "") if doc else ""
    if marked:
        text = prefer_marked(text, found["marked"])
    return clean.clean_body(text, title, tail=False) if cleaned else text


def timed(costs: dict, name: str, call, *args, **kwargs):
    """call(*args, **kwargs), its CPU seconds added to costs[name]."""
    start = time.process_time()
    result = call(*args, **kwargs)
    costs[name] = costs.get(name, 0.0) + time.process_time() - start
    return result


def run(pages, tmp: Path) -> tuple[dict, dict, dict]:
    """Score the rows and every combination of choices on every page, keyed by fold; CPU seconds per row."""
    rows: dict[str, list] = {"digest": [], "digest extraction, no cleaning": [], BEFORE_ROW: [], BASELINES[0]: [],
                             BASELINES[1]: [], "plain page text": []}
    combos = {c: [] for c in itertools.product(extract.MODES, *[(True, False)] * 4)}
    costs: dict[str, float] = {}
    for page_id, data, truth in pages:
        path = tmp / f"{page_id}.html"
        path.write_bytes(data)
        html = data.decode("utf-8", "replace")
        where = fold(page_id)
        found = candidates(html)
        rows["digest"].append((page_id, where, score(timed(costs, "digest", digest_text, path, data), truth)))
        fields = timed(costs, "digest extraction, no cleaning", extract.html_to_article_fields, html)
        rows["digest extraction, no cleaning"].append((page_id, where, score(fields.text, truth)))
        doc, text = timed(costs, UNREPAIRED, extraction_before, html)
        rows[BEFORE_ROW].append((page_id, where, score(clean.clean_body(text, (doc.title or "") if doc else "", tail=True), truth)))
        rows[BASELINES[0]].append((page_id, where, score(timed(costs, BASELINES[0], trafilatura_defaults, html), truth)))
        text = timed(costs, BASELINES[1], trafilatura_defaults, html, include_comments=False)
        rows[BASELINES[1]].append((page_id, where, score(text, truth)))
        rows["plain page text"].append((page_id, where, score(plain_page_text(html), truth)))
        for combo, scores in combos.items():
            scores.append((page_id, where, score(configured_text(found, *combo), truth)))
    return rows, combos, {name: seconds / len(pages) for name, seconds in costs.items()}


def bootstrap(ours, theirs, where: str) -> tuple[float, float, float]:
    """Mean F1 difference of two rows over one fold's pages and its 95% bootstrap interval."""
    theirs_by_page = {p: s[2] for p, _, s in theirs}
    return interval([s[2] - theirs_by_page[p] for p, f, s in ours if f == where])


def interval(diffs: list[float], draws: int = BOOTSTRAP_DRAWS) -> tuple[float, float, float]:
    """Mean of per-page differences and its 95% interval, pages drawn with replacement
    (a difference whose interval holds 0 may be noise)."""
    draw = random.Random(0)
    means = sorted(mean(draw.choices(diffs, k=len(diffs))) for _ in range(draws))
    return mean(diffs), means[int(0.025 * draws)], means[int(0.975 * draws) - 1]


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
    on = dict(zip(("gaps", "fallback", "marked body", "cleaning"), ("on" if c else "off" for c in combo[1:])))
    return f"{combo[0]}, " + ", ".join(f"{name} {value}" for name, value in on.items())


def print_two_fold(combos: dict) -> None:
    """The combination best on one fold, reported on the other, beside the shipped one."""
    print("\ntwo-fold check (choose on one fold, report on the other):")
    for tuned, reported in (("A", "B"), ("B", "A")):
        best = max(combos, key=lambda c: (averages(combos[c], tuned)[2], c == SHIPPED))
        print(f"  tuned on {tuned}: {describe(best)}; F1 on {tuned} {averages(combos[best], tuned)[2]:.4f}, "
              f"reported on {reported}: F1 {averages(combos[best], reported)[2]:.4f}"
              f"{' (the shipped choice)' if best == SHIPPED else ''}")
    print(f"  shipped: {describe(SHIPPED)}")


def print_intervals(rows: dict) -> None:
    """digest's F1 minus each baseline's and minus digest's before the repairs, per fold, with
    the 95% bootstrap interval over the fold's pages."""
    print("\nF1 differences per fold, 95% bootstrap interval over pages:")
    for name in (*BASELINES, BEFORE_ROW):
        theirs = rows[name]
        for where in FOLDS:
            diff, low, high = bootstrap(rows["digest"], theirs, where)
            print(f"  digest - {name}, fold {where}: {diff:+.4f} [{low:+.4f}, {high:+.4f}]")


def print_costs(costs: dict) -> None:
    """CPU milliseconds per page of digest's extraction beside trafilatura's alone, same run."""
    print("\nCPU per page (same run):")
    for name, seconds in costs.items():
        print(f"  {name:40} {seconds * 1000:6.1f} ms")
    print(f"  extraction / before the repairs: {cost_ratio(costs):.2f}x (limit {MAX_COST_RATIO}x)")


def cost_ratio(costs: dict) -> float:
    """digest's extraction CPU over its extraction's before the repairs (trafilatura with its fallbacks)."""
    return costs["digest extraction, no cleaning"] / costs[UNREPAIRED]


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
        rows, combos, costs = run(pages, Path(tmp))
    sizes = {f: sum(fold(p) == f for p, _, _ in pages) for f in FOLDS}
    print(f"{len(pages)} pages from {args.data}: fold A {sizes['A']}, fold B {sizes['B']} (sha1 of the id)")
    print(f"{'method':34} {'fold':>4} {'precision':>9} {'recall':>7} {'F1':>7}")
    for name, scores in rows.items():
        for where in (*FOLDS, None):
            p, r, f = averages(scores, where)
            print(f"{name:34} {where or 'all':>4} {p:9.4f} {r:7.4f} {f:7.4f}")
    print_two_fold(combos)
    print_intervals(rows)
    print_costs(costs)
    for page_id, where, s in sorted(rows["digest"], key=lambda x: x[2][2])[: args.worst]:
        print(f"  {page_id[:16]} ({where}) P={s[0]:.3f} R={s[1]:.3f} F1={s[2]:.3f}")
    return verdict(rows, costs)


def verdict(rows: dict, costs: dict) -> int:
    """0 when digest is at or above the library defaults on both folds, above the floor overall,
    and its extraction costs less than MAX_COST_RATIO times its extraction before the repairs."""
    failed = False
    if cost_ratio(costs) > MAX_COST_RATIO:
        print(f"FAIL: extraction takes {cost_ratio(costs):.2f}x the CPU of the extraction before the repairs")
        failed = True
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
