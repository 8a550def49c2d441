"""Ingest speed-ups change nothing but speed: batched story writes, terms worked out ahead,
a reader process working ahead of the committing one, and the faster term counting."""
from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.paths import DATA, EXAMPLES, SEEDS
from helpers.pipeline import Pipeline, crash_on_insert
from helpers.stories import GARDEN, make, reference_counts

from digest.ingest import inbox
from digest.store import workspace
from digest.store.corpus import Corpus
from digest.stories.terms import (
    article_terms,
    background_frequencies,
    count_terms,
    text_terms,
)


def _inbox_files(folder: Path) -> list[Path]:
    """Copy the example inbox, the test inbox's good files and the seeds (when present) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [p for p in sorted((EXAMPLES / "inbox").iterdir()) if p.is_file()]
    sources += [p for p in sorted((DATA / "readers").iterdir()) if p.is_file() and not p.name.endswith(".expected.json")]
    sources += sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
    for n, path in enumerate(sources):
        shutil.copy(path, folder / f"{n:02d}-{path.name}")
    (folder / "zz-empty.txt").write_text("")  # a failure in the middle of the reads
    return sorted(folder.iterdir())


def _story_rows(corpus: Corpus) -> list[tuple]:
    """Every story decision and the stored counts behind them, in insertion order."""
    members = corpus.db.execute(
        "SELECT m.article_id, m.story_id, m.matched_id, m.similarity, m.is_new, m.reason, m.terms "
        "FROM story_members m JOIN articles a ON a.id = m.article_id ORDER BY a.rowid").fetchall()
    counts = [corpus.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
              for table in ("story_df", "story_lines", "story_meta")]
    return [tuple(r) for r in members] + [tuple(map(tuple, c)) for c in counts]


def _run_ingest(tmp_path: Path, name: str, monkeypatch, parallel: bool) -> tuple[list, inbox.IngestReport, Path]:
    """Ingest the test files in a fresh workspace, with or without the reader process."""
    folder = tmp_path / name
    workspace.init(folder)
    from digest import config as config_mod
    config = config_mod.load(folder / "digest.toml")
    _inbox_files(config.path("inbox"))
    monkeypatch.setattr(inbox, "PARALLEL_MIN_FILES", 1 if parallel else 10**9)
    monkeypatch.setattr(inbox, "READ_CHUNK", 3)  # several chunks, read ahead while others commit
    monkeypatch.setattr(inbox, "READ_AHEAD", 2)
    with workspace.open_corpus(config) as corpus:
        report = inbox.ingest(config, corpus, batch=4)
        rows = _story_rows(corpus)
    return rows, report, config.path("inbox")


def test_reader_process_gives_the_same_corpus_as_reading_in_process(tmp_path, monkeypatch):
    sequential, seq_report, _ = _run_ingest(tmp_path, "seq", monkeypatch, parallel=False)
    parallel, par_report, folder = _run_ingest(tmp_path, "par", monkeypatch, parallel=True)
    assert parallel == sequential
    assert par_report.counts() == seq_report.counts() and par_report.added
    assert [Path(p).name for p, _ in par_report.failed] == ["zz-empty.txt"]
    assert (folder / "failed" / "zz-empty.txt").exists()
    assert not [p for p in folder.iterdir() if p.is_file()]  # all moved after their commits


def test_read_ahead_keeps_the_order_and_matches_read_file(tmp_path, monkeypatch):
    files = _inbox_files(tmp_path / "in")
    defaults = inbox.ReadDefaults()
    monkeypatch.setattr(inbox, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(inbox, "READ_CHUNK", 2)
    ahead = list(inbox.read_ahead(files, defaults))
    here = [inbox.read_file(path, defaults, terms=True) for path in files]
    assert len(ahead) == len(files)
    assert [r.sha for r in ahead] == [r.sha for r in here]
    assert [r.articles for r in ahead] == [r.articles for r in here]
    assert ahead[0].terms and ahead[0].measured  # the first chunks: worked out by the reader
    for there, mine in zip(ahead, here):  # later ones as the reader keeps up with the caller
        assert not there.terms or [t.terms for t in there.terms] == [t.terms for t in mine.terms]
        assert there.measured == mine.measured
    assert ahead[-1].error and not ahead[-1].articles  # the empty file: its reason, no article


def test_few_files_are_read_in_process(tmp_path):
    files = _inbox_files(tmp_path / "in")[:3]
    assert list(inbox.read_ahead(files, inbox.ReadDefaults())) == [None, None, None]


def test_crash_mid_batch_with_the_reader_process_leaves_that_batch_in_the_inbox(ws_config, monkeypatch):
    folder = ws_config.path("inbox")
    names = []
    for n in range(7):
        text = (f"Ferry line {n} reopens\nSource: Test Gazette\nDate: 2026-03-0{n + 1}\n\n"
                f"The ferry line number {n} between the islands reopened on day {n} after repairs to "
                f"pier {n * 13 + 5}, the operator said. About {900 + n} passengers a day use it, and "
                f"the crews who rebuilt the pier worked through {n + 3} storms to finish the job before "
                f"the school term, when most of the island children cross to the mainland each day.\n")
        (folder / f"f{n}.txt").write_text(text)
        names.append(f"f{n}.txt")
    monkeypatch.setattr(inbox, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(inbox, "READ_CHUNK", 2)
    crash_on_insert(monkeypatch, 5)
    with workspace.open_corpus(ws_config) as corpus, pytest.raises(RuntimeError):
        inbox.ingest(ws_config, corpus, batch=2)
    assert sorted(p.name for p in folder.glob("*.txt")) == names[4:]  # batches 1-2 committed, moved
    with workspace.open_corpus(ws_config) as corpus:
        assert corpus.stats()["articles"] == 4
        docs = corpus.db.execute("SELECT value FROM story_meta WHERE key = 'docs'").fetchone()[0]
        assert docs == "4"  # the failed batch's held story counts were dropped with it
    monkeypatch.undo()
    with workspace.open_corpus(ws_config) as corpus:
        report = inbox.ingest(ws_config, corpus)
    assert len(report.added) == 3 and not list(folder.glob("*.txt"))


def _seed_like(n: int) -> list:
    """A few related and unrelated articles with a shared footer line (seen-line skipping)."""
    footer = "\n\nSubscribe to the Harbour Times newsletter for the latest news every morning"
    base = (DATA / "catalonia-rail-strike.txt").read_text(encoding="utf-8")
    paragraphs = base.split("\n\n")
    out = []
    for i in range(n):
        body = "\n\n".join(paragraphs[i % 3:len(paragraphs) - i % 2]) + footer
        out.append(make(body, f"Rail strike day {i}", outlet=f"Outlet{i % 3}", day=27 + i % 2))
    out.append(make(GARDEN + footer, "Apples", "Garden"))
    return out


def test_batched_story_writes_wait_for_the_end_of_the_batch_and_decide_the_same(tmp_path):
    articles = _seed_like(5)
    single = Pipeline(tmp_path / "single")
    for article in articles:
        single.add_story(article)
    batched = Pipeline(tmp_path / "batched")
    with batched.corpus.transaction(), batched.stories.batch():
        for article in articles:
            batched.add_story(article)
        held = batched.corpus.db.execute("SELECT COUNT(*) FROM story_df").fetchone()[0]
        assert held == 0  # nothing written yet: counts are held in memory
    assert _story_rows(batched.corpus) == _story_rows(single.corpus)
    single.corpus.close()
    batched.corpus.close()


def test_a_failed_batch_writes_nothing_and_the_index_reads_the_corpus_again(tmp_path):
    articles = _seed_like(4)
    clean = Pipeline(tmp_path / "clean")
    for article in articles[2:]:
        clean.add_story(article)
    failing = Pipeline(tmp_path / "failing")
    with pytest.raises(RuntimeError):
        with failing.corpus.transaction(), failing.stories.batch():
            for article in articles[:2]:
                failing.add_story(article)
            raise RuntimeError("crash before commit")
    for article in articles[2:]:
        failing.add_story(article)
    assert _story_rows(failing.corpus) == _story_rows(clean.corpus)
    clean.corpus.close()
    failing.corpus.close()


def test_offered_terms_are_used_only_for_the_same_text(tmp_path, corpus_location):
    articles = _seed_like(1)
    first, other = articles[0], articles[-1]
    pipe = Pipeline(tmp_path, location=corpus_location)
    ready = text_terms(first)
    pipe.stories.offer(replace(ready, terms={"bogus": 9.0}, priors=(0.0,)))  # "ahead", for first's text
    pipe.stories.offer(replace(text_terms(other), body=other.body + " Edited.", terms={"stale": 9.0},
                               priors=(0.0,)))
    pipe.add_story(first)
    pipe.add_story(other)
    stored = {aid: json.loads(terms) for aid, terms in
              pipe.corpus.db.execute("SELECT article_id, terms FROM story_members").fetchall()}
    assert list(stored[first.id]) == ["bogus"]  # same title, body and language: taken as offered
    assert "stale" not in stored[other.id] and set(stored[other.id]) <= set(article_terms(other))
    pipe.corpus.close()


def test_term_counts_equal_per_occurrence_counting_on_random_texts():
    rng = random.Random(7)
    pieces = list("aZ .-'’!?:;\"“”«»—–\n\t_()0123456789É") + [
        "U.S.", "Geneva", "the", "Москва", " A", "x-Y", "ǅ", "\r", "NATO's", "5.5", "Ärzte"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        counts: dict[str, float] = {}
        count_terms(text, 2.0, background_frequencies("en"), counts)
        assert counts == reference_counts(text, 2.0), repr(text)


SLOW_INGEST = """
import sys, time
from digest import config as config_mod
from digest.store import workspace
from digest.ingest import inbox
real_put = inbox.Store.put
def slow_put(self, *args, **kwargs):
    time.sleep(0.05)
    return real_put(self, *args, **kwargs)
inbox.Store.put = slow_put
config = config_mod.load(sys.argv[1])
with workspace.open_corpus(config) as corpus:
    inbox.ingest(config, corpus)
"""


def _children(pid: int) -> list[int]:
    """Live processes whose parent is pid (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """True while pid runs (a zombie waiting to be reaped counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the reader process")
@pytest.mark.sqlite_only  # PostgreSQL ingests without a reader process: workers run side by side
def test_reader_process_ends_when_the_ingesting_process_is_killed(ws_config):
    import os
    import signal
    import subprocess
    import sys
    import time

    for n in range(inbox.PARALLEL_MIN_FILES + 10):
        (ws_config.path("inbox") / f"f{n:03d}.txt").write_text(
            f"Ferry line {n} reopens\n\n" + "The ferry between the islands reopened after repairs. " * 12)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_INGEST, str(ws_config.path("inbox").parent / "digest.toml")])
    deadline = time.monotonic() + 30
    readers: list[int] = []
    while not readers and proc.poll() is None and time.monotonic() < deadline:
        readers = _children(proc.pid)
        time.sleep(0.05)
    assert readers, "no reader process was started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, readers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, readers))


def _decision_rows(corpus: Corpus) -> list[tuple]:
    """Stored articles, dedup decisions, duplicates, non-articles and dedup index rows, timestamps aside."""
    queries = [
        "SELECT id, title, body, content_hash, copy_of, story_id FROM articles ORDER BY rowid",
        "SELECT article_id, kind, original_id, similarity, containment, reason, new_text "
        "FROM dedup_decisions ORDER BY article_id",
        "SELECT original_id, kind, similarity, title, outlet FROM duplicates ORDER BY id",
        "SELECT content_hash, reason, words, seen_count FROM non_articles ORDER BY content_hash",
        "SELECT article_rowid, shingles, signature, keys FROM dedup_signatures ORDER BY article_rowid",
        "SELECT outlet, line_key, articles FROM outlet_lines ORDER BY outlet, line_key",
        "SELECT outlet, articles FROM outlet_totals ORDER BY outlet"]
    return [[tuple(r) for r in corpus.db.execute(sql)] for sql in queries]


def _ingest_rows(tmp_path: Path, name: str, monkeypatch, parallel: bool) -> list:
    """Decision rows of the test files ingested with or without the reader process (with copies added)."""
    folder = tmp_path / name
    workspace.init(folder)
    from digest import config as config_mod
    config = config_mod.load(folder / "digest.toml")
    files = _inbox_files(config.path("inbox"))
    for path in files[:6]:  # an exact repeat and a trimmed copy of some files
        text = path.read_text(encoding="utf-8", errors="replace")
        (path.parent / f"zy-exact-{path.name}").write_text(text + "\n", encoding="utf-8")
        paragraphs = text.split("\n\n")
        (path.parent / f"zy-trim-{path.name}").write_text("\n\n".join(paragraphs[:-1]), encoding="utf-8")
    monkeypatch.setattr(inbox, "PARALLEL_MIN_FILES", 1 if parallel else 10**9)
    monkeypatch.setattr(inbox, "READ_CHUNK", 3)
    with workspace.open_corpus(config) as corpus:
        inbox.ingest(config, corpus, batch=4)
        return _decision_rows(corpus) + [_story_rows(corpus)]


def test_sketches_and_hashes_made_in_the_reader_decide_the_same(tmp_path, monkeypatch):
    used = []
    real_check = inbox.Deduplicator.check

    def counting_check(self, article, ready=None):
        """Count the checks that got a usable sketch from the reader."""
        used.append(ready is not None and ready.body == article.body)
        return real_check(self, article, ready)

    monkeypatch.setattr(inbox.Deduplicator, "check", counting_check)
    parallel = _ingest_rows(tmp_path, "par", monkeypatch, parallel=True)
    assert any(used)  # the reader's sketches were taken
    used.clear()
    sequential = _ingest_rows(tmp_path, "seq", monkeypatch, parallel=False)
    assert not any(used)
    assert parallel == sequential
    assert parallel[1] and parallel[2]  # copies and exact duplicates were decided


def test_reader_sketch_equals_the_deduplicators(ws_config):
    from digest.dedup.check import Deduplicator
    from digest.text.hashing import content_hash
    files = _inbox_files(ws_config.path("inbox"))
    with workspace.open_corpus(ws_config) as corpus:
        dedup = Deduplicator(corpus, ws_config)
        for path in files:
            got = inbox.read_file(path, inbox.ReadDefaults(), terms=True, sketch=dedup.params)
            for article, (body, _), ready in zip(got.articles, got.measured, got.ahead, strict=True):
                assert ready.body == (body if body.strip() else article.body)
                assert ready.content_hash == content_hash(ready.body)
                here = dedup.sketch(ready.body)
                assert (ready.sketch.shingles == here.shingles).all()
                assert (ready.sketch.signature == here.signature).all()
                assert (ready.sketch.bands, ready.sketch.sentences) == (here.bands, here.sentences)


def test_an_offered_sketch_is_used_only_for_its_own_body(ws_config):
    from digest.dedup.check import ahead
    from digest.text.hashing import content_hash
    files = _inbox_files(ws_config.path("inbox"))
    got = inbox.read_file(files[0], inbox.ReadDefaults(), terms=True)
    article, measured = got.articles[0], got.measured[0]
    with workspace.open_corpus(ws_config) as corpus:
        store = inbox.Store(corpus, ws_config)
        stale = ahead(measured[0] + "\nA line edited away.", store.dedup.params)
        store.offer(article, measured, replace(stale, body=measured[0] + " changed"))
        stored = store.put(article)
        assert stored.article.content_hash == content_hash(stored.article.body)  # stale offer ignored
        other = got.articles[0]
        bogus = replace(ahead(measured[0], store.dedup.params), content_hash="f" * 64)
        store.offer(replace(other, title="Another title"), measured, bogus)
        taken = store.put(replace(other, title="Another title"))
        assert taken.article.content_hash == "f" * 64  # the same body: taken as offered


def test_read_ahead_shares_sketches_with_the_reader(tmp_path, monkeypatch):
    files = _inbox_files(tmp_path / "in")
    with Corpus(tmp_path / "c.sqlite") as corpus:
        from digest import config as config_mod
        from digest.dedup.check import Deduplicator
        params = Deduplicator(corpus, config_mod.load(None)).params
    monkeypatch.setattr(inbox, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(inbox, "READ_CHUNK", 2)
    reads = list(inbox.read_ahead(files, inbox.ReadDefaults(), params))
    first = reads[0]  # the first chunks are always sketched by the reader
    assert first.articles and len(first.ahead) == len(first.articles)
    assert first.ahead[0].content_hash == inbox.read_file(
        files[0], inbox.ReadDefaults(), terms=True, sketch=params).ahead[0].content_hash
    assert all(len(r.ahead) in (0, len(r.articles)) for r in reads)


def _outlet_files(folder: Path, n: int) -> None:
    """n distinct articles of one outlet ending in two lines it repeats (learned boilerplate)."""
    rng = random.Random(3)
    words = ("harbour council ferry pier storm budget school rail museum engineers workers island "
             "mayor tender contract repairs bridge crossing passengers season weather report").split()
    for i in range(n):
        sentences = [" ".join(rng.choice(words) for _ in range(12)).capitalize() + "." for _ in range(6)]
        body = " ".join(sentences[:3]) + "\n\n" + " ".join(sentences[3:])
        (folder / f"g{i:02d}.txt").write_text(
            f"Harbour news item {i} on the {rng.choice(words)}\nSource: Quay Gazette\n\n{body}\n\n"
            "The Quay Gazette is printed at the old rope works in Port Arlen\n"
            "Letters to the editor reach the quay office by Tuesday noon\n")


def test_batched_outlet_lines_strip_as_lines_written_one_by_one(tmp_path):
    def run(name: str, batched: bool) -> list:
        folder = tmp_path / name
        workspace.init(folder)
        from digest import config as config_mod
        config = config_mod.load(folder / "digest.toml")
        _outlet_files(config.path("inbox"), 14)
        with workspace.open_corpus(config) as corpus:
            if batched:
                inbox.ingest(config, corpus, batch=5)
            else:  # each file in its own transaction, counts written at once
                where, store, report = inbox.Inbox(config), inbox.Store(corpus, config), inbox.IngestReport()
                for path in inbox.inbox_files([where.root]):
                    with corpus.transaction():
                        inbox.ingest_file(path, where, store, report)
            return _decision_rows(corpus)

    batched, single = run("batched", True), run("single", False)
    assert batched == single
    bodies = [row[2] for row in batched[0]]
    assert "rope works" in bodies[0] and "rope works" not in bodies[-1]  # learned, then stripped


def test_outlet_line_counts_wait_for_the_end_of_the_batch(ws_config):
    _outlet_files(ws_config.path("inbox"), 4)
    with workspace.open_corpus(ws_config) as corpus:
        store, report = inbox.Store(corpus, ws_config), inbox.IngestReport()
        where = inbox.Inbox(ws_config)
        with corpus.transaction(), store.lines.batch():
            for path in inbox.inbox_files([where.root]):
                inbox.ingest_file(path, where, store, report)
            assert corpus.db.execute("SELECT COUNT(*) FROM outlet_lines").fetchone()[0] == 0
        assert corpus.db.execute("SELECT articles FROM outlet_totals").fetchone()[0] == 4
        top = corpus.db.execute("SELECT MAX(articles) FROM outlet_lines").fetchone()[0]
        assert top == 4  # the footer, counted in each text as read
        bodies = [r[0] for r in corpus.db.execute("SELECT body FROM articles ORDER BY rowid")]
        assert ["rope works" in b for b in bodies] == [True, True, True, False]  # held counts seen
