"""A brief's email and plain text show its overview and timeline (escaped, within the email budget),
and its PDF timeline is cut to the page budget, the most important stories kept."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pypdf import PdfReader

from digest.config import from_mapping
from digest.models import Article, Digest, KeyPoint, Section, SectionKind, Story, TimelineEntry
from digest.render import render_pdf, render_text
from digest.render.email import fit_email
from digest.render.mailsize import sent_size

HOSTILE = "Pipeline <script>alert(1)</script> & the reservoir"


def _article(n: int, day: date, outlet: str) -> Article:
    return Article(id=f"a{n:05d}", title=f"Report {n}", outlet=outlet, body="Body.", language="en",
                   url=f"https://example.org/{n}", published=datetime(day.year, day.month, day.day, 8, tzinfo=timezone.utc))


def _brief(also: int) -> Digest:
    """A brief of three condensed stories and `also` headline-only ones, each a day apart, with an
    overview citing the first three and a timeline of every story in date order."""
    start = date(2026, 1, 1)
    stories, rest, timeline = [], [], []
    for k in range(3 + also):
        day = start + timedelta(days=(3 + also - k))  # the most important story is the newest
        articles = tuple(_article(10 * k + j, day, f"Outlet {j}") for j in range(2))
        title = HOSTILE if k == 0 else f"Story number {k}"
        if k < 3:
            point = KeyPoint(f"Point of story {k}: the council approved the plan on day {k}.", (articles[0].id,))
            stories.append(Story(id=f"s{k}", title=title, lede=f"Lede {k}.", articles=articles,
                                 sections=(Section(None, (point,), kind=SectionKind.GENERAL),)))
        else:
            rest.append(Story(id=f"s{k}", title=title, lede="", articles=articles))
        timeline.append(TimelineEntry(date=day, story=f"s{k}", title=title, sources=tuple(a.id for a in articles)))
    overview = (KeyPoint("Overview <b>point</b> & more about the reservoir.", ("a00000", "a00010")),
                KeyPoint("The council approved the pipeline.", ("a00020",)))
    return Digest(date=start, title="Brief", stories=tuple(stories), also=tuple(rest), overview=overview,
                  timeline=tuple(sorted(timeline, key=lambda e: e.date)))


def _config(tmp_path: Path, **sections):
    return from_mapping(sections, tmp_path)


def test_the_email_and_text_show_the_overview_and_the_timeline_escaped(tmp_path):
    config = _config(tmp_path)
    digest = _brief(also=2)
    html = fit_email(digest, config, attached=False).html
    assert "Overview" in html and "Timeline" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Overview &lt;b&gt;point&lt;/b&gt; &amp; more" in html
    overview, timeline_at, first_story = html.index('id="overview"'), html.index('id="timeline"'), html.index('id="story-1"')
    assert overview < timeline_at < first_story  # before the stories, as in the PDF
    timeline = html[timeline_at:first_story]
    days = [e.date.isoformat() for e in digest.timeline]
    assert [timeline.index(d) for d in days] == sorted(timeline.index(d) for d in days)  # date order
    assert 'href="#story-1"' in timeline  # a condensed story's line links to it
    text = render_text(digest, config)
    assert "OVERVIEW" in text and "TIMELINE" in text
    assert "Overview <b>point</b> & more about the reservoir." in text
    assert "(2 sources: Outlet 0, 2 reports [1] [2])" in text  # cited, with footnotes
    lines = text[text.index("TIMELINE"):text.index("1. PIPELINE")]
    assert [lines.index(d) for d in days] == sorted(lines.index(d) for d in days)


def test_a_brief_email_within_the_budget_lists_the_timeline_of_the_stories_it_holds(tmp_path):
    config = _config(tmp_path, email={"max_html_kb": 40})
    digest = _brief(also=400)
    fit = fit_email(digest, config, attached=False)
    assert sent_size(fit.html) <= 40 * 1024
    assert 0 < fit.also < 400
    assert f"and {400 - fit.also:,} more stories in the PDF briefing" in fit.html
    text = render_text(digest, config, also_limit=fit.also)
    assert f"and {400 - fit.also:,} more stories in the PDF briefing" in text


def test_the_pdf_timeline_is_cut_to_the_page_budget_keeping_the_most_important(tmp_path):
    config = _config(tmp_path, pdf={"max_pages": 9})
    digest = _brief(also=600)
    reader = PdfReader(io.BytesIO(render_pdf(digest, config)))
    assert len(reader.pages) <= 9
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    cut = re.search(r"and (\d+) more stories, less important, left out to stay within \[pdf\] max_pages", text)
    assert cut and 0 < int(cut.group(1)) < 603, text[:2000]
    listed = {int(n) for n in re.findall(r"Story number (\d+)", text)}
    assert 3 in listed and 602 not in listed  # the most important headline-only story stays, the least goes
    assert "Pipeline" in text and "Story number 1" in text
