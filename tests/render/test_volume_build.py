"""A day of any volume still gives a digest: the email within [email] max_html_kb, the PDF within
[pdf] max_pages, the .eml within [email] max_message_kb (the PDF left out, and said so)."""
from __future__ import annotations

import dataclasses
import email
import io
import re
from email import policy
from pathlib import Path

import pytest
from pypdf import PdfReader

from digest.config import from_mapping
from digest.models import Digest
from digest.render import write_outputs
from digest.render.mailsize import sent_size
from digest.render.sample import synthetic_digest

CONDENSED, ALSO = 8, 3000


def busy_day(condensed: int = CONDENSED, also: int = ALSO) -> Digest:
    """A day with `condensed` condensed stories and `also` headline-only ones, most important first."""
    base = synthetic_digest(condensed + also, seed=3)
    rest = tuple(dataclasses.replace(s, sections=(), lede="") for s in base.stories[condensed:])
    return dataclasses.replace(base, stories=base.stories[:condensed], also=rest)


LIMIT_KB = 120  # the day's condensed stories alone take about 100 KB as sent


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def day() -> Digest:
    return busy_day()


@pytest.fixture(scope="module")
def outputs(day, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ws")
    config = from_mapping({"pdf": {"max_pages": 20}, "email": {"max_html_kb": LIMIT_KB}}, root)
    return write_outputs(day, config, root / "outbox" / "2026-03-02")


def test_email_of_a_day_with_thousands_of_also_stories_stays_under_the_limit(day, outputs):
    html = outputs["html"].read_text(encoding="utf-8")
    assert sent_size(html) <= LIMIT_KB * 1024  # as sent: quoted-printable included
    for story in day.stories:
        assert story.title in html  # every condensed story is kept; the also list is what shrinks
    shown = [s for s in day.also if s.title in html]
    assert 0 < len(shown) < ALSO
    assert shown == list(day.also[:len(shown)])  # the most important first
    left = ALSO - len(shown)
    assert re.search(rf"{left:,} more stories", html), "the email says how many are left out"
    assert "digest.json" in html and "PDF" in html


def test_text_part_lists_the_same_also_stories_as_the_html(day, outputs):
    html = outputs["html"].read_text(encoding="utf-8")
    text = outputs["text"].read_text(encoding="utf-8")
    shown = sum(1 for s in day.also if s.title in html)
    assert sum(1 for s in day.also if s.title in " ".join(text.split())) == shown
    assert f"{ALSO - shown:,} more stories" in text


def test_pdf_lists_the_rest_compactly_within_its_page_budget(day, outputs):
    pages = pdf_pages(outputs["pdf"].read_bytes())
    assert len(pages) <= 20
    everything = " ".join(pages)
    assert "Also in the news" in everything
    listed = [s for s in day.also if s.title[:40] in everything]
    assert len(listed) > 100
    assert listed == list(day.also[:len(listed)])
    assert f"{ALSO - len(listed):,} more stories" in everything


def test_pdf_sources_appendix_covers_the_condensed_stories_only(day, outputs):
    pages = pdf_pages(outputs["pdf"].read_bytes())
    cover = pages[0]
    sources = len({a.id for s in day.stories for a in s.articles})
    assert f"{CONDENSED} stories from {sources} sources" in cover
    appendix = " ".join(p for p in pages if "news.example/" in p)
    numbers = {int(n) for n in re.findall(r"(?<![\d/])(\d+)\. ?\w", appendix)}
    assert sources in numbers and sources + 1 not in numbers


def _parts(path: Path) -> list[str]:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    return [part.get_content_type() for part in message.walk()]


def test_eml_over_max_message_kb_leaves_the_pdf_out_and_says_so(tmp_path):
    day = busy_day(3, 50)
    attached = from_mapping({"email": {"attach_pdf": True}}, tmp_path)
    out = write_outputs(day, attached, tmp_path / "a")
    assert "application/pdf" in _parts(out["eml"])  # the default limit takes a normal day's PDF
    limit = out["eml"].stat().st_size // 1024 - 10  # 10 KB short of the message with the PDF
    config = from_mapping({"email": {"attach_pdf": True, "max_message_kb": limit}}, tmp_path)
    out = write_outputs(day, config, tmp_path / "b")
    assert out["eml"].stat().st_size <= limit * 1024
    assert "application/pdf" not in _parts(out["eml"])
    assert out["pdf"].is_file()
    for kind in ("html", "text"):
        said = " ".join(out[kind].read_text(encoding="utf-8").split())
        assert "PDF briefing is not attached" in said and "max_message_kb" in said


@pytest.mark.parametrize("limit", [150, 151, 5_000, 13_149, 13_150, 200_000])
def test_largest_fitting_finds_the_exact_count_with_few_slow_renders(limit):
    from digest.render.fit import largest_fitting

    def raw(k: int) -> int:
        return 100 + 10 * k

    probes: list[int] = []

    def real(k: int) -> int:  # inlining grows faster than the raw size, and not linearly
        probes.append(k)
        return 150 + 13 * k + (k * k) // 400

    count = 1000
    expected = max((k for k in range(count + 1) if 150 + 13 * k + (k * k) // 400 <= limit), default=0)
    assert largest_fitting(count, raw, real, limit) == expected
    assert len(probes) <= 8


def _huge(story, n: int, read: int | None):
    """The story with n articles (n outlets' URLs), of which the first `read` were condensed."""
    first = story.articles[0]
    articles = tuple(dataclasses.replace(first, id=f"{story.id}-{i:04d}", outlet=f"Outlet {i}",
                                         url=f"https://news.example/{story.id}/{i}") for i in range(n))
    ids = {a.id for a in articles[:read]} if read else set()
    sections = tuple(dataclasses.replace(s, points=tuple(dataclasses.replace(p, sources=tuple(sorted(ids))[:3])
                                                         for p in s.points)) for s in story.sections)
    return dataclasses.replace(story, articles=articles, sections=sections,
                               read=tuple(a.id for a in articles[:read]) if read else None)


def test_stories_of_thousands_of_articles_still_fit_the_email(tmp_path):
    day = busy_day(3, 5)
    big = _huge(day.stories[0], 2000, 40)
    also = _huge(day.also[0], 2000, None)
    day = dataclasses.replace(day, stories=(big,) + day.stories[1:], also=(also,) + day.also[1:])
    from digest.render import render_html, render_text
    config = from_mapping({}, tmp_path)
    html = render_html(day, config)
    assert len(html.encode("utf-8")) <= 100 * 1024
    shown = [n for n in range(1, 4) if f'id="story-{n}"' in html]
    assert shown == [1, 2, 3]  # the big story is not dropped for its source list
    assert also.title in html and "+1,995" in html
    assert "Condensed from 2,000 articles, 40 read" in " ".join(render_text(day, config).split())
