"""`digest search`: a full-text index kept in step with ingestion, built for older corpora by its
migration, rebuilt by a recovery, and what `digest brief --topic` selects through."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers.paths import EXAMPLES

from digest.cli.main import cli
from digest.config import load
from digest.store import migrations, search, workspace


def invoke(runner, ws: Path, *args: str):
    """Run the real command line in-process."""
    return runner.invoke(cli, ["--config", str(ws / "digest.toml"), *args], catch_exceptions=False)


def found(runner, ws: Path, query: str) -> list[dict]:
    """The articles `digest search --json` lists."""
    result = invoke(runner, ws, "search", query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["articles"]


def test_search_finds_an_article_by_a_phrase_and_by_a_name(runner, tmp_path, example_workspace):
    ws = example_workspace
    assert invoke(runner, ws, "ingest").exit_code == 0
    by_phrase = found(runner, ws, '"protected bike lanes"')
    assert by_phrase[0]["outlet"] == "The Citizen" and "[protected bike lanes]" in by_phrase[0]["snippet"]
    assert any(a["outlet"] == "The Citizen" for a in found(runner, ws, "Farah Quist"))
    assert found(runner, ws, '"lanes protected bike"') == []  # a phrase is a phrase, not three words
    assert found(runner, ws, "Quist solar") == []  # every word must occur
    assert "no article matches" in invoke(runner, ws, "search", "zeppelin").output


def test_new_files_are_searchable_after_ingest(runner, tmp_path, example_workspace):
    ws = example_workspace
    assert invoke(runner, ws, "ingest").exit_code == 0
    assert found(runner, ws, "zeppelin") == []
    (ws / "inbox" / "airship.txt").write_text(
        "Airship hangar reopens\nSource: Valley News\n\nThe old zeppelin hangar at Hollin Field reopened on "
        "Saturday as a museum, the county said, after a four-year restoration paid for by local donors.\n\n"
        "More than 3,000 visitors came on the first day, and the museum plans guided tours every weekend.",
        encoding="utf-8")
    assert invoke(runner, ws, "ingest").exit_code == 0
    assert [a["title"] for a in found(runner, ws, "zeppelin")] == ["Airship hangar reopens"]


def test_the_migration_indexes_articles_stored_before_it(runner, tmp_path, example_workspace, monkeypatch):
    ws = example_workspace
    older = [m for m in migrations.MIGRATIONS if m[0] != 42]
    monkeypatch.setattr("digest.store.corpus.MIGRATIONS", older)
    monkeypatch.setattr("digest.store.corpus.Corpus.insert_article", _insert_unindexed)
    assert invoke(runner, ws, "ingest").exit_code == 0
    monkeypatch.undo()
    with workspace.open_corpus(load(ws / "digest.toml")) as corpus:
        assert corpus.schema_version() == max(v for v, _, _ in migrations.MIGRATIONS)
        assert {r["outlet"] for r in search.search(corpus, "Quist")} == {"The Citizen", "Valley Times"}


def _insert_unindexed(self, article):
    """Corpus.insert_article as it was before the index existed."""
    from digest.store.corpus import ARTICLE_COLUMNS, _iso
    values = [getattr(article, c) for c in ARTICLE_COLUMNS]
    values = [_iso(v) if hasattr(v, "isoformat") else v for v in values]
    self.db.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES "
                    f"({', '.join('?' * len(ARTICLE_COLUMNS))})", values)


@pytest.mark.sqlite_only  # damages a page of the SQLite file
def test_a_recovered_corpus_is_searchable(runner, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    assert invoke(runner, ws, "ingest").exit_code == 0
    with sqlite3.connect(ws / "corpus.sqlite") as db:  # damage one page of the index only
        page = db.execute("SELECT pageno FROM dbstat WHERE name = 'article_fts_data' ORDER BY pageno "
                          "LIMIT 1").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
    with open(ws / "corpus.sqlite", "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xff" * size)
    result = runner.invoke(cli, ["--config", str(ws / "digest.toml"), "corpus", "recover"])
    assert result.exit_code == 0, result.output
    assert any(a["outlet"] == "The Citizen" for a in found(runner, ws, "Farah Quist"))


def test_brief_by_topic_selects_through_the_index(runner, tmp_path, example_workspace):
    ws = example_workspace
    assert invoke(runner, ws, "ingest").exit_code == 0
    with workspace.open_corpus(load(ws / "digest.toml")) as corpus:
        stories = search.matching_stories(corpus, '"bike lanes"', None, None)
        assert stories and stories == {r["story_id"] for r in search.search(corpus, "bike lanes", limit=-1)}
    out = tmp_path / "bikes.pdf"
    result = invoke(runner, ws, "brief", "--topic", "bike lanes", "-o", str(out))
    assert result.exit_code == 0 and out.read_bytes().startswith(b"%PDF-"), result.output
    # only the stories that mention it (a library's warning may come first on stderr)
    assert f"\n{len(stories)} stories written" in "\n" + result.output
