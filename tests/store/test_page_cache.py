"""SQLite's page cache follows [store]: a fixed size, or (0) one grown with the corpus file up to what
the memory budget leaves once the process and the story index hold theirs."""
from __future__ import annotations

from pathlib import Path

from digest.config import from_mapping
from digest.store import cache
from digest.store.cache import PageCache
from digest.store.corpus import Corpus
from digest.store.workspace import open_corpus


def _cache_kb(corpus: Corpus) -> int:
    return -corpus.db.execute("PRAGMA cache_size").fetchone()[0]


def _grow(corpus: Corpus, mb: int) -> None:
    """Make the corpus file about `mb` MB larger (pages of zeros in a table of the test's own)."""
    corpus.db.execute("CREATE TABLE IF NOT EXISTS filler (b BLOB)")
    corpus.db.execute("INSERT INTO filler VALUES (zeroblob(?))", (mb << 20,))
    corpus.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_auto_takes_a_share_of_the_file_within_what_the_budget_leaves():
    rule = PageCache(0, memory_mb=600, held_members=8000)
    assert rule.room_mb == 600 - cache.PROCESS_MB - 8000 * cache.MEMBER_KB // 1024
    assert rule.size_mb(0) == cache.MIN_MB
    assert rule.size_mb(400 << 20) == 100
    assert rule.size_mb(7 << 30) == rule.room_mb
    assert PageCache(0, memory_mb=600, held_members=16000).size_mb(7 << 30) < rule.room_mb  # a larger story index
    assert PageCache(0, memory_mb=2000, held_members=8000).size_mb(7 << 30) > rule.room_mb  # a larger budget
    assert PageCache(64).size_mb(7 << 30) == 64


def test_the_cache_grows_with_the_corpus_file_as_transactions_begin(tmp_path):
    with Corpus(tmp_path / "c.sqlite", cache=PageCache(0, memory_mb=600, held_members=8000)) as corpus:
        assert corpus.cache_mb == cache.MIN_MB and _cache_kb(corpus) == cache.MIN_MB * 1024
        _grow(corpus, 120)
        with corpus.transaction():
            pass
        grown = corpus.cache_mb
        assert grown > cache.MIN_MB and _cache_kb(corpus) == grown * 1024
        assert grown == PageCache(0, 600, 8000).size_mb((tmp_path / "c.sqlite").stat().st_size)


def test_a_workspace_setting_fixes_the_cache(tmp_path: Path):
    config = from_mapping({"store": {"cache_mb": 48}}, tmp_path)
    with open_corpus(config) as corpus:
        assert corpus.cache_mb == 48 and _cache_kb(corpus) == 48 * 1024
        _grow(corpus, 120)
        with corpus.transaction():
            pass
        assert _cache_kb(corpus) == 48 * 1024


def test_the_budget_follows_the_workspace_settings(tmp_path: Path):
    config = from_mapping({"store": {"memory_mb": 1000}, "stories": {"held_members": 4000}}, tmp_path)
    assert PageCache.of(config.settings).room_mb == 1000 - cache.PROCESS_MB - 4000 * cache.MEMBER_KB // 1024
