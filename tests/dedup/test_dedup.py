"""Exact and near-duplicate detection against a real corpus file, on the real seed articles."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from helpers.paths import DATA, SEEDS
from helpers.pipeline import Pipeline

from digest.dedup import check as dedup_module
from digest.models import Article
from digest.store.audit import explain, report
from digest.text.hashing import MinHasher, content_hash, normalise, shingles, tokenise

UNRELATED = (DATA / "catalonia-rail-strike.txt").read_text(encoding="utf-8")


def seeds() -> list[Path]:
    """The five real seed articles, or skip when shared/ is not beside the repo."""
    files = sorted(SEEDS.glob("*.txt"))
    if len(files) < 5:
        pytest.skip(f"seed articles not found in {SEEDS} (shared/ must sit next to the repo)")
    return files


def make(body: str, title: str, outlet: str = "Outlet", day: int = 27) -> Article:
    """A finished article, as the inbox would hand it to dedup."""
    digest_hex = content_hash(body)
    return Article(id="a" + digest_hex[:15], title=title, outlet=outlet, body=body,
                   content_hash=digest_hex, language="en",
                   published=datetime(2022, 1, day, 12, tzinfo=timezone.utc),
                   ingested_at=datetime(2022, 1, day, 13, tzinfo=timezone.utc))



def postings(db, table: str, bands: int, rowid: int | None = None) -> int:
    """Postings of one article (or all) in a posting table, counting those still waiting to be flushed."""
    where, args = (" WHERE article_rowid = ?", (rowid,)) if rowid is not None else ("", ())
    stored = db.execute(f"SELECT count(*) FROM {table}{where}", args).fetchone()[0]
    mark = db.execute("SELECT value FROM dedup_meta WHERE key = 'indexed_upto'").fetchone()
    waiting = db.execute("SELECT keys FROM dedup_signatures WHERE article_rowid > ?" + where.replace(" WHERE", " AND"),
                         (int(mark[0]) if mark else 0, *args)).fetchall()
    counts = [len(blob) // 8 for (blob,) in waiting]
    return stored + sum(bands if table == "dedup_bands" else n - bands for n in counts)


def seed_articles() -> list[Article]:
    """The seeds as articles, headline = first non-empty line, one outlet each."""
    out = []
    for i, path in enumerate(seeds()):
        text = path.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.strip())
        out.append(make(text, title, outlet=f"Outlet{i}"))
    return out


def syndicated_copy(body: str) -> str:
    """Another site's copy: new header and headline, one paragraph cut, a footer added."""
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
    cut = len(paragraphs) // 2
    kept = paragraphs[1:cut] + paragraphs[cut + 1:]
    return ("WORLD WIRE SERVICE | Home | Politics | Subscribe\n\n"
            "Washington hands Moscow its written answer on NATO\n\n" + "\n\n".join(kept)
            + "\n\nCopyright 2022 World Wire Service. All rights reserved. Reprinted with permission.")



def test_seeds_are_not_duplicates_of_each_other(pipe):
    for article in seed_articles():
        decision, stored = pipe.add(article)
        assert decision.kind == "new", (article.outlet, decision)
        assert stored.copy_of is None


@pytest.mark.parametrize("index", range(5))
def test_syndicated_copy_of_a_seed_is_a_near_duplicate(pipe, index):
    originals = seed_articles()
    for article in originals:
        pipe.add(article)
    body = syndicated_copy(originals[index].body)
    assert content_hash(body) != originals[index].content_hash
    decision, stored = pipe.add(make(body, "Washington hands Moscow its written answer", "Wire"))
    assert decision.kind == "copy", decision
    assert decision.original_id == originals[index].id
    assert stored.copy_of == originals[index].id
    assert decision.similarity >= 0.7 and "copy of" in decision.reason
    assert stored.story_id == originals[index].story_id or stored.story_id == pipe.corpus.article(
        originals[index].id).story_id


def test_same_text_twice_is_exact_and_dropped(pipe):
    first = seed_articles()[0]
    pipe.add(first)
    again = make("  " + first.body.upper().replace("\n", " \n  ") + " ", "Other headline", "Mirror")
    decision, stored = pipe.add(again)
    assert decision.kind == "exact" and decision.original_id == first.id and stored is None
    row = pipe.corpus.db.execute("SELECT original_id, kind, outlet FROM duplicates").fetchone()
    assert tuple(row) == (first.id, "exact", "Mirror")
    assert pipe.corpus.stats()["articles"] == 1


def test_unrelated_article_is_new(pipe):
    for article in seed_articles():
        pipe.add(article)
    decision, _ = pipe.add(make(UNRELATED, "Rail strike in Catalonia"))
    assert decision.kind == "new"


def test_trimmed_copy_is_found_by_containment(pipe):
    original = seed_articles()[3]
    pipe.add(original)
    words = original.body.split()
    trimmed = " ".join(words[: int(len(words) * 0.35)]) + "\n\nRead the full story on our site."
    decision, stored = pipe.add(make(trimmed, "Teaser"))
    assert decision.kind == "copy" and stored.copy_of == original.id
    assert decision.similarity < 0.7 <= decision.containment
    assert "trimmed copy" in decision.reason


def test_updated_version_keeps_its_new_text(pipe):
    original = seed_articles()[1]
    pipe.add(original)
    update = ("UPDATE, Thursday: Russia's foreign ministry said it was studying the American "
              "reply and would answer after consulting President Vladimir Putin, a spokeswoman said.")
    decision, stored = pipe.add(make(original.body + "\n\n" + update, "US responds (updated)"))
    assert decision.kind == "copy" and stored.copy_of == original.id
    assert "updated version" in decision.reason
    assert update in decision.new_text
    saved = pipe.corpus.db.execute(
        "SELECT kind, original_id, new_text, reason FROM dedup_decisions WHERE article_id = ?",
        (stored.id,)).fetchone()
    assert saved["kind"] == "copy" and saved["original_id"] == original.id
    assert update in saved["new_text"] and saved["reason"] == decision.reason
    assert update in pipe.corpus.article(stored.id).body


def test_copies_in_one_run_see_each_other(pipe):
    first = make(UNRELATED, "Rail strike")
    decision, _ = pipe.add(first)
    assert decision.kind == "new"
    second = make("Barcelona Daily\n" + UNRELATED.replace("Monday", "Monday morning") + "\nShare this", "Strike")
    decision, stored = pipe.add(second)
    assert decision.kind == "copy" and stored.copy_of == first.id


def test_copy_of_a_copy_points_at_the_original(pipe):
    original = seed_articles()[2]
    pipe.add(original)
    _, copy = pipe.add(make(syndicated_copy(original.body), "Copy one", "Wire"))
    second = "Another Portal\n\n" + copy.body + "\n\nFollow us for more news from the region."
    decision, stored = pipe.add(make(second, "Copy two", "Portal"))
    assert decision.kind == "copy" and stored.copy_of == original.id


def test_signatures_persist_across_runs_and_reindex_on_new_settings(tmp_path, corpus_location):
    articles = seed_articles()
    first = Pipeline(tmp_path, location=corpus_location)
    for article in articles:
        first.add(article)
    assert postings(first.corpus.db, "dedup_bands", first.dedup.bands) == 5 * first.dedup.bands
    first.corpus.close()
    second = Pipeline(tmp_path, location=corpus_location)  # a later run: nothing recomputed, the copy is still found
    decision, _ = second.add(make(syndicated_copy(articles[4].body), "Copy", "Wire"))
    assert decision.kind == "copy" and decision.original_id == articles[4].id
    second.corpus.close()
    third = Pipeline(tmp_path, location=corpus_location, settings={"dedup": {"num_perm": 64}})  # new settings: stored index rebuilt
    assert postings(third.corpus.db, "dedup_bands", third.dedup.bands) == 6 * third.dedup.bands
    decision, _ = third.add(make(syndicated_copy(articles[0].body), "Copy", "Wire"))
    assert decision.kind == "copy" and decision.original_id == articles[0].id
    third.corpus.close()


def test_minhash_estimate_tracks_exact_jaccard():
    text = seed_articles()[0].body
    a, b = shingles(text, 5), shingles(syndicated_copy(text), 5)
    exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    hasher = MinHasher(256)
    estimate = float(np.mean(hasher.signature(a) == hasher.signature(b)))
    assert abs(estimate - exact) < 0.1
    other = shingles(seed_articles()[1].body, 5)
    assert float(np.mean(hasher.signature(a) == hasher.signature(other))) < 0.1


def test_normalise_and_hash_fold_trivial_differences():
    assert normalise("“Hello,”  WORLD!\n") == "hello world"
    assert content_hash("Hello, world") == content_hash("hello   WORLD.")
    assert content_hash("hello world") != content_hash("hello word")


def test_report_lists_duplicate_groups_and_stories(pipe):
    articles = seed_articles()
    for article in articles:
        pipe.add(article)
    pipe.add(make(syndicated_copy(articles[0].body), "Copy", "Wire"))
    pipe.add(make(articles[0].body, "Again", "Mirror"))
    result = report(pipe.corpus, date(2022, 1, 1), None)
    group = next(g for g in result["duplicate_groups"] if g["original"]["id"] == articles[0].id)
    assert [c["outlet"] for c in group["copies"]] == ["Wire"]
    assert group["copies"][0]["similarity"] >= 0.7 and "copy of" in group["copies"][0]["reason"]
    assert [e["outlet"] for e in group["exact"]] == ["Mirror"]
    assert len(result["stories"]) == 1
    assert set(result["stories"][0]["outlets"]) == {f"Outlet{i}" for i in range(5)} | {"Wire"}
    assert report(pipe.corpus, date(2023, 1, 1), None)["stories"] == []


def test_explain_gives_the_reasons_for_status_and_json(pipe):
    articles = seed_articles()
    for article in articles:
        pipe.add(article)
    _, copy = pipe.add(make(syndicated_copy(articles[1].body), "Copy", "Wire"))
    why = explain(pipe.corpus, [copy.id, articles[2].id])
    assert why[copy.id]["dedup"]["original_id"] == articles[1].id
    assert why[copy.id]["dedup"]["similarity"] >= 0.7 and "copy of" in why[copy.id]["dedup"]["reason"]
    assert why[copy.id]["story"]["story_id"] == pipe.corpus.article(articles[1].id).story_id
    assert why[articles[2].id]["dedup"] is None  # an original has no dedup decision
    story = why[articles[2].id]["story"]
    assert not story["founded_story"] and story["similarity"] >= 0.25 and "cosine" in story["reason"]


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_candidate_lookups_use_indexes_not_scans(pipe):
    """The per-article check must not grow with the corpus: every lookup is an index search."""
    queries = []
    pipe.corpus.db.set_trace_callback(queries.append)
    first, second = seed_articles()[:2]
    for article in (first, second, make(syndicated_copy(first.body), "Copy", "Wire")):
        pipe.add(article)
    pipe.corpus.db.set_trace_callback(None)
    lookups = [q for q in queries if q.lstrip().startswith("SELECT") and ("dedup_" in q or "rowid IN" in q)]
    for table in ("dedup_bands", "dedup_sentences", "dedup_signatures", "FROM articles"):
        assert any(table in q for q in lookups), table
    for sql in lookups:
        plan = " ".join(r[3] for r in pipe.corpus.db.execute("EXPLAIN QUERY PLAN " + sql))
        assert not re.search(r"SCAN (?!\(subquery|CONSTANT ROW|k\d+$|k\d+ )", plan), (sql, plan)  # no table scan (kN: a subquery)
        assert "SEARCH" in plan


def test_remember_writes_the_sketch_inside_the_callers_transaction(pipe):
    """Many articles in one transaction: each check sees the sketches remembered before it."""
    first, second = seed_articles()[:2]
    copy = make(syndicated_copy(first.body), "Copy", "Wire")
    db = pipe.corpus.db
    with pipe.corpus.transaction():
        for article in (first, second):
            assert pipe.dedup.check(article).kind == "new"
            pipe.corpus.insert_article(article)
            pipe.dedup.remember(article)
        rowid = db.execute("SELECT rowid FROM articles WHERE id = ?", (first.id,)).fetchone()[0]
        assert postings(db, "dedup_bands", pipe.dedup.bands, rowid) == pipe.dedup.bands
        assert postings(db, "dedup_sentences", pipe.dedup.bands, rowid) > 0
        decision = pipe.dedup.check(copy)
        assert decision.kind == "copy" and decision.original_id == first.id
        stray = make(UNRELATED, "Never inserted")
        pipe.dedup.check(stray)
        pipe.dedup.remember(stray)  # not in `articles`: nothing is stored for it
    assert db.execute("SELECT count(*) FROM dedup_signatures").fetchone()[0] == 2


def test_postings_are_flushed_in_batches_and_copies_are_found_before_and_after(pipe, monkeypatch):
    """Waiting postings are found from memory; a flush moves them into the tables and the mark."""
    monkeypatch.setattr(dedup_module, "FLUSH_SIZE", 3)
    db, bands = pipe.corpus.db, pipe.dedup.bands
    originals = seed_articles()
    for article in originals:
        pipe.add(article)
    third = db.execute("SELECT rowid FROM articles WHERE id = ?", (originals[2].id,)).fetchone()[0]
    assert db.execute("SELECT value FROM dedup_meta WHERE key = 'indexed_upto'").fetchone()[0] == str(third)
    assert db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 3 * bands
    assert db.execute("SELECT max(article_rowid) FROM dedup_sentences").fetchone()[0] == third
    assert postings(db, "dedup_bands", bands) == 5 * bands
    for index in (0, 4):  # one original in the tables, one still waiting
        decision, _ = pipe.add(make(syndicated_copy(originals[index].body), f"Copy {index}", "Wire"))
        assert decision.kind == "copy" and decision.original_id == originals[index].id
    assert db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 6 * bands


def test_a_rolled_back_flush_and_another_connection_are_noticed(pipe, monkeypatch, tmp_path, corpus_location):
    """Postings in memory follow the corpus: a flush undone by a rollback, and articles another process added."""
    monkeypatch.setattr(dedup_module, "FLUSH_SIZE", 2)
    first, second, third = seed_articles()[:3]
    pipe.add(first)
    with pytest.raises(RuntimeError):
        with pipe.corpus.transaction():
            pipe.corpus.insert_article(second)
            pipe.dedup.remember(second)  # the second waiting article: flushed, then rolled back
            raise RuntimeError("ingest failed")
    assert pipe.corpus.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 0
    decision, _ = pipe.add(make(syndicated_copy(first.body), "Copy", "Wire"))
    assert decision.kind == "copy" and decision.original_id == first.id
    other = Pipeline(tmp_path, location=corpus_location)  # a second process on the same corpus
    other.add(third)
    other.corpus.close()
    decision, _ = pipe.add(make(syndicated_copy(third.body), "Copy 3", "Wire"))
    assert decision.kind == "copy" and decision.original_id == third.id


def test_ascii_and_unicode_texts_hash_words_and_sentences_alike():
    """A copy that only gains curly quotes or an accented name still shares its shingles and sentences."""
    text = seed_articles()[0].body
    plain = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    plain = plain.encode("ascii", "ignore").decode()
    fancy = plain.replace('"', "\u201c", 1) + "\n\nJos\u00e9 Garc\u00eda contributed reporting to this article today."
    assert plain.isascii() and not fancy.isascii()
    words_a, sentences_a = tokenise(plain)
    words_b, sentences_b = tokenise(fancy)
    assert np.array_equal(words_a, words_b[: len(words_a)])
    assert len(set(sentences_a) - set(sentences_b)) <= 1  # only the sentence whose quote changed
    assert len(sentences_b) > len(sentences_a) - 1
    a, b = shingles(plain, 5), shingles(fancy, 5)
    assert len(np.intersect1d(a, b)) >= len(a) - 5


def test_an_index_from_before_the_batched_postings_is_rebuilt_once(tmp_path, corpus_location):
    """A corpus whose postings were written one article at a time (INDEX_VERSION 2) is re-indexed on open."""
    articles = seed_articles()
    first = Pipeline(tmp_path, location=corpus_location)
    for article in articles:
        first.add(article)
    db = first.corpus.db
    params = db.execute("SELECT value FROM dedup_meta WHERE key = 'params'").fetchone()[0]
    with first.corpus.transaction():  # what the previous version left behind
        db.execute("UPDATE dedup_signatures SET keys = NULL")
        db.execute("DELETE FROM dedup_meta WHERE key = 'indexed_upto'")
        db.execute("UPDATE dedup_meta SET value = ? WHERE key = 'params'", (params.replace("v3;", "v2;"),))
    first.corpus.close()
    second = Pipeline(tmp_path, location=corpus_location)
    db = second.corpus.db
    assert db.execute("SELECT count(*) FROM dedup_signatures WHERE keys IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 5 * second.dedup.bands  # flushed
    assert db.execute("SELECT value FROM dedup_meta WHERE key = 'params'").fetchone()[0] == params
    decision, _ = second.add(make(syndicated_copy(articles[1].body), "Copy", "Wire"))
    assert decision.kind == "copy" and decision.original_id == articles[1].id
    second.corpus.close()
