"""`digest corpus export | import`: a whole corpus moves between engines, verified by counts and checksums."""
from __future__ import annotations

import gzip
import json
import shutil

import pytest
from helpers.paths import EXAMPLES

from digest.cli.main import cli
from digest.config import load
from digest.errors import CorpusError
from digest.store import search, transfer, workspace
from digest.store.corpus import Corpus


def invoke(runner, config, *args: str):
    """Run the real command line in-process; its result, which must succeed."""
    result = runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _source(runner, tmp_path):
    """An SQLite workspace of the examples, ingested and built: its config file."""
    ws = tmp_path / "from"
    shutil.copytree(EXAMPLES, ws)
    invoke(runner, ws / "digest.toml", "ingest")
    invoke(runner, ws / "digest.toml", "build", "--date", "2026-03-06")
    return ws / "digest.toml"


def test_a_corpus_moves_to_another_engine_and_back_unchanged(runner, tmp_path, corpus_location):
    config = _source(runner, tmp_path)
    with workspace.open_corpus(load(config)) as corpus:
        before = transfer.summary(corpus)
    invoke(runner, config, "corpus", "export", str(tmp_path / "c.jsonl.gz"))
    with Corpus(corpus_location) as target:
        found = transfer.import_into(target, tmp_path / "c.jsonl.gz")
        assert found == before and before["articles"][0] >= 8 and before["digests"][0] == 1
        assert {r["outlet"] for r in search.search(target, "Quist")} == {"The Citizen", "Valley Times"}
        transfer.export(target, tmp_path / "back.jsonl.gz")
    with Corpus(tmp_path / "back.sqlite") as back:  # and back again, into a new SQLite file
        assert transfer.import_into(back, tmp_path / "back.jsonl.gz") == before


def test_the_moved_corpus_goes_on_deduplicating_and_numbering(runner, tmp_path, corpus_location):
    config = _source(runner, tmp_path)
    invoke(runner, config, "corpus", "export", str(tmp_path / "c.jsonl.gz"))
    moved = tmp_path / "to"
    shutil.copytree(config.parent, moved, ignore=shutil.ignore_patterns("corpus.sqlite*", "processed"))
    text = (moved / "digest.toml").read_text()
    location = corpus_location if isinstance(corpus_location, str) else str(tmp_path / "moved.sqlite")
    (moved / "digest.toml").write_text(text.replace("[digest]\n", f'[paths]\ncorpus = "{location}"\n\n[digest]\n'))
    invoke(runner, moved / "digest.toml", "corpus", "import", str(tmp_path / "c.jsonl.gz"))
    with workspace.open_corpus(load(moved / "digest.toml")) as corpus:
        before = corpus.stats()
    again = (EXAMPLES / "inbox" / "citizen-bike-lanes.txt").read_text(encoding="utf-8") + "\n\n"
    (moved / "inbox" / "again.txt").write_text(again, encoding="utf-8")  # other bytes, the same text
    invoke(runner, moved / "digest.toml", "ingest")
    with workspace.open_corpus(load(moved / "digest.toml")) as corpus:
        after = corpus.stats()
        run_ids = [r["id"] for r in corpus.last_runs(10)]
    assert after["articles"] == before["articles"] and after["duplicates_dropped"] == before["duplicates_dropped"] + 1
    assert len(run_ids) == len(set(run_ids)) >= 2  # the new run numbered after the imported one


def test_an_import_refuses_a_corpus_with_articles_and_a_tampered_file(runner, tmp_path, corpus_location):
    config = _source(runner, tmp_path)
    export = tmp_path / "c.jsonl.gz"
    invoke(runner, config, "corpus", "export", str(export))
    with Corpus(load(config).path("corpus")) as full, pytest.raises(CorpusError, match="already holds articles"):
        transfer.import_into(full, export)
    lines = gzip.open(export, "rt", encoding="utf-8").read().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith('{"table": "articles"')) + 1
    row = json.loads(lines[at])
    row[2] = row[2] + " (edited)"  # the title of the first article
    lines[at] = json.dumps(row)
    with gzip.open(tmp_path / "bad.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    with Corpus(corpus_location) as target:
        with pytest.raises(CorpusError, match="does not match the export"):
            transfer.import_into(target, tmp_path / "bad.jsonl.gz")
        assert target.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0  # nothing was imported
