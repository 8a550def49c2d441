"""Each extraction setting and cleaning rule of digest, with and without, on each fold of the benchmark pages.

Same pages, folds and metric as bench/extraction.py. For every trafilatura setting
digest passes (extract.SETTINGS, the recall rescue), the repairs of sources/combine.py
(gaps filled from the recall pass, its link-text test, the readability fallback), the
marked article body, alternatives measured and left out (JSON-LD articleBody, <article>,
a check of trafilatura's text against the og:description lead, recall mode for short
pages, the cleaner's tail rules on pages), and every rule of the cleaner (sources/clean.py
with the patterns of text/furniture.py): the F1 digest's text gets with the item minus the
F1 without it, on fold A and fold B separately, with a 95% bootstrap interval over the
fold's pages and the number of pages it raises and lowers. An item earns its place when it
lowers neither fold; a gain whose interval holds 0 may be noise (the verdict says so).
(boilerplate.py learns an outlet's repeated lines from the corpus: a single page has
none, so it is not measured here.)

Exit 1 when an item digest ships lowers F1 on a fold.

Usage: .venv/bin/python bench/extraction_rules.py [--data DIR]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import DEFAULT_DATA, FOLDS, fold, interval, load_pages, score, shingles  # noqa: E402

from digest.sources import clean, combine, extract  # noqa: E402
from digest.sources.article_body import marked_body, prefer_marked  # noqa: E402
from digest.text import furniture  # noqa: E402

NEVER = re.compile(r"(?!)")
SHORT_PAGE_CHARS = (1000, 2000)  # "recall first for short pages", measured as an alternative
LEAD_MIN_WORDS = 8  # an og:description shorter than this is a tagline, not a lead


@contextmanager
def patched(*changes):
    """Set (module, attribute, value) for the block, then restore; the cleaner's caches are cleared."""
    saved = [(module, name, getattr(module, name)) for module, name, _ in changes]
    for module, name, value in changes:
        setattr(module, name, value)
    clean._flag_anywhere.cache_clear()
    clean._analyse.cache_clear()
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
        clean._flag_anywhere.cache_clear()
        clean._analyse.cache_clear()


def head_without(part: str):
    """clean._flag_head without one of its four tests (date, byline, lowercase label, breadcrumb)."""
    def flag(line: str) -> bool:
        words = clean._words(line)
        tests = {
            "date": lambda: clean.is_date_line(line) or clean._is_weekday_or_date_word_line(line),
            "byline": lambda: bool(clean._BYLINE.match(line)) and len(words) <= 6 and not clean.is_sentence(line),
            "lower": lambda: bool(words) and len(words) <= 3 and line == line.lower() and not clean.is_sentence(line),
            "crumb": lambda: len(words) <= 8 and len(clean._BREADCRUMB.findall(line)) >= 2
            and not clean.is_sentence(line),
        }
        return any(test() for name, test in tests.items() if name != part)
    return flag


# Cleaner rules: what switching each one off means.
RULES = {
    "photo credits": [(clean, "_is_credit", lambda line: False)],
    "caption blocks closed by a credit": [(clean, "_caption_blocks", lambda blocks: set())],
    "interface lines": [(furniture, "UI_LINE", NEVER)],
    "link teasers": [(furniture, "TEASER", NEVER)],
    "author contact lines": [(furniture, "CONTACT", NEVER)],
    "captions with a cue": [(furniture, "CAPTION_START", NEVER), (furniture, "CAPTION_SCREEN", ())],
    "calls to action": [(clean, "_is_cta", lambda line, words: False)],
    "language menus": [(clean, "_is_language_menu", lambda line, words: False)],
    "truncated teasers": [(clean, "_is_truncated_teaser", lambda line, words: False)],
    "title repeats": [(clean, "_has_key", lambda line, key: False)],
    "head: date lines": [(clean, "_flag_head", head_without("date"))],
    "head: bylines": [(clean, "_flag_head", head_without("byline"))],
    "head: lowercase labels": [(clean, "_flag_head", head_without("lower"))],
    "head: breadcrumbs": [(clean, "_flag_head", head_without("crumb"))],
    "broken lines rejoined": [(clean, "_continues", lambda previous, line, width: False)],
}
# trafilatura settings: the value digest does NOT use, per setting it passes.
SETTINGS = {
    "include_comments=False": {"include_comments": True},
    "include_tables=False": {"include_tables": True},
    "deduplicate=False": {"deduplicate": True},
    "trafilatura's own fallbacks off (fast=True)": {"fast": False},
    "recall rescue of thin pages": {"rescue_below": 0},
    "gaps filled from the recall pass": {"gaps": False},
    "readability fallback": {"fallback": False},
}
# Parts of the repairs (sources/combine.py): what switching each one off means.
REPAIRS = {
    "gaps: link-text test": [(combine, "MAX_LINK_SHARE", 2.0)],
}


def json_ld_body(html: str) -> str:
    """The longest JSON-LD articleBody of a page (measured as an alternative to the marked body)."""
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from ([value] if key == "articleBody" and isinstance(value, str) else walk(value))
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
    bodies = []
    for script in lxml_html.fromstring(html).xpath('//script[@type="application/ld+json"]'):
        try:
            bodies.extend(walk(json.loads(script.text or "")))
        except ValueError:
            continue
    return extract.html_fragment_to_text(max(bodies, key=len)) if bodies else ""


def article_element(html: str) -> str:
    """Text of the page's largest <article> (measured as an alternative to the marked body)."""
    nodes = lxml_html.fromstring(html).xpath("//article")
    if not nodes:
        return ""
    largest = max(nodes, key=lambda node: len(node.text_content()))
    return extract.html_fragment_to_text(lxml_html.tostring(largest, encoding="unicode"))


def og_description(html: str) -> str:
    """The page's og:description (its lead, as the page gives it to link previews)."""
    found = lxml_html.fromstring(html).xpath('//meta[@property="og:description"]/@content')
    return found[0] if found else ""


def covered(text: str, part: str) -> float:
    """Share of part's shingles found in text (1 for a part too short to have any)."""
    wanted = shingles(part)
    return len(shingles(text) & wanted) / len(wanted) if wanted else 1.0


def lead_checked(html: str, found) -> tuple:
    """trafilatura's (doc, text), switched to balanced mode when the precision text misses at least
    half of the og:description lead and the balanced text holds it (measured, left out)."""
    lead = og_description(html)
    if len(lead.split()) < LEAD_MIN_WORDS or covered(found[1], lead) >= 0.5:
        return found
    wider = extract.trafilatura_text(html, mode="balanced")
    return wider if covered(wider[1], lead) >= 0.5 else found


def digest_like(html: str, changes: dict, body: str | None = None) -> str:
    """Digest's text for a page (trafilatura, marked body, cleaning), with settings changed."""
    doc, text = extract.trafilatura_text(html, **changes)
    marked = marked_body(html) if body is None else body
    if marked and body is None:
        marked = extract.html_fragment_to_text(marked)
    return clean.clean_body(prefer_marked(text, marked), (doc.title or "") if doc else "", tail=False)


def measure(pages) -> list[tuple[str, dict, dict, bool]]:
    """(item, F1 per page with it, F1 per page without it, shipped?) for every item."""
    html = {p: data.decode("utf-8", "replace") for p, data, _ in pages}
    truth = {p: t for p, _, t in pages}
    found = {p: extract.trafilatura_text(h) for p, h in html.items()}
    marked = {p: extract.html_fragment_to_text(m) if (m := marked_body(h)) else "" for p, h in html.items()}

    def cleaned(p, body, tail=False):
        doc, text = found[p]
        return clean.clean_body(prefer_marked(text, body), (doc.title or "") if doc else "", tail=tail)

    shipped = {p: score(cleaned(p, marked[p]), truth[p])[2] for p in html}
    results = []
    for name, changes in SETTINGS.items():
        without = {p: score(digest_like(html[p], changes), truth[p])[2] for p in html}
        results.append((name, shipped, without, True))
    for name, changes in REPAIRS.items():
        with patched(*changes):
            without = {p: score(digest_like(html[p], {}), truth[p])[2] for p in html}
        results.append((name, shipped, without, True))
    results.append(("marked articleBody container", shipped,
                     {p: score(cleaned(p, ""), truth[p])[2] for p in html}, True))
    for name, body in (("JSON-LD articleBody instead", json_ld_body), ("<article> instead", article_element)):
        other = {p: score(cleaned(p, body(html[p])), truth[p])[2] for p in html}
        results.append((name, other, shipped, False))
    for below in SHORT_PAGE_CHARS:
        recall = {p: extract.trafilatura_text(h, mode="recall") if len(found[p][1]) < below else found[p]
                  for p, h in html.items()}
        other = {p: score(clean.clean_body(prefer_marked(recall[p][1], marked[p]),
                                           (recall[p][0].title or "") if recall[p][0] else "", tail=False), truth[p])[2]
                 for p in html}
        results.append((f"recall mode below {below} characters", other, shipped, False))
    checked = {p: lead_checked(h, found[p]) for p, h in html.items()}
    other = {p: score(clean.clean_body(prefer_marked(checked[p][1], marked[p]),
                                       (checked[p][0].title or "") if checked[p][0] else "", tail=False), truth[p])[2]
             for p in html}
    results.append(("og:description lead check", other, shipped, False))
    tail = {p: score(cleaned(p, marked[p], tail=True), truth[p])[2] for p in html}
    results.append(("clean: tail rules on pages", tail, shipped, False))
    for name, changes in RULES.items():
        with patched(*changes):
            without = {p: score(cleaned(p, marked[p]), truth[p])[2] for p in html}
        results.append((f"clean: {name}", shipped, without, True))
    return results


def judge(with_it: dict, without: dict) -> tuple[dict, str]:
    """Per fold (gain, low, high) of with minus without, 95% bootstrap over the fold's pages, and a verdict:
    an item whose gain on a fold has an interval holding 0 may be noise there."""
    gains = {f: interval([with_it[p] - without[p] for p in with_it if fold(p) == f]) for f in FOLDS}
    lowered = [f for f in FOLDS if gains[f][0] < -5e-5]
    clear = [f for f in FOLDS if gains[f][1] > 0]
    if all(abs(g[0]) < 5e-5 for g in gains.values()):
        return gains, "no effect"
    if lowered:
        return gains, f"lowers fold {' and '.join(lowered)}"
    return gains, f"helps beyond noise on {' and '.join(clear)}" if clear else "helps within noise"


def main() -> int:
    """Print each item's effect per fold; exit 1 when a shipped item lowers a fold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found in {args.data} (expected ground-truth.json and html/)")
        return 2
    pages = load_pages(args.data)
    print(f"{len(pages)} pages; F1 gained by each item (with minus without), per fold (sha1 of the page id),")
    print("with its 95% bootstrap interval over the fold's pages")
    print(f"{'item':50} {'fold A':>26} {'fold B':>26} pages+/-  verdict")
    failed = False
    for name, with_it, without, shipped in measure(pages):
        gains, verdict = judge(with_it, without)
        failed |= shipped and verdict.startswith("lowers")
        label = name if shipped else f"{name} (not shipped)"
        shown = "".join(f" {g:+.4f} [{lo:+.4f},{hi:+.4f}]" for g, lo, hi in gains.values())
        up = sum(with_it[p] > without[p] + 1e-9 for p in with_it)
        down = sum(with_it[p] < without[p] - 1e-9 for p in with_it)
        print(f"{label:50}{shown} {up:>3}+ {down:>2}-  {verdict}")
    print("FAIL: a shipped item lowers F1 on a fold" if failed else "OK: no shipped item lowers F1 on either fold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
