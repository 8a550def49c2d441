"""[email] max_html_kb bounds the HTML part as sent (after its transfer encoding), not the HTML before it."""
from __future__ import annotations

import re
from dataclasses import replace

from digest.config import from_mapping
from digest.render import build_message, render_html
from digest.render.sample import synthetic_digest


def _accented(digest):
    """Stories whose text is full of accents and dashes: quoted-printable grows them most."""
    def fold(text: str) -> str:
        return text.replace("e", "é").replace("a", "à").replace(" ", " — ", 3)
    stories = tuple(replace(s, title=fold(s.title), lede=fold(s.lede)) for s in digest.stories)
    return replace(digest, stories=stories)


def test_html_part_as_sent_fits_the_limit(tmp_path):
    limit_kb = 60
    config = from_mapping({"email": {"max_html_kb": limit_kb}}, tmp_path)
    digest = _accented(synthetic_digest(60))
    html = render_html(digest, config)
    part = build_message(digest, config, html, "text").get_body(("html",))
    sent = len(part.get_payload().encode("ascii"))
    assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    assert sent > len(html.encode("utf-8"))  # the encoding does add bytes here
    assert sent <= limit_kb * 1024
    assert 0 < len(re.findall(r'<td class="story" id="story-\d+"', html)) < 60
