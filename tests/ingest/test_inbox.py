"""Inbox ingestion: commit first, then move; failures aside with a reason; nothing twice."""
from __future__ import annotations

import shutil

import pytest
from helpers.pipeline import crash_on_insert

from digest import build as build_mod
from digest.ingest import inbox
from digest.store import workspace
from digest.store.corpus import Corpus

GOOD = """Harbour ferry returns after storm repairs
Source: Test Gazette
Date: 2026-03-01

The harbour ferry between the two islands returned to service on Sunday after six weeks of repairs to its hull, the operator said.

About 900 passengers a day use the ferry, which links the islands' schools and the hospital on the mainland.
"""


def _ingest(config, *paths):
    with workspace.open_corpus(config) as corpus:
        return inbox.ingest(config, corpus, paths)


def test_file_moves_to_processed_after_commit(ws_config):
    (ws_config.path("inbox") / "ferry.txt").write_text(GOOD)
    report = _ingest(ws_config)
    assert len(report.added) == 1
    assert not (ws_config.path("inbox") / "ferry.txt").exists()
    assert (ws_config.path("inbox") / "processed" / "ferry.txt").exists()
    with workspace.open_corpus(ws_config) as corpus:
        article = corpus.article(report.added[0])
    assert article.title == "Harbour ferry returns after storm repairs"
    assert article.outlet == "Test Gazette"
    assert "900 passengers" in article.body


def test_rerun_on_same_files_adds_nothing(ws_config):
    source = ws_config.path("inbox") / "ferry.txt"
    source.write_text(GOOD)
    _ingest(ws_config)
    shutil.copy(ws_config.path("inbox") / "processed" / "ferry.txt", source)
    report = _ingest(ws_config)
    assert report.added == [] and report.already_seen == [str(source)]
    with workspace.open_corpus(ws_config) as corpus:
        assert corpus.stats()["articles"] == 1


def test_same_article_in_another_file_is_an_exact_duplicate(ws_config):
    (ws_config.path("inbox") / "a.txt").write_text(GOOD)
    (ws_config.path("inbox") / "b.txt").write_text(GOOD.replace("\n", "\r\n") + "\n\n")
    report = _ingest(ws_config)
    assert len(report.added) == 1 and len(report.duplicates) == 1
    with workspace.open_corpus(ws_config) as corpus:
        stats = corpus.stats()
    assert stats["articles"] == 1 and stats["duplicates_dropped"] == 1


@pytest.mark.parametrize("name, data", [
    ("empty.txt", b""),
    ("junk.txt", bytes(range(256)) * 40),
    ("broken.json", b'{"title": "x", "body": '),
    ("notes.xyz", b"some text"),
])
def test_bad_file_goes_to_failed_with_reason_and_run_goes_on(ws_config, name, data):
    folder = ws_config.path("inbox")
    (folder / name).write_bytes(data)
    (folder / "ferry.txt").write_text(GOOD)
    report = _ingest(ws_config)
    assert len(report.added) == 1
    assert [p for p, _ in report.failed] == [str(folder / name)]
    assert (folder / "failed" / name).read_bytes() == data
    reason = (folder / "failed" / f"{name}.reason").read_text()
    assert name in reason and len(reason.strip()) > len(str(folder / name)) + 5


def test_oversized_file_is_refused_before_reading(ws_config, tmp_path):
    big = ws_config.path("inbox") / "huge.txt"
    with open(big, "wb") as handle:
        handle.truncate(ws_config.settings.ingest.max_file_mb * 1024 * 1024 + 1)
    report = _ingest(ws_config)
    assert report.failed and "limit" in report.failed[0][1]
    assert (ws_config.path("inbox") / "failed" / "huge.txt").exists()


def test_crash_before_commit_leaves_the_file_in_the_inbox(ws_config, monkeypatch):
    source = ws_config.path("inbox") / "ferry.txt"
    source.write_text(GOOD)

    def crash(self, article):
        raise RuntimeError("disk full")

    monkeypatch.setattr("digest.store.corpus.Corpus.insert_article", crash)
    with pytest.raises(RuntimeError):
        _ingest(ws_config)
    assert source.exists()
    monkeypatch.undo()
    report = _ingest(ws_config)
    assert len(report.added) == 1 and not source.exists()


def test_files_outside_the_inbox_are_read_but_not_moved(ws_config, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(GOOD)
    report = _ingest(ws_config, outside)
    assert len(report.added) == 1 and outside.exists()


def test_seed_articles_ingest_with_their_text(ws_config, seeds_dir):
    report = _ingest(ws_config, seeds_dir)
    assert len(report.added) + len(report.copies) == 5 and not report.failed
    with workspace.open_corpus(ws_config) as corpus:
        bodies = [a.body for a in corpus.unsent_articles()]
    joined = "\n".join(bodies)
    assert "283 tons of ammunition" in joined
    assert "Source link" not in joined and "Leave a Comment" not in joined
    assert all(path.exists() for path in seeds_dir.iterdir())


FERRY_FOOTER = "Reporting by the Harbour Desk team; editing by Lena Fox"


def _ingest_ferry_news(ws_config) -> str:
    """Five articles of one outlet ending with the same footer, ingested one by one; the footer."""
    for n in range(5):
        body = (f"Ferry story number {n} about the islands and the harbour, with its own facts: "
                f"{n * 37 + 11} passengers crossed on day {n} while the crews repaired pier {n + 2}. "
                f"The operator said timetables would return to normal by the weekend, and the council "
                f"promised a review of the {n + 3} oldest landing stages before the summer season.")
        (ws_config.path("inbox") / f"f{n}.txt").write_text(
            f"Ferry news {n}\nSource: Test Gazette\n\n{body}\n\n{FERRY_FOOTER}\n")
        _ingest(ws_config)
    return FERRY_FOOTER


def test_lines_an_outlet_repeats_are_learned_as_boilerplate(ws_config):
    footer = _ingest_ferry_news(ws_config)
    with workspace.open_corpus(ws_config) as corpus:
        bodies = [a.body for a in sorted(corpus.unsent_articles(), key=lambda a: a.title)]
    assert len(bodies) == 5 and all(footer in body for body in bodies[:3])
    assert all(footer not in body and "passengers crossed" in body for body in bodies[3:])


def test_furniture_learned_later_is_also_left_out_of_the_first_articles_in_a_digest(ws_config):
    footer = _ingest_ferry_news(ws_config)
    with workspace.open_corpus(ws_config) as corpus:
        stored = {a.id: a.body for a in corpus.unsent_articles()}
        result = build_mod.build(ws_config, corpus)
    built = [a for story in result.digest.stories for a in story.articles]
    assert sum(footer in body for body in stored.values()) == 3  # stored as they came
    assert len(built) == 5 and not any(footer in a.body for a in built)
    assert all("passengers crossed" in a.body for a in built)


def test_files_leave_the_inbox_only_with_their_committed_batch(ws_config, monkeypatch):
    folder = ws_config.path("inbox")
    for n in range(3):
        (folder / f"f{n}.txt").write_text(GOOD.replace("900", str(900 + n)))
    crash_on_insert(monkeypatch, 3)
    with workspace.open_corpus(ws_config) as corpus, pytest.raises(RuntimeError):
        inbox.ingest(ws_config, corpus, batch=2)
    assert sorted(p.name for p in folder.glob("*.txt")) == ["f2.txt"]
    with workspace.open_corpus(ws_config) as corpus:
        assert corpus.stats()["articles"] == 2
