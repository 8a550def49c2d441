"""PDF briefing: contents with page numbers, running header/footer, appendix, metadata, safe fetching."""
from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import threading
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from digest.config import from_mapping
from digest.errors import ConfigError
from digest.models import Article, Digest, KeyPoint, Section, Story
from digest.render import make_fetcher, render_pdf
from digest.render.sample import synthetic_digest


@pytest.fixture(scope="module")
def day() -> Digest:
    """Four stories, one with a copy, one update."""
    base = synthetic_digest(4, day=date(2026, 3, 2), seed=7)
    first = base.stories[0]
    copy = Article(id="copy1", title="Syndicated copy", outlet="Copy Outlet", body="x",
                   url="https://copy.example/1", copy_of=first.articles[0].id)
    stories = (Story(id=first.id, title=first.title, lede=first.lede, articles=first.articles + (copy,),
                     sections=first.sections, is_update=True),) + base.stories[1:]
    return Digest(date=base.date, title="Test Briefing", stories=stories, generated_at=base.generated_at)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ws")


@pytest.fixture(scope="module")
def pdf_bytes(day, workspace) -> bytes:
    config = from_mapping({"pdf": {"author": "Desk Editor"}}, workspace)
    return render_pdf(day, config)


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_cover_contents_stories_and_appendix(pdf_bytes, day):
    pages = page_texts(pdf_bytes)
    cover, toc = pages[0], pages[1]
    assert "Test Briefing" in cover and "Monday 2 March 2026" in cover
    n_sources = len({a.id for s in day.stories for a in s.articles if not a.copy_of})
    assert f"4 stories from {n_sources} sources" in cover
    assert "page 1 of" in cover and f"page 2 of {len(pages)}" in toc
    assert toc.startswith("Contents") or "Contents" in toc
    everything = " ".join(pages)
    for story in day.stories:
        assert story.title in everything
    appendix = " ".join(p for p in pages if "Sources" in p and "https://news.example/" in p)
    for article in day.stories[1].articles:
        assert article.outlet in appendix and article.url in appendix
    assert "Also carried by Copy Outlet: https://copy.example/1" in everything
    assert "Test Briefing" in pages[2]  # running header from the cover title


def test_contents_page_numbers_point_at_the_stories(pdf_bytes, day):
    pages = page_texts(pdf_bytes)
    toc = pages[1]
    for number, story in enumerate(day.stories, start=1):
        match = re.search(rf"(?<!\d){number}\. {re.escape(story.title[:30])}.*?\.{{3,}}\s*(\d+)\b", toc)
        assert match, f"no page number for story {number} in: {toc[:300]}"
        page = int(match.group(1))
        assert story.title[:30] in pages[page - 1]


def test_pdftotext_sees_footer_and_contents(pdf_bytes, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (Debian poppler-utils); pypdf checks cover the rest")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf_bytes)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=30).stdout
    assert "page 1 of" in text and "Contents" in text and "Sources" in text


def test_metadata_and_page_size(pdf_bytes, day, tmp_path):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    meta = reader.metadata
    assert meta.title == "Test Briefing: Monday 2 March 2026"
    assert meta.author == "Desk Editor"
    assert meta.creation_date.replace(tzinfo=None) == datetime(2026, 3, 2, 7, 0)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    letter = render_pdf(Digest(date=day.date, title="L", stories=day.stories[:1]),
                        from_mapping({"pdf": {"page_size": "Letter"}}, tmp_path))
    width, height = (float(v) for v in PdfReader(io.BytesIO(letter)).pages[0].mediabox[2:])
    assert (round(width), round(height)) == (612, 792)
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(pdf_bytes)).trailer["/Root"]  # tagged (PDF/UA-1)


def test_bad_page_size_is_a_config_error(day, tmp_path):
    with pytest.raises(ConfigError, match=r"\[pdf\] page_size"):
        render_pdf(day, from_mapping({"pdf": {"page_size": "A3; } body { display: none"}}, tmp_path))


def test_same_digest_gives_same_pdf(day, workspace, pdf_bytes):
    config = from_mapping({"pdf": {"author": "Desk Editor"}}, workspace)
    assert render_pdf(day, config) == pdf_bytes


class Recorder(BaseHTTPRequestHandler):
    """Counts every request that reaches the local server."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.end_headers()
        self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 that the renderer must never reach."""
    Recorder.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetcher_refuses_network_and_foreign_files(tmp_path, server, caplog):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        encoding="utf-8")
    (templates / "pdf.html").write_text(
        '{% extends "default:pdf.html" %}{% block head_extra %}'
        f'<link rel="stylesheet" href="{server}/style.css">'
        '<style>@import url("file:///etc/passwd");</style>{% endblock %}'
        '{% block cover %}{{ super() }}'
        f'<img src="{server}/pixel.svg" alt="remote"><img src="file:///etc/passwd" alt="passwd">'
        '<img src="logo.svg" alt="workspace logo">{% endblock %}', encoding="utf-8")
    config = from_mapping({}, tmp_path)
    fetcher = make_fetcher(config)
    with caplog.at_level(logging.WARNING, logger="digest.render.pdf"):
        data = render_pdf(synthetic_digest(1), config, fetcher=fetcher)
    assert data.startswith(b"%PDF-")
    assert Recorder.hits == []
    assert f"{server}/style.css" in fetcher.refused and f"{server}/pixel.svg" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert not [u for u in fetcher.refused if u.endswith("logo.svg")]  # workspace files are allowed
    assert any("refused to fetch" in r.getMessage() and "no network" in r.getMessage()
               for r in caplog.records)


def test_article_content_can_never_trigger_a_fetch(tmp_path, server):
    hostile = f'<img src="{server}/title.png"><link rel=stylesheet href="{server}/t.css">'
    article = Article(id="h1", title=hostile, outlet=f'<img src="{server}/outlet.png">', body="x",
                      url=f"{server}/article")
    story = Story(id="s", title=hostile, lede=f'<iframe src="{server}/lede"></iframe>', articles=(article,),
                  sections=(Section(speaker=None, kind="general",
                                    points=(KeyPoint(f'<img src="file:///etc/passwd">{hostile}', ("h1",)),)),))
    config = from_mapping({}, tmp_path)
    fetcher = make_fetcher(config)
    data = render_pdf(Digest(date=date(2026, 1, 1), title="T", stories=(story,)), config, fetcher=fetcher)
    assert Recorder.hits == [] and fetcher.refused == []  # escaped: nothing was even requested
    text = " ".join(page_texts(data))
    assert f'<img src="{server}/title.png">' in text  # shown as text, not an element


def test_fetcher_allows_only_the_expected_places(tmp_path):
    config = from_mapping({}, tmp_path)
    fetcher = make_fetcher(config)
    inside = tmp_path / "templates" / "a.css"
    inside.parent.mkdir()
    inside.write_text("p{}", encoding="utf-8")
    assert fetcher._refusal(inside.as_uri()) is None
    assert fetcher._refusal("data:image/png;base64,AAAA") is None
    for url in ("http://example.org/x", "https://example.org/x", "ftp://example.org/x",
                "file:///etc/passwd", (tmp_path / "templates" / ".." / ".." / "x").as_uri(),
                "data:text/html,<b>", "gopher://x"):
        assert fetcher._refusal(url), url


def test_empty_digest_pdf(tmp_path):
    data = render_pdf(Digest(date=date(2026, 1, 5), title="Quiet Day", stories=()), from_mapping({}, tmp_path))
    text = " ".join(page_texts(data))
    assert "Quiet Day" in text and "0 stories from 0 sources" in text and "No new stories" in text
    assert "page 1 of" in text
