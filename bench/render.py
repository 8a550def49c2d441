"""Rendering speed for a 30-story day: email (premailer), PDF, and premailer against css-inline.

Prints the figures, each next to a baseline measured in the same run, and exits non-zero when a
pinned floor is not met. Run: .venv/bin/python bench/render.py
"""
from __future__ import annotations

import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from digest.config import from_mapping
from digest.render import render_html, render_pdf
from digest.render.email import EMAIL_TEMPLATE, email_context, inline_css
from digest.render.environment import render_template
from digest.render.sample import synthetic_digest

STORIES = 30
RUNS = 3
FLOOR_EMAIL_S = 8.0  # render_html for 30 stories, size fitting included (2-core machine)
FLOOR_PDF_S = 12.0  # render_pdf for 30 stories
FLOOR_INLINE_AGREEMENT = 0.80  # share of elements given identical inline styles by both inliners


def timed(func: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    """Median wall time of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def css_inline(html: str) -> str:
    """css-inline with the options that match our premailer call (media queries kept, no network)."""
    import css_inline as ci

    return ci.CSSInliner(keep_style_tags=False, keep_at_rules=True, load_remote_stylesheets=False).inline(html)


def _declarations(style: str | None) -> frozenset[str]:
    """Inline declarations normalised for comparison (spaces, quotes, #abc colours)."""
    out = set()
    for item in (style or "").split(";"):
        item = item.strip().replace(" ", "").replace("'", '"').lower()
        item = re.sub(r"#([0-9a-f])([0-9a-f])([0-9a-f])\b", r"#\1\1\2\2\3\3", item)
        if item:
            out.add(item)
    return frozenset(out)


def style_agreement(a: str, b: str) -> float:
    """Share of body elements given the same inline declarations by both inliners (tbody ignored)."""
    from lxml import html as lh

    def styles(doc: str) -> list[frozenset[str]]:
        """Declarations of every body element in document order."""
        body = lh.fromstring(doc).find("body")
        return [_declarations(el.get("style")) for el in body.iter()
                if isinstance(el.tag, str) and el.tag != "tbody"]

    left, right = styles(a), styles(b)
    same = sum(1 for x, y in zip(left, right) if x == y)
    return same / max(len(left), len(right), 1)


def main() -> int:
    """Run the benchmark and check the floors."""
    digest = synthetic_digest(STORIES)
    config = from_mapping({}, Path(tempfile.mkdtemp()))
    from weasyprint import HTML  # import cost (~1 s) kept out of the timings

    HTML(string="<p>warm-up</p>").write_pdf()
    raw = render_template(config, EMAIL_TEMPLATE, email_context(digest, config, None))
    cold_s, _ = timed(lambda: inline_css(raw), runs=1)  # first call in the process parses the CSS
    jinja_s, _ = timed(lambda: render_template(config, EMAIL_TEMPLATE, email_context(digest, config, None)))
    email_s, html = timed(lambda: render_html(digest, config))
    premailer_s, by_premailer = timed(lambda: inline_css(raw))
    cssinline_s, by_cssinline = timed(lambda: css_inline(raw), runs=10)
    one_s, _ = timed(lambda: render_pdf(synthetic_digest(1), config))
    pdf_s, pdf = timed(lambda: render_pdf(digest, config))
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    agreement = style_agreement(by_premailer, by_cssinline)
    kept = html.count('<td class="story" id=')
    print(f"stories: {STORIES}, raw email HTML {len(raw) / 1024:.0f} KB")
    print(f"email: jinja only (baseline) {jinja_s * 1000:.0f} ms; render_html with premailer and size "
          f"fitting {email_s * 1000:.0f} ms -> {len(html.encode()) / 1024:.0f} KB, {kept} stories kept")
    print(f"inline {len(raw) / 1024:.0f} KB: premailer {premailer_s * 1000:.0f} ms (first call "
          f"{cold_s * 1000:.0f} ms), css-inline "
          f"{cssinline_s * 1000:.1f} ms, ratio {premailer_s / cssinline_s:.0f}x; "
          f"identical inline styles on {agreement:.1%} of elements; outputs "
          f"{len(by_premailer) / 1024:.0f} KB vs {len(by_cssinline) / 1024:.0f} KB; "
          f"@media kept: {'@media' in by_premailer}/{'@media' in by_cssinline}")
    print(f"pdf: 1 story (baseline) {one_s * 1000:.0f} ms; {STORIES} stories {pdf_s * 1000:.0f} ms, "
          f"{pages} pages, {len(pdf) / 1024:.0f} KB")
    failures = []
    if email_s > FLOOR_EMAIL_S:
        failures.append(f"email {email_s:.1f} s > {FLOOR_EMAIL_S} s")
    if pdf_s > FLOOR_PDF_S:
        failures.append(f"pdf {pdf_s:.1f} s > {FLOOR_PDF_S} s")
    if len(html.encode()) > 100 * 1024:
        failures.append("email over the 100 KB budget")
    if agreement < FLOOR_INLINE_AGREEMENT:
        failures.append(f"inliners agree on {agreement:.1%} < {FLOOR_INLINE_AGREEMENT:.0%}")
    for failure in failures:
        print(f"FLOOR NOT MET: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
