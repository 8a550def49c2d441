"""A damaged corpus is refused with a clear message; `digest corpus check / recover / backup` and the
daily backup, on real corpus files damaged for real (garbage written into the file, a 0-byte file)."""
from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from helpers.paths import EXAMPLES

from digest import config as config_mod
from digest.cli.main import cli


def invoke(runner, ws: Path, *args: str):
    """Run the real command line in-process (click runner), stdout and stderr apart."""
    return runner.invoke(cli, ["--config", str(ws / "digest.toml"), *args], catch_exceptions=True)


def assert_refused(result, *words: str) -> None:
    """Exit status 1 with an `error:` naming each word; no Python exception escaped."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def count(path: Path, table: str = "articles") -> int:
    """Rows of a table, read with plain sqlite3 after an integrity check."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def ingested(tmp_path, runner) -> Path:
    """The example workspace with its 11 real inbox files ingested (11 articles)."""
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    assert invoke(runner, ws, "ingest").exit_code == 0
    assert count(ws / "corpus.sqlite") == 11
    return ws


def today(ws: Path) -> str:
    """Today in the workspace's time zone, as backup file names carry it."""
    return datetime.now(config_mod.load(ws / "digest.toml").timezone()).date().isoformat()


def garble(path: Path, share: float = 0.4) -> None:
    """Write random bytes over the middle of the file (page-aligned, past the first page), in place."""
    size = path.stat().st_size
    length = min(200 * 1024, int(size * share)) // 4096 * 4096
    offset = max(4096, (size - length) // 2 // 4096 * 4096)
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(random.Random(14).randbytes(length))


@pytest.mark.parametrize("command", [["status"], ["build"], ["ingest"], ["run"], ["dedup-report"]])
def test_a_corpus_with_garbage_in_the_middle_is_refused(runner, ingested, command):
    corpus = ingested / "corpus.sqlite"
    garble(corpus)
    result = invoke(runner, ingested, *command)
    assert_refused(result, str(corpus), "damaged", "digest corpus recover")


def test_damage_in_pages_status_never_reads_is_found_by_the_open_check(runner, ingested):
    corpus = ingested / "corpus.sqlite"
    with sqlite3.connect(corpus) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'dedup_bands'").fetchone()[0]
        page = db.execute("PRAGMA page_size").fetchone()[0]
    with open(corpus, "r+b") as handle:
        handle.seek((root - 1) * page)
        handle.write(random.Random(6).randbytes(page))
    assert_refused(invoke(runner, ingested, "status"), str(corpus), "damaged", "digest corpus recover")


def test_damage_that_left_no_trace_in_the_file_times_is_caught_on_the_first_database_error(runner, ingested):
    from digest.store import check as corpus_check

    corpus = ingested / "corpus.sqlite"
    with sqlite3.connect(corpus) as db:
        leaves = [r[0] for r in db.execute("SELECT pageno FROM dbstat WHERE name = 'articles' AND pagetype = 'leaf'")]
    with open(corpus, "r+b") as handle:
        for page in leaves:
            handle.seek((page - 1) * 4096)
            handle.write(random.Random(page).randbytes(4096))
    corpus_check.mark_verified(corpus)  # as if a failing disk changed the bytes and not the file's times
    built = invoke(runner, ingested, "build")
    assert_refused(built, str(corpus), "damaged", "digest corpus recover")
    assert not corpus.with_name("corpus.sqlite-verified").exists()
    assert_refused(invoke(runner, ingested, "status"), str(corpus), "damaged")


def test_an_empty_corpus_file_is_refused_not_treated_as_new(runner, ingested):
    corpus = ingested / "corpus.sqlite"
    corpus.write_bytes(b"")
    for command in (["status"], ["ingest"], ["build"]):
        assert_refused(invoke(runner, ingested, *command), str(corpus), "empty", "--from-backup")
    assert corpus.stat().st_size == 0


def test_check_says_ok_on_a_sound_corpus_and_names_the_damage_on_a_damaged_one(runner, ingested):
    ok = invoke(runner, ingested, "corpus", "check")
    assert ok.exit_code == 0 and "ok" in ok.output and "11 articles" in ok.output
    corpus = ingested / "corpus.sqlite"
    garble(corpus)
    bad = invoke(runner, ingested, "corpus", "check")
    assert bad.exit_code == 1 and str(corpus) in bad.output + bad.stderr
    assert "digest corpus recover" in bad.output + bad.stderr


def test_recover_copies_every_readable_row_into_a_new_corpus(runner, ingested):
    corpus = ingested / "corpus.sqlite"
    with sqlite3.connect(corpus) as db:  # one leaf page of the articles and one of the dedup signatures
        pages = [db.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno "
                            "LIMIT 1 OFFSET 1", (name,)).fetchone()[0] for name in ("articles", "dedup_signatures")]
        size = db.execute("PRAGMA page_size").fetchone()[0]
    with open(corpus, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(random.Random(page).randbytes(size))
    assert_refused(invoke(runner, ingested, "status"), "damaged")
    result = invoke(runner, ingested, "corpus", "recover")
    assert result.exit_code == 0, result.output + result.stderr
    assert 0 < count(corpus) < 11
    kept = list(ingested.glob("corpus.sqlite.damaged-*"))
    assert len(kept) == 1 and kept[0].stat().st_size > 0
    assert invoke(runner, ingested, "status").exit_code == 0
    assert invoke(runner, ingested, "corpus", "check").exit_code == 0


def test_backup_keeps_the_newest_n_and_recover_from_backup_restores_it(runner, ingested):
    with open(ingested / "digest.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[backup]\nkeep = 3\n")
    made = invoke(runner, ingested, "corpus", "backup")
    assert made.exit_code == 0, made.output + made.stderr
    folder = ingested / "backups"
    newest = folder / f"corpus-{today(ingested)}.sqlite"
    assert count(newest) == 11
    for day in ("2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"):
        shutil.copy(newest, folder / f"corpus-{day}.sqlite")
    assert invoke(runner, ingested, "corpus", "backup").exit_code == 0
    assert sorted(p.name for p in folder.glob("corpus-*.sqlite")) == [
        "corpus-2025-01-03.sqlite", "corpus-2025-01-04.sqlite", newest.name]
    corpus = ingested / "corpus.sqlite"
    corpus.write_bytes(b"")
    restored = invoke(runner, ingested, "corpus", "recover", "--from-backup")
    assert restored.exit_code == 0, restored.output + restored.stderr
    assert newest.name in restored.output
    assert count(corpus) == 11
    assert invoke(runner, ingested, "status").exit_code == 0


def test_the_daily_run_makes_one_backup_a_day(runner, ingested):
    assert invoke(runner, ingested, "run").exit_code == 0
    backups = list((ingested / "backups").glob("corpus-*.sqlite"))
    assert [p.name for p in backups] == [f"corpus-{today(ingested)}.sqlite"]
    assert count(backups[0]) == 11
    assert f"corpus backups: 1 in {ingested / 'backups'}, newest {backups[0].name}" in \
        invoke(runner, ingested, "status").output
    first = backups[0].stat().st_mtime_ns
    assert invoke(runner, ingested, "run").exit_code == 0
    assert backups[0].stat().st_mtime_ns == first
