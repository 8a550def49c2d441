"""digest.json is written and read by one module: what build writes, preview reads back whole."""
from __future__ import annotations

import dataclasses
import json

from helpers.web import get

from digest.config import from_mapping
from digest.jsonio import digest_from_dict, digest_to_dict
from digest.models import Digest
from digest.render.preview import start
from digest.render.sample import synthetic_digest


def _as_stored(digest: Digest) -> Digest:
    """The digest as digest.json keeps it: article bodies are not stored."""
    def story(s):
        return dataclasses.replace(s, articles=tuple(dataclasses.replace(a, body="") for a in s.articles))
    return dataclasses.replace(digest, stories=tuple(map(story, digest.stories)),
                               also=tuple(map(story, digest.also)))


def _with_also(n: int) -> Digest:
    base = synthetic_digest(n)
    also = tuple(dataclasses.replace(s, sections=(), lede="") for s in base.stories[3:])
    return dataclasses.replace(base, stories=base.stories[:3], also=also, notes=("2 stories left out",))


def test_round_trip_keeps_every_field_of_the_digest():
    digest = _with_also(6)
    text = json.dumps(digest_to_dict(digest, why={}, digest_id=7))
    assert digest_from_dict(json.loads(text)) == _as_stored(digest)


def test_preview_shows_also_in_the_news(tmp_path):
    digest = _with_also(6)
    day = tmp_path / "outbox" / "2026-03-02"
    day.mkdir(parents=True)
    (day / "digest.json").write_text(json.dumps(digest_to_dict(digest)), encoding="utf-8")
    server = start(from_mapping({}, tmp_path), day)
    try:
        html = get(server.url + "email.html").decode()
    finally:
        server.stop()
    assert "Also in the news" in html
    for story in digest.also:
        assert story.title in html
