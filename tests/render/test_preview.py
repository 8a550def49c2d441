"""Local preview server, and the email in headless Chromium at phone and desktop widths."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers.web import get

from digest.config import from_mapping
from digest.jsonio import digest_to_dict
from digest.models import Digest, Story
from digest.render import render_html
from digest.render.preview import start
from digest.render.sample import synthetic_digest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SHOTS = Path(tempfile.gettempdir()) / "digest-screenshots"
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (Debian package chromium, "
                             "installed by scripts/system-deps.sh)")


def chromium(profile: Path, width: int, *args: str, height: int = 1400) -> str:
    """Run headless Chromium once and return its stdout."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", f"--window-size={width},{height}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout


@pytest.fixture
def workspace(tmp_path):
    """A workspace whose outbox day folder holds a digest.json, as `digest build` leaves it."""
    day = tmp_path / "outbox" / "2026-03-02"
    day.mkdir(parents=True)
    base = synthetic_digest(4)
    long_word = "Unbroken" * 25  # 200 characters without a space must not widen the phone layout
    first = base.stories[0]
    digest = Digest(date=base.date, title=base.title, generated_at=base.generated_at, stories=(
        Story(id=first.id, title=f"{long_word} title", lede=f"Lede {long_word}.", articles=first.articles,
              sections=first.sections),) + base.stories[1:])
    (day / "digest.json").write_text(json.dumps(digest_to_dict(digest)), encoding="utf-8")
    return tmp_path, day, digest


def test_preview_serves_outputs_and_rebuilds_on_template_change(workspace):
    root, day, digest = workspace
    server = start(from_mapping({}, root), day)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        page = get(server.url).decode()
        assert 'src="/email.html?v=1"' in page and 'width="375"' in page and 'width="600"' in page
        assert "CONTENTS" in page and "[1] " in page  # the plain text is on the page
        assert digest.stories[0].title in get(server.url + "email.html").decode()
        assert get(server.url + "digest.pdf").startswith(b"%PDF-")
        assert get(server.url + "version") == b"1"
        templates = root / "templates"
        templates.mkdir()
        (templates / "email.html").write_text(
            '{% extends "default:email.html" %}{% block footer %}<tr><td>LIVE EDIT</td></tr>{% endblock %}',
            encoding="utf-8")
        deadline = time.monotonic() + 10
        while get(server.url + "version") == b"1" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "LIVE EDIT" in get(server.url + "email.html").decode()
        (templates / "email.html").write_text("{% block broken %}", encoding="utf-8")
        while "syntax" not in get(server.url).decode() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "template syntax error" in get(server.url).decode()
        assert "LIVE EDIT" in get(server.url + "email.html").decode()  # last good version kept
    finally:
        server.stop()


@needs_chromium
def test_preview_page_in_chromium_shows_no_overflow(workspace, tmp_path):
    root, day, _ = workspace
    server = start(from_mapping({}, root), day)
    try:
        dom = chromium(tmp_path / "profile", 1100, "--virtual-time-budget=3000", "--dump-dom", server.url)
        body = re.search(r"<body[^>]*>", dom).group(0)
        assert 'data-overflow-600="0"' in body and 'data-overflow-375="0"' in body, body
        SHOTS.mkdir(exist_ok=True)
        chromium(tmp_path / "profile", 1100, "--virtual-time-budget=3000",
                 f"--screenshot={SHOTS / 'preview.png'}", server.url)
        assert (SHOTS / "preview.png").stat().st_size > 10_000
    finally:
        server.stop()


FRAME_PAGE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="mail" src="/email.html" width="{width}" height="2400" style="border:0"></iframe>
<script>document.getElementById('mail').addEventListener('load', function () {{
  var w = this.contentWindow, d = w.document, e = d.documentElement;
  var s = w.getComputedStyle(d.querySelector('.story'));
  document.body.setAttribute('data-probe', [w.innerWidth, e.scrollWidth - e.clientWidth, s.paddingLeft].join(' '));
}});</script></body></html>"""


@contextmanager
def served(folder: Path):
    """Serve a folder on 127.0.0.1 (an iframe reads its email only from the same origin)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@needs_chromium
@pytest.mark.parametrize("width,padding", [(320, "16px"), (375, "16px"), (600, "16px"), (1000, "32px")])
def test_email_reflows_in_chromium(tmp_path, width, padding):
    """Measured inside an <iframe width=N>: headless Chromium makes no window narrower than 500 px."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "email.html").write_text(render_html(synthetic_digest(3), from_mapping({}, tmp_path)), encoding="utf-8")
    (site / "index.html").write_text(FRAME_PAGE.format(width=width), encoding="utf-8")
    with served(site) as url:
        dom = chromium(tmp_path / "profile", 1100, "--virtual-time-budget=3000", "--dump-dom", url)
        inner, overflow, pad = re.search(r'data-probe="(\d+) (-?\d+) ([^"]+)"', dom).groups()
        assert int(inner) == width  # the email really was laid out this narrow
        assert overflow == "0" and pad == padding  # media query (with !important) wins on narrow screens
        SHOTS.mkdir(exist_ok=True)
        chromium(tmp_path / "profile", 1100, "--virtual-time-budget=3000",
                 f"--screenshot={SHOTS / f'email-{width}.png'}", url, height=2400)
    assert (SHOTS / f"email-{width}.png").stat().st_size > 10_000


@needs_chromium
def test_email_dark_mode_in_chromium(tmp_path):
    html = render_html(synthetic_digest(2), from_mapping({}, tmp_path))
    page = tmp_path / "probe.html"
    probe = ("<script>addEventListener('load', function () { document.body.setAttribute('data-bg', "
             "getComputedStyle(document.querySelector('.container')).backgroundColor); });</script></body>")
    page.write_text(html.replace("</body>", probe), encoding="utf-8")
    light = chromium(tmp_path / "profile", 800, "--dump-dom", page.as_uri())
    dark = chromium(tmp_path / "profile", 800, "--force-dark-mode", "--dump-dom", page.as_uri())
    assert 'data-bg="rgb(255, 255, 255)"' in light
    assert 'data-bg="rgb(28, 31, 36)"' in dark  # the prefers-color-scheme rules apply
    email = tmp_path / "email.html"
    email.write_text(html, encoding="utf-8")
    SHOTS.mkdir(exist_ok=True)
    chromium(tmp_path / "profile", 800, "--force-dark-mode", f"--screenshot={SHOTS / 'email-dark.png'}",
             email.as_uri(), height=1600)
    assert (SHOTS / "email-dark.png").stat().st_size > 10_000
