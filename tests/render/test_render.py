"""HTML email, plain text and .eml rendering: safety, size budget, templates, headers."""
from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pytest
from helpers.paths import EXAMPLES, SEEDS, SHARED

from digest.config import from_mapping
from digest.errors import ConfigError, RenderError
from digest.models import Article, Digest, KeyPoint, Section, Story
from digest.render import build_message, render_html, render_text, write_outputs
from digest.render.environment import safe_url
from digest.render.sample import story_from_texts, synthetic_digest

EXAMPLE_TEXTS = EXAMPLES / "inbox"
HOSTILE_TITLE = '<script>alert("t")</script>Hostile <img src=x onerror=alert(1)> title'
HOSTILE_OUTLET = '<img src="http://127.0.0.1:9/x.png" onerror="alert(2)">Evil Outlet'
HOSTILE_POINT = 'Point with <a href="javascript:alert(3)">a link</a> and <iframe src="//evil"></iframe>'


def seed_story() -> Story:
    """The seeds' event as one story, each seed as one outlet's article (the bundled example
    texts where ../shared/seeds is absent, so a user's clone still renders real-looking text)."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else sorted(EXAMPLE_TEXTS.glob("*.txt"))
    texts = []
    for number, path in enumerate(files):
        body = path.read_text(encoding="utf-8")
        head = body.strip().splitlines()[0]
        texts.append((f"Seed Outlet {number}", head, f"https://seed{number}.example/{path.stem}", body))
    return story_from_texts(texts, title="US and NATO reply in writing to Russia's demands")


def hostile_story() -> Story:
    """A story whose every article-supplied field tries to inject markup or unsafe URLs."""
    bad = Article(id="bad1", title=HOSTILE_TITLE, outlet=HOSTILE_OUTLET, body="x",
                  url="javascript:alert(document.cookie)")
    data = Article(id="bad2", title="Data URL article", outlet="Data Outlet", body="x",
                   url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")
    copy = Article(id="bad3", title="Copy", outlet="Copy Outlet", body="x",
                   url="https://copy.example/a", copy_of="bad1")
    section = Section(speaker='<b onmouseover="alert(4)">Speaker</b>', kind="speaker",
                      points=(KeyPoint(HOSTILE_POINT, ("bad1", "bad2", "bad3")),))
    return Story(id="hostile", title=HOSTILE_TITLE, lede="Lede <style>body{display:none}</style>",
                 articles=(bad, data, copy), sections=(section,), is_update=True)


@pytest.fixture
def config(tmp_path):
    """A workspace config with headers to check."""
    return from_mapping({
        "digest": {"title": "Test Briefing"},
        "email": {"from": "Digest Bot <bot@example.org>", "to": ["a@example.org", "B <b@example.org>"],
                  "list_unsubscribe": "<https://example.org/unsub?u=1>, <mailto:unsub@example.org>"},
    }, tmp_path)


@pytest.fixture
def digest_value() -> Digest:
    """The seeds' story, an update story with a copy, and a hostile story."""
    extra = synthetic_digest(1, seed=3).stories[0]
    return Digest(date=date(2022, 1, 27), title="Test Briefing",
                  stories=(seed_story(), extra, hostile_story()),
                  generated_at=datetime(2022, 1, 27, 7, 0, tzinfo=timezone.utc))


class Elements(HTMLParser):
    """Collects (tag, attrs) of every element of an HTML document."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.elements


def strip_media_blocks(css: str) -> str:
    """CSS with every @media { ... } block (nested braces) removed."""
    out, i = [], 0
    while i < len(css):
        start = css.find("@media", i)
        if start < 0:
            out.append(css[i:])
            break
        out.append(css[i:start])
        depth, j = 0, css.index("{", start)
        while j < len(css):
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
            if depth == 0:
                break
        i = j
    return "".join(out)


def test_email_html_is_email_safe(digest_value, config):
    html = render_html(digest_value, config)
    tags = elements(html)
    assert not [t for t, _ in tags if t in ("script", "link", "iframe", "img", "object", "embed")]
    for tag, attrs in tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert value and (value.startswith(("https://", "http://", "#"))), (tag, name, value)
            if name == "src":
                pytest.fail(f"external resource in the email: {tag} src={value}")
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S | re.I)
    assert styles, "the media queries must stay in a <style> block"
    for css in styles:
        leftover = re.sub(r"/\*.*?\*/", "", strip_media_blocks(css), flags=re.S).strip()
        assert leftover == "", f"rules not inlined: {leftover[:200]}"
    assert "@media screen and (max-width" in html and "prefers-color-scheme: dark" in html
    assert "!important" in html  # premailer must not strip it from the media queries
    assert html.count("<!--[if mso]>") == 2  # Outlook's fixed 600 px ghost table survives inlining
    assert not re.search(r"display\s*:\s*(flex|grid)", html)
    assert 'style="' in html and "font-family:-apple-system" in html
    assert len(html.encode()) <= 100 * 1024


def test_email_html_content(digest_value, config):
    html = render_html(digest_value, config)
    for number in (1, 2, 3):
        assert f'href="#story-{number}"' in html and f'id="story-{number}"' in html
    assert "US and NATO reply in writing to Russia's demands" in html
    assert 'class="preheader"' in html and "display: none" in html
    assert ">Update</span>" in html
    assert "also carried by Copy Outlet" in html
    assert re.search(r"\d+ sources: <a ", html)
    assert f'href="{digest_value.stories[0].articles[3].url}"' in html
    assert 'href="https://example.org/unsub?u=1"' in html


def test_hostile_content_is_escaped(digest_value, config):
    html = render_html(digest_value, config)
    assert "<script" not in html.lower() and "<iframe" not in html.lower()
    hrefs = [attrs.get("href") or "" for _, attrs in elements(html)]
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert "data:text/html" not in html  # the article's data: URL is dropped, not even shown
    assert "&lt;script&gt;" in html and "&lt;img src=" in html
    assert "&lt;b onmouseover=" in html
    assert "Lede &lt;style&gt;body{display:none}&lt;/style&gt;" in html
    text = render_text(digest_value, config)
    assert "javascript:alert(document.cookie)" not in text and "data:text" not in text
    assert "(no link)" in text and HOSTILE_TITLE in " ".join(text.split())


@pytest.mark.parametrize("url,expected", [
    ("https://a.example/x?y=1", "https://a.example/x?y=1"),
    ("HTTP://A.example", "HTTP://A.example"),
    ("javascript:alert(1)", None),
    ("  java\tscript:alert(1)", None),
    ("data:text/html,<b>", None),
    ("vbscript:x", None),
    ("//evil.example/x", None),
    ("/relative", None),
    ("", None),
    (None, None),
])
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_size_budget_keeps_top_stories(tmp_path):
    config = from_mapping({"email": {"max_html_kb": 100}}, tmp_path)
    big = synthetic_digest(60)
    html = render_html(big, config)
    assert len(html.encode()) <= 100 * 1024
    kept = len(re.findall(r'<td class="story" id="story-\d+"', html))
    assert 0 < kept < 60
    assert f"{60 - kept} more stories in the PDF briefing" in html
    assert 'id="story-1"' in html and 'id="story-60"' not in html
    assert f"{kept + 1}. {big.stories[kept].title}" in html  # omitted stories are named
    small = render_html(big, from_mapping({"email": {"max_html_kb": 40}}, tmp_path))
    assert len(small.encode()) <= 40 * 1024
    assert len(re.findall(r'<td class="story" id=', small)) < kept


def test_size_budget_impossible_is_a_clear_error(tmp_path):
    config = from_mapping({"email": {"max_html_kb": 1}}, tmp_path)
    with pytest.raises(RenderError, match="max_html_kb"):
        render_html(synthetic_digest(3), config)


def test_plain_text_reads_alone(digest_value, config):
    text = render_text(digest_value, config)
    lines = text.splitlines()
    long_lines = [line for line in lines if len(line) > 72 and "://" not in line]
    assert not long_lines
    assert "TEST BRIEFING" in lines[0]
    assert "US AND NATO REPLY IN WRITING TO RUSSIA'S DEMANDS" in text
    assert "(UPDATE)" in text and "also carried by Copy Outlet" in text
    assert "also carried by Copy Outlet: https://copy.example/a" in text
    footnotes = re.findall(r"^\[(\d+)\] ", text, flags=re.M)
    assert footnotes and footnotes == [str(n) for n in range(1, len(footnotes) + 1)]
    assert re.search(r"^ {4}https://seed0\.example/", text, flags=re.M)
    assert re.search(r"\(\d+ sources?: Seed Outlet \d \[\d+\]", text)
    assert "&lt;" not in text and "&amp;" not in text  # plain text is not HTML-escaped


def test_eml_parses_with_both_parts_and_headers(digest_value, config, tmp_path):
    html, text = render_html(digest_value, config), render_text(digest_value, config)
    raw = build_message(digest_value, config, html, text).as_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "Test Briefing: 2022-01-27"
    assert msg["From"].addresses[0].addr_spec == "bot@example.org"
    assert [a.addr_spec for a in msg["To"].addresses] == ["a@example.org", "b@example.org"]
    assert msg["Date"].datetime == datetime(2022, 1, 27, 7, 0, tzinfo=timezone.utc)
    assert re.fullmatch(r"<[^@\s]+@example\.org>", msg["Message-ID"])
    assert msg["List-Unsubscribe"].startswith("<https://example.org/unsub?u=1>")
    assert msg.get_body(("plain",)).get_content() == text
    assert msg.get_body(("html",)).get_content() == html
    assert raw == build_message(digest_value, config, html, text).as_bytes()  # reproducible


def test_eml_without_unsubscribe_and_with_pdf(digest_value, tmp_path):
    config = from_mapping({"email": {"attach_pdf": True}}, tmp_path)
    raw = build_message(digest_value, config, "<p>x</p>", "x", b"%PDF-1.7 fake").as_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    assert "List-Unsubscribe" not in msg
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "digest-2022-01-27.pdf"
    assert attachment.get_content() == b"%PDF-1.7 fake"
    assert msg.get_body(("plain",)).get_content().strip() == "x"


def test_bad_sender_is_a_config_error(digest_value, tmp_path):
    config = from_mapping({"email": {"from": "not an address"}}, tmp_path)
    with pytest.raises(ConfigError, match=r"\[email\] from"):
        build_message(digest_value, config, "<p>x</p>", "x")


def test_user_template_overrides_and_extends_builtin(digest_value, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "email.html").write_text(
        '{% extends "default:email.html" %}'
        '{% block footer %}<tr><td class="footer">Custom footer for {{ title }}</td></tr>{% endblock %}',
        encoding="utf-8")
    (templates / "_point.html").write_text(
        '<tr><td class="point">POINT: {{ point.text }}</td></tr>\n', encoding="utf-8")
    html = render_html(digest_value, from_mapping({}, tmp_path))
    assert "Custom footer for Test Briefing" in html
    assert "Each point lists the outlets" not in html  # the built-in footer block was replaced
    assert 'id="story-1"' in html and "In this briefing" in html  # the rest is inherited
    assert "POINT: " in html and 'class="bullet"' not in html  # partials resolve to the workspace first


def test_broken_user_template_names_the_file(digest_value, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "email.html").write_text("{% block x %}unclosed", encoding="utf-8")
    with pytest.raises(RenderError, match=r"email\.html.*syntax"):
        render_html(digest_value, from_mapping({}, tmp_path))


def test_empty_digest_renders(tmp_path):
    config = from_mapping({}, tmp_path)
    empty = Digest(date=date(2026, 1, 5), title="Morning Digest", stories=())
    assert "No new stories" in render_html(empty, config)
    assert "No new stories" in render_text(empty, config)


def test_write_outputs_writes_all_files_atomically(digest_value, config, tmp_path):
    outdir = tmp_path / "outbox" / "2022-01-27"
    paths = write_outputs(digest_value, config, outdir)
    assert set(paths) == {"html", "text", "eml", "pdf"}
    assert {p.name for p in paths.values()} == {"digest.html", "digest.txt", "digest.eml", "digest.pdf"}
    assert sorted(p.name for p in outdir.iterdir()) == sorted(p.name for p in paths.values())
    assert paths["pdf"].read_bytes().startswith(b"%PDF-")
    msg = email.message_from_bytes(paths["eml"].read_bytes(), policy=email.policy.default)
    assert msg.get_body(("html",)).get_content() == paths["html"].read_text(encoding="utf-8")


CANIEMAIL = SHARED / "data" / "caniemail" / "features.json"
# Properties some clients ignore, each used only where ignoring it is harmless.
PROGRESSIVE = {
    "css-border-radius": "the Update badge gets square corners in Outlook for Windows",
    "css-max-height": "preheader hiding; display:none and mso-hide:all hide it in Outlook",
    "css-opacity": "preheader hiding; display:none and mso-hide:all hide it",
    "css-overflow": "preheader hiding; display:none and mso-hide:all hide it in Outlook",
    "css-word-break": "long unbroken words may widen the message in Windows Mail only",
}
CLIENTS = ("gmail", "outlook", "apple-mail", "yahoo", "samsung-email")


def _feature_slug(prop: str, features: dict) -> str | None:
    parts = prop.split("-")
    for candidate in (f"css-{prop}", f"css-{'-'.join(parts[:2])}", f"css-{parts[0]}"):
        if candidate in features:
            return candidate
    return None


def test_inline_css_is_supported_by_major_clients(digest_value, config):
    if not CANIEMAIL.is_file():
        pytest.skip(f"{CANIEMAIL} not found: the shared caniemail data sits next to the repository in CI")
    features = {f["slug"]: f for f in json.loads(CANIEMAIL.read_text(encoding="utf-8"))["data"]}
    html = render_html(digest_value, config)
    props = {decl.split(":", 1)[0].strip().lower()
             for _, attrs in elements(html) for decl in (attrs.get("style") or "").split(";") if ":" in decl}
    unsupported = {}
    for prop in sorted(props):
        slug = _feature_slug(prop, features)
        if slug is None or slug in PROGRESSIVE:
            continue
        for client in CLIENTS:
            for platform, versions in features[slug]["stats"].get(client, {}).items():
                latest = list(versions.values())[-1]
                if not latest.startswith(("y", "a")):
                    unsupported[f"{prop} on {client}/{platform}"] = latest
    assert not unsupported
    assert {"padding", "font-size", "background-color", "max-width"} <= props  # the check saw real styles
    for slug in ("css-at-media", "css-at-media-prefers-color-scheme"):
        assert list(features[slug]["stats"]["apple-mail"]["ios"].values())[-1].startswith("y")


def test_css_inline_alternative_gives_the_same_styles(digest_value, config):
    pytest.importorskip("css_inline", reason="css-inline is an optional (bench) dependency")
    from digest.render.email import EMAIL_TEMPLATE, email_context, inline_css
    from digest.render.environment import render_template

    raw = render_template(config, EMAIL_TEMPLATE, email_context(digest_value, config, None))
    fast, slow = inline_css(raw, "css-inline"), inline_css(raw, "premailer")

    def styles(html):
        """Normalised declarations per element (spacing, quotes and #abc colours differ)."""
        out = []
        for tag, attrs in elements(html):
            if tag in ("tbody", "html", "head", "meta", "title", "style"):
                continue
            decls = {re.sub(r"#([0-9a-f])([0-9a-f])([0-9a-f])\b", r"#\1\1\2\2\3\3",
                            d.strip().replace(" ", "").replace("'", '"').lower())
                     for d in (attrs.get("style") or "").split(";") if d.strip()}
            out.append(frozenset(decls))
        return out

    assert "@media" in fast and "<script" not in fast.lower()
    assert styles(fast) == styles(slow) and sum(map(bool, styles(fast))) > 50
    with pytest.raises(ConfigError, match="inliner"):
        inline_css(raw, "juice")


def test_failed_render_leaves_previous_outputs_untouched(digest_value, tmp_path):
    outdir = tmp_path / "out"
    first = write_outputs(digest_value, from_mapping({}, tmp_path), outdir)
    before = {kind: path.read_bytes() for kind, path in first.items()}
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "pdf.html").write_text("{{ no_such_value }}", encoding="utf-8")
    changed = Digest(date=digest_value.date, title="Changed", stories=digest_value.stories[:1])
    with pytest.raises(RenderError, match="pdf.html"):
        write_outputs(changed, from_mapping({}, tmp_path), outdir)
    assert {kind: path.read_bytes() for kind, path in first.items()} == before
    assert sorted(p.name for p in outdir.iterdir()) == sorted(p.name for p in first.values())
