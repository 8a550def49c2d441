"""bench/dedup.py's bulk fill (store.transfer.copy_newer, COPY on PostgreSQL) stores the rows the
real ingest path stores, so the check it times runs against the corpus ingest would have built."""
from __future__ import annotations

import importlib.util
import sys

from helpers.paths import REPO

from digest.config import from_mapping
from digest.dedup import check as dedup_module
from digest.dedup.check import Deduplicator
from digest.store import search, transfer
from digest.store.corpus import Corpus

STAMPED = {"duplicates": "seen_at", "dedup_decisions": "decided_at"}  # the clock at ingest: differs by run


def _bench():
    """bench/dedup.py as a module (its stream of articles with planted copies, its real-path ingest)."""
    spec = importlib.util.spec_from_file_location("bench_dedup", REPO / "bench" / "dedup.py")
    module = sys.modules.setdefault("bench_dedup", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


def _real_path(bench, dedup: Deduplicator, items) -> None:
    """Ingest through digest's real path (check, insert, remember), as the bench does."""
    bench.ingest(dedup.corpus, dedup, items, bench.Tally(), {})


def _rows(corpus: Corpus, table: str) -> list[tuple]:
    """A table's rows without its ingest-time stamp, in a fixed order."""
    columns = [c for c in transfer._columns(corpus, table) if c != STAMPED[table] and c != "id"]
    return sorted(tuple(r) for r in corpus.db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall())


def test_the_bulk_fill_stores_what_ingest_stores(tmp_path, corpus_location, second_location, monkeypatch):
    monkeypatch.setattr(dedup_module, "FLUSH_SIZE", 100)  # postings reach their tables within 300 articles
    bench, config = _bench(), from_mapping({}, tmp_path)
    stream = bench.Stream(seed=11)
    items = [stream.next() for _ in range(300)]
    probes = [stream.next(stored=False) for _ in range(80)]
    with Corpus(corpus_location) as real, Corpus(tmp_path / "source.sqlite") as source, \
            Corpus(second_location) as bulk:
        _real_path(bench, Deduplicator(real, config), items)
        ingesting = Deduplicator(source, config)  # one, as in the bench: it flushes postings at the same points
        _real_path(bench, ingesting, items[:170])
        first = transfer.copy_newer(source, bulk)
        _real_path(bench, ingesting, items[170:])
        second = transfer.copy_newer(source, bulk)
        assert first["articles"] + second["articles"] == real.stats()["articles"] > 250
        assert first["dedup_bands"] and second["dedup_bands"] and second["dedup_sentences"]
        made, filled = transfer.summary(real), transfer.summary(bulk)
        assert made["dedup_decisions"][0] > 5 and made["duplicates"][0] > 0  # copies and re-posts planted
        for table in made:
            if table in STAMPED:
                assert _rows(real, table) == _rows(bulk, table), table
            else:
                assert made[table] == filled[table], table
        word = items[0].article.title.split()[0]
        found = [[r["id"] for r in search.search(c, word)] for c in (real, bulk)]
        assert found[0] == found[1] and items[0].article.id in found[0]  # the search entries too
        checked = [(Deduplicator(c, config).check(p.article) for p in probes) for c in (real, bulk)]
        decisions = [[(d.kind, d.original_id, d.similarity) for d in row] for row in checked]
        assert decisions[0] == decisions[1]
        assert sum(k != "new" for k, _, _ in decisions[0]) >= 3  # probes include planted copies
