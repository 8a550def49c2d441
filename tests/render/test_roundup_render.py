"""A roundup in every output: one entry, a line per report with its source, escaped; the email's
lines cut to stay within [email] max_html_kb, the rest counted."""
from __future__ import annotations

import dataclasses
import io
import re
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from digest.config import from_mapping
from digest.models import Article, Roundup, RoundupLine
from digest.render import write_outputs
from digest.render.mailsize import sent_size
from digest.render.sample import synthetic_digest

HOSTILE = '<script>alert("x")</script> & <b>BOLD</b>'


def _line(n: int, entity: str | None = None, url: str | None = None) -> RoundupLine:
    article = Article(id=f"r{n:04d}", title=f"COMPANY {n} <C{n}> 4TH QTR NET", outlet="Wire Service",
                      body="", url=url or f"https://wire.example/c{n}",
                      published=datetime(2026, 3, 2, 10, n % 60, tzinfo=timezone.utc), story_id=f"s{n:04d}")
    return RoundupLine(entity=entity or f"COMPANY {n} <C{n}>", text=f"Shr {n} cts vs {n + 1} cts; Net {n},000 vs 9,000",
                       story_id=f"s{n:04d}", articles=(article,))


def _roundup(lines: int, first: RoundupLine | None = None) -> Roundup:
    body = tuple(_line(n) for n in range(1, lines + 1))
    return Roundup(id="roundup-test", label="Earnings", heading=f"Earnings: {lines + bool(first)} companies reported",
                   outlet="Wire Service", day=date(2026, 3, 2), lines=((first,) if first else ()) + body)


def _digest(roundup: Roundup, stories: int = 2):
    return dataclasses.replace(synthetic_digest(stories, seed=5), roundups=(roundup,))


def _pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    evil = _line(0, entity=HOSTILE, url="javascript:alert(1)")
    digest = _digest(_roundup(3, first=evil))
    return digest, write_outputs(digest, from_mapping({}, root), root / "outbox" / "x")


def test_a_roundup_is_one_entry_with_a_line_and_a_link_per_report_in_every_output(hostile):
    digest, outputs = hostile
    html = outputs["html"].read_text(encoding="utf-8")
    text = outputs["text"].read_text(encoding="utf-8")
    pdf = _pdf_text(outputs["pdf"])
    assert html.count("Earnings: 4 companies reported") == 2  # contents and the entry
    for n in (1, 2, 3):
        assert f'href="https://wire.example/c{n}"' in html
        assert f"https://wire.example/c{n}" in text
        assert f"Shr {n} cts vs {n + 1} cts" in html and f"Shr {n} cts vs {n + 1} cts" in text
        assert f"COMPANY {n} <C{n}>" in pdf
    assert "ROUNDUP: EARNINGS: 4 COMPANIES REPORTED" in text
    assert "Earnings: 4 companies reported" in pdf
    for story in digest.stories:
        assert story.title in html  # the condensed stories are still there


def test_roundup_lines_are_escaped_and_unsafe_links_dropped(hostile):
    _, outputs = hostile
    html = outputs["html"].read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>BOLD</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;BOLD&lt;/b&gt;" in html
    assert "COMPANY 1 &lt;C1&gt;" in html
    assert "javascript:" not in html
    assert "javascript:" not in outputs["text"].read_text(encoding="utf-8")
    assert "<b>BOLD</b>" in _pdf_text(outputs["pdf"])  # shown as text, not markup


def test_email_lists_the_first_roundup_lines_and_counts_the_rest(tmp_path):
    config = from_mapping({"email": {"roundup_lines": 5}}, tmp_path)
    outputs = write_outputs(_digest(_roundup(40)), config, tmp_path / "out")
    html = outputs["html"].read_text(encoding="utf-8")
    text = outputs["text"].read_text(encoding="utf-8")
    assert "COMPANY 5 &lt;C5&gt;" in html and "COMPANY 6 &lt;C6&gt;" not in html
    assert "and 35 more in the PDF briefing" in html and "and 35 more in the PDF briefing" in text
    assert "COMPANY 40 <C40>" in _pdf_text(outputs["pdf"])  # the PDF lists every report


def test_a_long_roundup_is_shortened_to_keep_the_email_within_max_html_kb(tmp_path):
    digest = _digest(_roundup(1500), stories=3)
    limit_kb = 60  # the three condensed stories take about 46 KB as sent
    config = from_mapping({"email": {"max_html_kb": limit_kb, "roundup_lines": 1500}, "pdf": {"max_pages": 200}},
                          tmp_path)
    outputs = write_outputs(digest, config, tmp_path / "out")
    html = outputs["html"].read_text(encoding="utf-8")
    assert sent_size(html) <= limit_kb * 1024
    listed = len(re.findall(r'href="https://wire\.example/c\d+"', html))
    assert 0 < listed < 1500
    assert f"and {1500 - listed:,} more in the PDF briefing" in html
    for story in digest.stories:
        assert story.title in html  # roundup lines give way before condensed stories
