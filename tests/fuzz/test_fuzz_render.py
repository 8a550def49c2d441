"""Digests built from hostile articles (as an old corpus may hold them) through every renderer.

No output may carry a script, an event handler, a javascript:/vbscript:/data: link, a tag
the templates do not write (content markup must come out escaped), a bidi control or a
spoofing zero-width character; the .eml must parse with only its own headers. Fixed seeds.
"""
from __future__ import annotations

import email
import email.policy
import io
import json
import random
import re
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pytest
from hostile_inputs import HOSTILE_URLS, hostile_piece, hostile_text
from pypdf import PdfReader

from digest import config as config_mod
from digest.jsonio import digest_to_dict
from digest.models import Article, Digest, KeyPoint, Section, Story
from digest.render import build_message, render_html, render_pdf, render_text
from digest.render.environment import builtin_dir
from digest.render.pdf import pdf_html
from digest.text.unicode_safety import BIDI_CONTROLS, CONTROLS, ZERO_WIDTH

SEED = 20261202
HTML_CASES = 80
PDF_CASES = 4
FORBIDDEN = frozenset(BIDI_CONTROLS + ZERO_WIDTH + CONTROLS)
# pypdf reads glyphs it cannot map (the .notdef boxes of unsupported scripts) as control codes: PDF text
# is checked for the reordering and spoofing characters only.
FORBIDDEN_IN_PDF = frozenset(BIDI_CONTROLS + ZERO_WIDTH)
TEMPLATE_TAGS = frozenset(tag.lower() for path in builtin_dir().glob("*.html")
                          for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", path.read_text()))
SAFE_LINK = re.compile(r"^(https?://|#|mailto:)", re.IGNORECASE)
BAD_CSS = ("expression(", "javascript:", "vbscript:", "@import", "behavior:", "-moz-binding", "url(")
MAIL_HEADERS = {"subject", "from", "to", "date", "message-id", "mime-version", "content-type",
                "content-transfer-encoding", "content-disposition", "list-unsubscribe"}


def hostile_digest(rng: random.Random) -> Digest:
    """A digest whose every content field comes from the hostile generators."""
    stories, count = [], 0
    for n in range(rng.randint(1, 4)):
        articles = []
        for _ in range(rng.randint(1, 4)):
            count += 1
            copy_of = rng.choice([None, None] + [a.id for a in articles])
            articles.append(Article(
                id=f"a{count}", title=hostile_text(rng, 3), outlet=hostile_piece(rng), body=hostile_text(rng, 6),
                url=rng.choice(HOSTILE_URLS + ("https://news.example/x",)), copy_of=copy_of,
                published=rng.choice((None, datetime(2026, 11, 3, 8, tzinfo=timezone.utc))),
                published_is_guess=rng.random() < 0.3))
        ids = tuple(a.id for a in articles) + ("missing-id",)
        sections = tuple(Section(speaker=rng.choice((None, hostile_piece(rng))),
                                 kind=rng.choice(("speaker", "general", "background")),
                                 points=tuple(KeyPoint(hostile_text(rng, 4), tuple(rng.sample(ids, rng.randint(0, 2))))
                                              for _ in range(rng.randint(1, 3))))
                         for _ in range(rng.randint(0, 3)))
        stories.append(Story(id=f"s{n}", title=hostile_text(rng, 2), lede=hostile_text(rng, 4),
                             articles=tuple(articles), sections=sections, is_update=rng.random() < 0.3,
                             topic=rng.choice((None, hostile_piece(rng)))))
    cut = rng.randint(1, len(stories))
    return Digest(date=date(2026, 11, 3), title=hostile_piece(rng), stories=tuple(stories[:cut]),
                  also=tuple(stories[cut:]), notes=tuple(hostile_piece(rng) for _ in range(rng.randint(0, 2))),
                  generated_at=datetime(2026, 11, 3, 7, tzinfo=timezone.utc))


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <style> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def html_problems(html: str) -> list[str]:
    """What makes an HTML output unsafe."""
    parser = _Elements()
    parser.feed(html)
    lowered = html.lower()
    found = [f"raw {word}" for word in ("<script", "<fuzzcanary") if word in lowered]
    found += [f"char U+{ord(c):04X}" for c in set(html) & FORBIDDEN]
    for tag, attrs in parser.elements:
        if tag not in TEMPLATE_TAGS:
            found.append(f"tag <{tag}> from content")
        for name, value in attrs.items():
            squeezed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=>")
            if name in ("href", "src", "action", "formaction", "poster", "background", "xlink:href", "srcdoc") \
                    and not (name == "href" and SAFE_LINK.match(squeezed)):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "http-equiv":
                found.append(f"<{tag} http-equiv={value!r}>")
            if name == "style" and any(bad in squeezed for bad in BAD_CSS):
                found.append(f"<{tag} style={value[:60]!r}>")
    found += [f"<style> holds {bad}" for css in parser.styles for bad in BAD_CSS if bad in css.lower()]
    return found


def text_problems(text: str) -> list[str]:
    """What makes a plain-text output unsafe: invisible reordering or control characters."""
    return [f"char U+{ord(c):04X}" for c in set(text) & FORBIDDEN]


def eml_problems(raw: bytes) -> list[str]:
    """Parse the .eml back: only the message's own headers, and each body part as safe as its kind."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    found = [f"header {name}" for name in msg.keys() if name.lower() not in MAIL_HEADERS]
    found += text_problems(str(msg["subject"]))
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            found += html_problems(part.get_content())
        elif part.get_content_type() == "text/plain":
            found += text_problems(part.get_content())
    return found


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """A workspace config without templates of its own: the built-in ones are what is checked."""
    return config_mod.from_mapping({}, tmp_path_factory.mktemp("ws"))


def test_benign_baseline_passes_the_checks(config):
    """The checks themselves accept what the templates write (else every fuzz case would fail for nothing)."""
    from digest.render.sample import synthetic_digest

    digest = synthetic_digest(6)
    html = render_html(digest, config)
    assert html_problems(html) == [] and html_problems(pdf_html(digest, config)) == []
    assert "<a " in html and "href" in html
    planted = html.replace("</body>", "<svg onload=alert(1)><a href=' java&#x73;cript:x'>x</a><fuzzcanary></body>")
    assert len(html_problems(planted)) >= 4  # and they do catch what they look for


@pytest.mark.parametrize("block", range(4))
def test_hostile_digests_render_safe_html_text_eml_and_json(config, block):
    rng = random.Random(f"{SEED}-{block}")
    problems: list[str] = []
    for case in range(HTML_CASES // 4):
        digest = hostile_digest(rng)
        html, text = render_html(digest, config), render_text(digest, config)
        raw = build_message(digest, config, html, text).as_bytes()
        found = (html_problems(html) + html_problems(pdf_html(digest, config)) + text_problems(text)
                 + eml_problems(raw) + text_problems(json.dumps(digest_to_dict(digest), ensure_ascii=False)))
        problems += [f"case {block}.{case}: {p}" for p in found]
    assert not problems, "\n".join(problems[:10])


def pdf_problems(pdf: bytes) -> list[str]:
    """Scripts, launch actions or unsafe link targets in a PDF, and spoofing characters in its text."""
    reader = PdfReader(io.BytesIO(pdf))
    found = [f"raw {word}" for word in (b"/JavaScript", b"/JS", b"/Launch", b"/SubmitForm") if word in pdf]
    for page in reader.pages:
        found += [f"char U+{ord(c):04X}" for c in set(page.extract_text() or "") & FORBIDDEN_IN_PDF]
        for annot in page.get("/Annots") or ():
            action = annot.get_object().get("/A") or {}
            uri = str(action.get("/URI", ""))
            if uri and not re.match(r"^https?://", uri):
                found.append(f"link to {uri[:60]!r}")
    return found


@pytest.mark.parametrize("case", range(PDF_CASES))
def test_hostile_digests_render_safe_pdf(config, case):
    digest = hostile_digest(random.Random(f"{SEED}-pdf-{case}"))
    assert pdf_problems(render_pdf(digest, config)) == []


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_regression_line_and_paragraph_separators_do_not_break_the_pdf(config, separator):
    """Found by the fuzz: U+2029 in an article made WeasyPrint fail an assertion, so no PDF at all."""
    article = Article(id="a1", title=f"Harbour {separator}board", outlet="Coastal Herald", body="x",
                      url="https://news.example/1")
    story = Story(id="s1", title=f"Ferry {separator} timetable", lede=f"The board {separator} approved it.",
                  articles=(article,), sections=(Section(None, (KeyPoint(f"Fares stay {separator}the same.", ("a1",)),),
                                                         kind="general"),))
    pdf = render_pdf(Digest(date=date(2026, 11, 3), title="Morning Digest", stories=(story,)), config)
    assert "timetable" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
