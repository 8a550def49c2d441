"""Bidi controls and zero-width spoofing characters never reach an output; right-to-left text still does."""
from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from helpers.feeds import FeedServer, body
from pypdf import PdfReader

from digest import build
from digest import config as config_mod
from digest.ingest import feeds
from digest.ingest.inbox import Store
from digest.jsonio import digest_to_dict
from digest.models import Article, Digest, KeyPoint, Section, Story
from digest.render import render_html, render_pdf, render_text, write_outputs
from digest.render.email import subject
from digest.render.pdf import pdf_html
from digest.sources.readers import ReadDefaults, read
from digest.store import workspace
from digest.text.unicode_safety import BIDI_CONTROLS, ZERO_WIDTH, neutralise

RLO, PDF_, LRI, PDI, RLM, ZWSP, WJ, BOM, ZWNJ, ZWJ = (
    "\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u200b", "\u2060", "\ufeff", "\u200c", "\u200d")
FORBIDDEN = set(BIDI_CONTROLS + ZERO_WIDTH)
SPOOF_TITLE = f"Invoice attached as {RLO}gnp.exe{PDF_} for the harbour board"
SPOOF_OUTLET = f"{RLO}SWEN CBB{PDF_}"
PERSIAN = f"می{ZWNJ}خواهم"  # "I want": the non-joiner is part of the spelling
BODY = (f"The harbour board of Port Arlen approved a new ferry timetable on Tuesday after a long "
        f"{LRI}public{PDI} consultation with residents and the operators of the night crossing.\n\n"
        f"Officials said the six-month trial would add two late crossings on weekdays and that "
        f"fares would stay the same for com{ZWSP}muters, students and pen{WJ}sioners alike.\n\n"
        f"Residents of the northern{BOM} quarter welcomed the change, {RLM}and a Persian-speaking "
        f"ferry worker told reporters {PERSIAN} to see it last beyond the trial period.")


def bad_chars(text: str | None) -> set[str]:
    """The bidi controls and zero-width spoofing characters found in a text."""
    return {f"U+{ord(c):04X}" for c in text or "" if c in FORBIDDEN}


def _txt() -> bytes:
    return f"Title: {SPOOF_TITLE}\nSource: {SPOOF_OUTLET}\nURL: https://example.org/{RLO}a\n\n{BODY}".encode()


def _md() -> bytes:
    return f"---\nSource: {SPOOF_OUTLET}\nAuthor: Jane {RLO}eoD\n---\n# {SPOOF_TITLE}\n\n{BODY}".encode()


def _html() -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    return (f'<html><head><title>{SPOOF_TITLE}</title><meta property="og:site_name" content="{SPOOF_OUTLET}">'
            f'</head><body><article><h1>{SPOOF_TITLE}</h1>{paragraphs}</article></body></html>').encode()


def _eml() -> bytes:
    msg = email.message.EmailMessage()
    msg["Subject"], msg["From"] = SPOOF_TITLE, f'"{SPOOF_OUTLET}" <news@example.org>'
    msg["Date"] = "Tue, 03 Nov 2026 08:00:00 +0000"
    msg.set_content(BODY)
    return msg.as_bytes()


def _json() -> bytes:
    return json.dumps({"title": SPOOF_TITLE, "outlet": SPOOF_OUTLET, "body": BODY, "author": f"Jane {RLO}eoD",
                       "url": f"https://example.org/{RLO}gnp.exe"}).encode()


@pytest.mark.parametrize("suffix, make", [(".txt", _txt), (".md", _md), (".html", _html), (".eml", _eml),
                                          (".json", _json)])
def test_readers_strip_bidi_controls_and_spoofing_zero_widths(tmp_path, suffix, make):
    path = tmp_path / f"article{suffix}"
    path.write_bytes(make())
    [article] = read(path, path.read_bytes(), ReadDefaults())
    for name in ("title", "outlet", "body", "url", "author"):
        assert not bad_chars(getattr(article, name)), name
    assert "gnp.exe" in article.title  # shown in its real (logical) order
    assert article.outlet.upper() == "SWEN CBB"  # trafilatura title-cases og:site_name
    assert "commuters" in article.body and "pensioners" in article.body and "northern quarter" in article.body
    if suffix != ".html":  # trafilatura drops every non-printable character, joiners too
        assert PERSIAN in article.body  # the Persian non-joiner inside the word survives


RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{SPOOF_OUTLET}</title><link>http://example.test/</link>
<item><title>{SPOOF_TITLE}</title><link>http://example.test/{RLO}gnp.exe</link><guid>bidi-1</guid>
<author>desk@example.test (Jane {RLO}eoD)</author><pubDate>Tue, 03 Nov 2026 08:00:00 +0000</pubDate>
<description>{BODY.replace(chr(10) * 2, " ")}</description></item></channel></rss>""".encode()


def test_feed_entries_strip_bidi_controls(tmp_path):
    with FeedServer() as server:
        server.routes["/bidi.xml"] = body(RSS)
        config = config_mod.from_mapping({"feed": [{"url": server.url("/bidi.xml")}],
                                          "feeds": {"timeout": 2, "max_age_days": 0}}, tmp_path)
        with workspace.open_corpus(config) as corpus:
            report = feeds.fetch_all(config, corpus)
            stored = [dict(r) for r in corpus.db.execute("SELECT * FROM articles")]
    assert report.failed == [] and len(stored) == 1
    for name in ("title", "outlet", "body", "url", "author"):
        assert not bad_chars(stored[0][name]), name
    assert stored[0]["outlet"] == "SWEN CBB" and "gnp.exe" in stored[0]["title"]


def _old_article(n: int) -> Article:
    """An article as a corpus ingested before the fix holds it: controls in every field."""
    return Article(id="", title=f"{SPOOF_TITLE} {n}", outlet=f"{SPOOF_OUTLET} {n}", body=BODY,
                   url=f"https://example.org/{RLO}{n}", published=datetime(2026, 11, 3, 8, tzinfo=timezone.utc),
                   author=f"Jane {RLO}eoD")


def _pdf_text(pdf: bytes) -> str:
    """All text pypdf extracts from a PDF."""
    import io

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_outputs_built_from_an_old_corpus_hold_no_bidi_controls(workspace_dir):
    config = config_mod.load(workspace_dir / "digest.toml")
    with workspace.open_corpus(config) as corpus:
        store = Store(corpus, config)
        for n in range(2):
            store.put(_old_article(n))
        assert any(bad_chars(a.title) for a in corpus.unsent_articles())  # the corpus still holds them
        result = build.build(config, corpus, day=date(2026, 11, 3))
    paths = result.outputs
    html, text = paths["html"].read_text(), paths["text"].read_text()
    mail = email.message_from_bytes(paths["eml"].read_bytes(), policy=email.policy.default)
    parts = [p.get_content() for p in mail.walk() if p.get_content_type() in ("text/plain", "text/html")]
    saved = (paths["html"].parent / "digest.json").read_text()
    for name, output in [("html", html), ("text", text), ("eml", "".join(parts)), ("json", saved),
                         ("pdf", _pdf_text(paths["pdf"].read_bytes()))]:
        assert not bad_chars(output), name
        assert "SWEN CBB" in output, name


def test_subject_and_templates_strip_bidi_controls(workspace_dir):
    config = config_mod.load(workspace_dir / "digest.toml")
    article = _old_article(1)
    story = Story(id="s1", title=SPOOF_TITLE, lede=BODY, articles=(article,),
                  sections=(Section(speaker=SPOOF_OUTLET, points=(KeyPoint(BODY, ("",)),)),))
    digest = Digest(date=date(2026, 11, 3), title=f"Morning {RLO}tsegiD", stories=(story,))
    assert not bad_chars(subject(digest, config))
    assert not bad_chars(json.dumps(digest_to_dict(digest), ensure_ascii=False))
    # a workspace template printing raw values gets them neutralised too (the Jinja2 finalize hook)
    (workspace_dir / "templates" / "email.html").write_text(
        "<p>{{ digest.title }} {{ digest.stories[0].articles[0].outlet }}</p>")
    html = render_html(digest, config)
    assert not bad_chars(html) and "SWEN CBB" in html
    assert not bad_chars(render_text(digest, config))


@pytest.mark.parametrize("text, expected", [
    (f"B{ZWSP}BC", "BBC"), (f"pay{WJ}pal", "paypal"), (f"{BOM}Title{BOM}", "Title"),
    (f"a{ZWJ}b {ZWNJ}x", "ab x"), (f"{RLO}SWEN CBB{PDF_}", "SWEN CBB"),
    (PERSIAN, PERSIAN), (f"क्{ZWJ}ष", f"क्{ZWJ}ष"), (f"👩{ZWJ}💻", f"👩{ZWJ}💻"),
    (f"{ZWNJ}{PERSIAN}", PERSIAN), ("x\x1b[31my\x00", "x[31my"), ("page\x0cnext", "page\nnext"),
])
def test_zero_width_rule(text, expected):
    assert neutralise(text) == expected


ARABIC_TITLE = "مجلس الميناء يوافق على جدول العبارات الجديد"
ARABIC = ("وافق مجلس الميناء يوم الثلاثاء على جدول جديد للعبارات بعد مشاورات طويلة مع السكان. "
          "وقال المسؤولون إن التجربة ستستمر ستة أشهر وستضيف رحلتين ليليتين في أيام الأسبوع. "
          "ورحب سكان الحي الشمالي بالتغيير وقالوا إن الأسعار ستبقى كما هي للطلاب والمتقاعدين.")
HEBREW_TITLE = "מועצת הנמל מאשרת לוח זמנים חדש למעבורות"
HEBREW = ("מועצת הנמל אישרה ביום שלישי לוח זמנים חדש למעבורות לאחר התייעצות ארוכה עם התושבים. "
          "לדברי הפקידים הניסוי יימשך שישה חודשים ויוסיף שתי הפלגות לילה בימי חול. "
          "תושבי השכונה הצפונית בירכו על השינוי ואמרו שהמחירים יישארו זהים לסטודנטים ולפנסיונרים.")


def _pdf_words(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text by pdftotext when installed (it orders right-to-left runs), else by pypdf."""
    if shutil.which("pdftotext"):
        path = tmp_path / "rtl.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return _pdf_text(pdf)


def test_arabic_and_hebrew_survive_ingest_and_every_output(tmp_path, ws_config):
    (tmp_path / "ar.txt").write_text(f"Title: {ARABIC_TITLE}\nSource: الجزيرة\n\n{ARABIC}", encoding="utf-8")
    (tmp_path / "he.json").write_text(json.dumps({"title": HEBREW_TITLE, "outlet": "הארץ", "body": HEBREW}))
    [ar] = read(tmp_path / "ar.txt", (tmp_path / "ar.txt").read_bytes(), ReadDefaults())
    [he] = read(tmp_path / "he.json", (tmp_path / "he.json").read_bytes(), ReadDefaults())
    assert (ar.title, ar.outlet, ar.body, ar.language) == (ARABIC_TITLE, "الجزيرة", ARABIC, "ar")
    assert (he.title, he.outlet, he.body, he.language) == (HEBREW_TITLE, "הארץ", HEBREW, "he")
    ar, he = replace(ar, id="ar1"), replace(he, id="he1")
    stories = tuple(Story(id=f"s{a.id}", title=a.title, lede=a.body.split(". ")[0], articles=(a,),
                          sections=(Section(speaker=None, kind="general",
                                            points=(KeyPoint(a.body.split(". ")[1], (a.id,)),)),))
                    for a in (ar, he))
    digest = Digest(date=date(2026, 11, 3), title="Morning Digest", stories=stories)
    pdf = _pdf_words(render_pdf(digest, ws_config), tmp_path)
    for output in (render_html(digest, ws_config), " ".join(render_text(digest, ws_config).split())):
        for words in (ARABIC_TITLE, "الجزيرة", HEBREW_TITLE, "הארץ", "בימי חול"):
            assert words in output
    for word in ("الميناء", "العبارات", "הנמל", "למעבורות", "הארץ"):
        assert word in pdf, word


def test_write_outputs_keep_rtl_and_drop_controls_together(tmp_path, ws_config):
    mixed = Article(id="m1", title=f"{HEBREW_TITLE} {RLO}gnp.exe", outlet=f"הארץ {RLM}", body=HEBREW)
    story = Story(id="m", title=mixed.title, lede=HEBREW, articles=(mixed,))
    paths = write_outputs(Digest(date=date(2026, 11, 3), title="Morning Digest", stories=(story,)),
                          ws_config, tmp_path / "out")
    text = paths["text"].read_text()
    assert not bad_chars(text) and f"{HEBREW_TITLE} gnp.exe".upper() in text


def test_rtl_titles_ledes_and_points_are_set_right_to_left(ws_config):
    article = Article(id="ar1", title=ARABIC_TITLE, outlet="الجزيرة", body=ARABIC, url="https://aljazeera.example/1")
    story = Story(id="s", title=ARABIC_TITLE, lede=ARABIC.split(". ")[0], articles=(article,),
                  sections=(Section(None, (KeyPoint(ARABIC.split(". ")[1], ("ar1",)),), kind="general"),))
    digest = Digest(date=date(2026, 11, 3), title="Morning Digest", stories=(story,))
    html = render_html(digest, ws_config)
    for cls, text in (("story-title", ARABIC_TITLE), ("lede", ARABIC.split(". ")[0]),
                      ("point", ARABIC.split(". ")[1])):
        assert re.search(rf'<(h2|p|td) class="{cls}" dir="rtl"[^>]*>\s*{re.escape(text)}', html), cls
    assert pdf_html(digest, ws_config).count('dir="rtl"') == 3
    english = render_html(Digest(date=date(2026, 11, 3), title="Morning Digest", stories=(
        replace(story, title=f"{RLO}1 Harbour board א"),)), ws_config)  # the first letter decides
    assert 'class="story-title" dir="ltr"' in english
