"""bench/summarize.py --updates: a small example from the shared AllSides data runs and is tuned apart from its report."""
from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from helpers.paths import REPO

ALLSIDES = REPO.parent / "shared" / "data" / "allsides" / "stories-2021-04-to-07.jsonl"


def _load(name: str):
    sys.path.insert(0, str(REPO / "bench"))  # bench/updates.py imports bench/summarize.py's baselines
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not ALLSIDES.is_file(), reason="../shared/data/allsides is absent (the example is built from it)")
def test_the_updates_example_scores_every_system_on_a_part_it_was_not_tuned_on(tmp_path, capsys):
    example = _load("updates_example")
    path = tmp_path / "updates.jsonl"
    assert example.main([str(path), "--allsides", str(ALLSIDES)]) == 0
    topics = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {t["part"] for t in topics} == {"tune", "test"}
    for topic in topics:  # the reference (the centre excerpt) is never among the documents
        for key in ("B", "C"):
            texts = {d["text"] for d in topic["sets"][key]["documents"]}
            assert texts and not texts & set(topic["summaries"][key])
    small = [t for t in topics if t["part"] == "tune"][:2] + [t for t in topics if t["part"] == "test"][:2]
    path.write_text("".join(json.dumps(t) + "\n" for t in small), encoding="utf-8")
    code = _load("summarize").main(["--updates", str(path)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert "4 tuning / 4 test sessions" in out and "tuned: update_repeat" in out
    for system in ("digest", "LexRank", "LexRank-novel", "Lead"):
        assert out.count(f"\n{system} ") == 2  # one row per part


@pytest.mark.skipif(not ALLSIDES.is_file(), reason="../shared/data/allsides is absent (the example is built from it)")
def test_the_topics_example_follows_topics_over_richer_sets_split_by_date(tmp_path):
    example = _load("updates_example")
    path = tmp_path / "updates-topics.jsonl"
    assert example.main([str(path), "--allsides", str(ALLSIDES), "--topics"]) == 0
    topics = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {t["part"] for t in topics} == {"tune", "test"}
    for topic in topics:
        dates = [[d["date"] for d in topic["sets"][k]["documents"]] for k in "ABC"]
        assert max(dates[0]) <= min(dates[1]) and max(dates[1]) <= min(dates[2])  # read in date order
        days = {d[:10] for ds in dates for d in ds}
        assert all(d < example.SPLIT_DAY for d in days) or all(d >= example.SPLIT_DAY for d in days)
        assert len(topic["sets"]["A"]["documents"]) >= len(topic["sets"]["B"]["documents"]) >= 2
        for key in ("B", "C"):
            texts = {d["text"] for d in topic["sets"][key]["documents"]}
            assert topic["summaries"][key][0] and not any(s in topic["summaries"][key][0] for s in texts)
