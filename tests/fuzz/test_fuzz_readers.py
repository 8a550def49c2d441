"""Thousands of generated hostile files through digest.sources.readers.read (fixed seed: deterministic).

Each file either becomes articles free of bidi controls, spoofing zero-widths and control
characters, or is refused with a DigestError; any other exception is a bug.
"""
from __future__ import annotations

import random
import traceback

import pytest
from hostile_inputs import huge_line, nested, random_bytes, reader_case

from digest.errors import DigestError
from digest.sources.readers import ReadDefaults, read
from digest.text.unicode_safety import BIDI_CONTROLS, CONTROLS, ZERO_WIDTH

SEED = 20261202
CASES_PER_FORMAT = 400
FORBIDDEN = frozenset(BIDI_CONTROLS + ZERO_WIDTH + CONTROLS)
FIELDS = ("title", "outlet", "body", "url", "author")


def _problems(path, data: bytes) -> list[str]:
    """What is wrong with reading one file: an unexpected exception, or a forbidden character kept."""
    path.write_bytes(data)
    try:
        articles = read(path, path.read_bytes(), ReadDefaults())
    except DigestError:
        return []
    except Exception:  # the point of the fuzz: anything else is a bug, reported with its case
        return [f"{path.name}: {traceback.format_exc(limit=-3)}"]
    found = []
    for article in articles:
        for name in FIELDS:
            kept = {f"U+{ord(c):04X}" for c in getattr(article, name) or "" if c in FORBIDDEN}
            if kept:
                found.append(f"{path.name}: {name} keeps {sorted(kept)}")
    return found


def _run(tmp_path, suffix: str, datas) -> list[str]:
    """Read every generated file; the problems of all of them."""
    problems: list[str] = []
    for i, data in enumerate(datas):
        problems += _problems(tmp_path / f"case{i:04d}{suffix}", data)
    return problems


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".eml", ".json"])
def test_hostile_files_are_read_or_refused_cleanly(tmp_path, suffix):
    rng = random.Random(f"{SEED}{suffix}")
    problems = _run(tmp_path, suffix, (reader_case(rng, suffix) for _ in range(CASES_PER_FORMAT)))
    assert not problems, f"{len(problems)} of {CASES_PER_FORMAT} cases: " + "\n".join(problems[:5])


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".eml", ".json"])
def test_noise_and_huge_lines_are_read_or_refused_cleanly(tmp_path, suffix):
    rng = random.Random(f"{SEED}-noise{suffix}")
    datas = [random_bytes(rng) for _ in range(40)] + [huge_line(rng) for _ in range(3)]
    problems = _run(tmp_path, suffix, datas)
    assert not problems, "\n".join(problems[:5])


@pytest.mark.parametrize("suffix, depth", [
    (".txt", 50_000), (".md", 300), (".html", 3000), (".html", 50_000), (".eml", 200), (".json", 500),
    (".eml", 1000), (".json", 5000)])
def test_deeply_nested_files_are_read_or_refused_cleanly(tmp_path, suffix, depth):
    assert not _problems(tmp_path / f"deep{suffix}", nested(suffix, depth))


@pytest.mark.parametrize("suffix, data", [
    (".json", b'{"title": "Harbour", "url": "https://[::1", "body": "%s"}' % (b"The board approved it. " * 8)),
    (".txt", b"Title: Harbour\nURL: http://[bad\n\n" + b"The board approved the new timetable. " * 5),
])
def test_regression_malformed_url_without_outlet_is_read(tmp_path, suffix, data):
    """Found by the fuzz: the outlet fallback parsed the URL's host and raised ValueError."""
    path = tmp_path / f"case{suffix}"
    assert not _problems(path, data)
    assert read(path, data, ReadDefaults())[0].outlet == tmp_path.name
