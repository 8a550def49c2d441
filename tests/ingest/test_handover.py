"""A worker's hand-over (Store.turn) takes in what other workers stored since its last turn, and only
that (issue 16): their articles' story members and waiting dedup postings, read by rowid; and reads
everything again when stories changed in another way (merged, regrouped, followed). Workers here are
two connections taking turns one after the other, on either engine."""
from __future__ import annotations

from pathlib import Path

import pytest

from digest.dedup.check import Kind
from digest.ingest.inbox import Store
from digest.models import Article
from digest.sources.readers import ReadDefaults, read_items
from digest.store import dedup_index, story_tables, workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "inbox"
WINDOW_READS = ("members_by_day", "members_by_arrival", "newest_in_window")  # a window read from the corpus


def _example(name: str) -> Article:
    """The article of one bundled example file, as the inbox reader makes it."""
    path = EXAMPLES / name
    return read_items(path, path.read_bytes(), ReadDefaults())[0][0]


def _turn(store: Store, *articles: Article) -> list:
    """One worker's turn, as an inbox batch takes it: what putting each article stored."""
    with store.corpus.transaction(), store.turn(), store.stories.batch(), store.lines.batch():
        return [store.put(article) for article in articles]


@pytest.fixture
def reads(monkeypatch) -> dict[str, list]:
    """Rows each corpus read of story members and waiting dedup postings returned, by function
    (the real functions run; their rows are only counted)."""
    seen: dict[str, list] = {}

    def spy(module, name: str, pick) -> None:
        real = getattr(module, name)

        def counted(*args, **kwargs):
            rows = list(real(*args, **kwargs))
            seen.setdefault(name, []).extend(pick(row) for row in rows)
            return rows
        monkeypatch.setattr(module, name, counted)
    for name in (*WINDOW_READS, "members_after"):
        spy(story_tables, name, lambda row: row[0])  # the member's article id
    spy(dedup_index, "waiting", lambda row: row[0])  # the article's rowid
    return seen


@pytest.fixture
def workers(ws_config):
    """Two workers' stores on one corpus."""
    corpora = [workspace.open_corpus(ws_config) for _ in range(2)]
    yield [Store(corpus, ws_config) for corpus in corpora]
    for corpus in corpora:
        corpus.close()


def test_a_hand_over_takes_in_the_story_another_worker_started(workers):
    first, second = workers
    _turn(second, _example("citizen-bike-lanes.txt"))  # the second worker holds early March's stories
    started = _turn(first, _example("coastal-herald-solar.txt"))[0]
    joined = _turn(second, _example("grid-weekly-solar.md"))[0]
    assert joined.dedup.kind == Kind.NEW  # another telling, not a copy: only the story index links it
    assert not joined.story.is_new and joined.story.story_id == started.article.story_id
    assert joined.story.matched_article_id == started.article.id


def test_a_hand_over_reads_only_what_other_workers_stored(workers, reads):
    first, second = workers
    own = _turn(second, _example("citizen-bike-lanes.txt"))[0]
    other = _turn(first, _example("coastal-herald-solar.txt"))[0]
    rowid = first.corpus.db.execute("SELECT rowid FROM articles WHERE id = ?", (other.article.id,)).fetchone()[0]
    reads.clear()
    _turn(second, _example("grid-weekly-solar.md"))
    assert reads["members_after"] == [other.article.id]  # the other worker's article, not its own
    assert reads["waiting"] == [rowid]
    assert not [aid for name in WINDOW_READS for aid in reads.get(name, ())]  # no window read again
    assert own.article.id in second.stories._members  # its own article still held, never read back


def test_a_hand_over_reads_everything_again_after_another_worker_merged_stories(workers, reads):
    first, second = workers
    bikes, solar = _turn(second, _example("citizen-bike-lanes.txt"), _example("coastal-herald-solar.txt"))
    with first.corpus.transaction():  # as a bridging article of another worker merges two stories
        story_tables.merge(first.corpus, solar.article.story_id, bikes.article.story_id)
    reads.clear()
    joined = _turn(second, _example("council-bike-lanes.md"))[0]
    assert joined.story.story_id == solar.article.story_id  # the story the bike lanes were merged into
    assert joined.story.matched_article_id == bikes.article.id
    assert bikes.article.id in reads["members_by_day"]  # the window was read again


def test_a_turn_rolled_back_leaves_nothing_of_its_articles_in_memory(workers):
    _, second = workers
    _turn(second, _example("citizen-bike-lanes.txt"))  # a turn that went well before
    article = _example("coastal-herald-solar.txt")
    with pytest.raises(RuntimeError):
        with second.corpus.transaction(), second.turn():  # a feed's turn (no batch): its state failed to save
            second.put(article)
            raise RuntimeError("the feed state could not be written")
    with second.corpus.transaction(), second.turn():
        again = second.put(article)
    assert again.dedup.kind == Kind.NEW
    assert again.story.is_new and again.story.matched_article_id is None  # not joined to its rolled-back self
