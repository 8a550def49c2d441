"""The corpus is a real SQLite file in WAL mode with recorded, transactional migrations."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from digest.errors import CorpusError
from digest.models import Article
from digest.store import migrations
from digest.store.corpus import Corpus


def _article(n: int) -> Article:
    return Article(id=f"a{n:015d}", title=f"Title {n}", outlet="Outlet", body=f"Body {n} " * 20,
                   content_hash=f"{n:064d}", ingested_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
                   published=datetime(2026, 3, 1, 8, tzinfo=timezone.utc))


def test_new_corpus_is_wal_and_fully_migrated(tmp_path):
    path = tmp_path / "c.sqlite"
    with Corpus(path) as corpus:
        assert corpus.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert corpus.schema_version() == max(v for v, _, _ in migrations.MIGRATIONS)
    raw = sqlite3.connect(path)
    versions = [r[0] for r in raw.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == sorted(v for v, _, _ in migrations.MIGRATIONS)


def test_reopening_applies_nothing_twice(tmp_path):
    Corpus(tmp_path / "c.sqlite").close()
    with Corpus(tmp_path / "c.sqlite") as corpus:
        assert corpus.migrate() == []


def test_a_migration_another_process_applied_meanwhile_is_not_run_again(tmp_path):
    with Corpus(tmp_path / "c.sqlite") as corpus:  # as if it had read the versions before the other one
        version, name, sql = migrations.MIGRATIONS[0]
        assert corpus._apply(version, name, sql) is False


def test_a_failing_migration_leaves_nothing_half_done(tmp_path, monkeypatch):
    Corpus(tmp_path / "c.sqlite").close()
    bad = (999, "broken", "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1)")
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [bad])
    monkeypatch.setattr("digest.store.corpus.MIGRATIONS", migrations.MIGRATIONS)
    with pytest.raises(CorpusError, match="migration 999 .broken. failed"):
        Corpus(tmp_path / "c.sqlite")
    raw = sqlite3.connect(tmp_path / "c.sqlite")
    assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'half'").fetchall()
    assert not raw.execute("SELECT 1 FROM schema_migrations WHERE version = 999").fetchall()


def test_newer_schema_is_refused(tmp_path):
    Corpus(tmp_path / "c.sqlite").close()
    raw = sqlite3.connect(tmp_path / "c.sqlite")
    raw.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x')")
    raw.commit()
    with pytest.raises(CorpusError, match="newer"):
        Corpus(tmp_path / "c.sqlite")


def test_articles_round_trip_and_unsent(tmp_path):
    with Corpus(tmp_path / "c.sqlite") as corpus:
        with corpus.transaction():
            corpus.insert_article(_article(1))
            corpus.insert_article(_article(2))
        assert corpus.article(_article(1).id) == _article(1)
        assert [a.id for a in corpus.unsent_articles()] == [_article(1).id, _article(2).id]
        assert corpus.stats()["articles"] == 2


def test_rolled_back_transaction_writes_nothing(tmp_path):
    with Corpus(tmp_path / "c.sqlite") as corpus:
        with pytest.raises(RuntimeError):
            with corpus.transaction():
                corpus.insert_article(_article(1))
                raise RuntimeError("crash mid-write")
        assert corpus.stats()["articles"] == 0


def test_nested_transaction_is_a_savepoint(tmp_path):
    with Corpus(tmp_path / "c.sqlite") as corpus:
        with corpus.transaction():
            corpus.insert_article(_article(1))
            with pytest.raises(RuntimeError):
                with corpus.transaction():
                    corpus.insert_article(_article(2))
                    raise RuntimeError("inner failure")
        assert [a.id for a in corpus.unsent_articles()] == [_article(1).id]
