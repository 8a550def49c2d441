"""Reader cases kept as data: each tests/data/readers/NAME.EXT has NAME.expected.json beside it.

An expected file says why the case exists and either the articles the file must give (only the
fields it names are checked; body_* keys check the text) or the words its refusal must name.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from helpers.paths import DATA

from digest.errors import InputError
from digest.sources.readers import ReadDefaults, read

CASES = sorted((DATA / "readers").rglob("*.expected.json"))
FIELDS = ("title", "outlet", "url", "published_is_guess", "author", "language", "id", "content_hash")


def _input_of(expected: Path) -> Path:
    """The case file an expected file describes (same name, the reader's suffix)."""
    stem = expected.name.removesuffix(".expected.json")
    found = [p for p in expected.parent.glob(stem + ".*") if not p.name.endswith(".expected.json")]
    assert len(found) == 1, f"{expected}: expected one input file named {stem}.*, found {found}"
    return found[0]


def _check_article(article, want: dict) -> None:
    """Every field and body property the expected entry names."""
    for name in FIELDS:
        if name in want:
            assert getattr(article, name) == want[name], name
    if "published" in want:
        assert article.published == datetime.fromisoformat(want["published"])
    body = article.body
    assert body.startswith(want.get("body_starts", ""))
    assert body.endswith(want.get("body_ends", ""))
    for text in want.get("body_has", ()):
        assert text in body, text
    for text in want.get("body_lacks", ()):
        assert text not in body, text
    if "paragraphs" in want:
        assert body.count("\n\n") + 1 == want["paragraphs"]


@pytest.mark.parametrize("expected", CASES, ids=lambda p: str(p.relative_to(DATA / "readers")))
def test_reader_case(expected: Path):
    case = json.loads(expected.read_text(encoding="utf-8"))
    path = _input_of(expected)
    if "refused" in case:
        with pytest.raises(InputError) as info:
            read(path, path.read_bytes(), ReadDefaults())
        assert str(path) in str(info.value)
        assert all(words in info.value.reason for words in case["refused"]), info.value.reason
        return
    articles = read(path, path.read_bytes(), ReadDefaults())
    assert len(articles) == len(case["articles"])
    for article, want in zip(articles, case["articles"]):
        assert article.source_path == str(path)
        _check_article(article, want)


def test_every_case_has_an_expected_file_and_a_reason():
    inputs = [p for p in (DATA / "readers").rglob("*") if p.is_file() and not p.name.endswith(".expected.json")]
    described = {_input_of(e) for e in CASES}
    assert set(inputs) - described <= {DATA / "readers" / "bad" / "empty.txt"}  # empty: tested in code
    assert all(json.loads(e.read_text(encoding="utf-8")).get("why") for e in CASES)
