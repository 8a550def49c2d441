"""bench/stories.py, the team's story-quality tool: its B-cubed arithmetic and a small run through the real ingest."""
from __future__ import annotations

import importlib.util
import json

import pytest
from helpers.paths import REPO

from digest.store.corpus import Corpus

spec = importlib.util.spec_from_file_location("bench_stories", REPO / "bench" / "stories.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_bcubed_matches_a_hand_computed_example():
    # gold: {0,1,2} {3}; predicted: {0,1} {2,3}
    precision, recall, f1 = bench.bcubed(["x", "x", "y", "y"], ["a", "a", "a", "b"])
    assert precision == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert bench.bcubed([1, 2, 3], ["a", "b", "c"]) == (1.0, 1.0, 1.0)


def test_a_small_labelled_set_runs_through_ingest(tmp_path, capsys):
    data = REPO / "tests" / "data"
    lines = [{"article_id": p.stem, "cluster_id": p.stem, "text": p.read_text(encoding="utf-8")}
             for p in sorted((data / "articles").glob("*.txt"))]
    copy = lines[0]["text"] + "\n\nThis article first appeared on the Example Wire website."
    junk = (data / "nonarticles" / "cookie.txt").read_text(encoding="utf-8")
    lines += [{"article_id": "same-again", "cluster_id": lines[0]["cluster_id"], "text": lines[0]["text"]},
              {"article_id": "wire-copy", "cluster_id": lines[0]["cluster_id"], "text": copy},
              {"article_id": "junk-1", "cluster_id": lines[1]["cluster_id"], "text": junk},
              {"article_id": "junk-2", "cluster_id": lines[2]["cluster_id"], "text": junk},
              {"article_id": "page", "cluster_id": "museum",  # a whole saved page: read as HTML
               "text": (REPO / "examples" / "inbox" / "museum-manuscripts.html").read_text(encoding="utf-8")}]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert bench.main([str(path), "--floor", "0.99", "--keep", str(tmp_path / "ws")]) == 1  # junk costs recall
    out = capsys.readouterr().out
    assert "8 articles, 4 gold stories; digest made 6 stories" in out
    assert "exact duplicates found: 2 (1 of them repeated non-articles); copies: 1; non-articles: 2" in out
    with Corpus(tmp_path / "ws" / "corpus.sqlite") as corpus:
        bodies = [a.body for a in corpus.unsent_articles() if "manuscript" in a.body.lower()]
    assert bodies and not any("<p" in body or "</" in body for body in bodies)  # extracted, not raw markup
    digest_row = next(line for line in out.splitlines() if line.startswith("digest "))
    assert digest_row.split()[1] == "1.000"  # nothing unrelated was glued together


def test_bad_input_is_named(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"article_id": "a", "text": "no label"}\n', encoding="utf-8")
    assert bench.main([str(path)]) == 2
    assert "line 1 lacks cluster_id" in capsys.readouterr().err
