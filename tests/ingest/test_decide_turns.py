"""Why a copy or story decision never races with another worker's commit on PostgreSQL (issue 16
item 2): a worker decides and commits in its turn (Corpus.take_turn, a transaction-scoped advisory
lock), so a second worker deciding on the same text waits for the first one's commit and then sees
it: nothing is left to retry. Outside a turn the same decision would be made on a stale corpus."""
from __future__ import annotations

import random
import threading
import time

from helpers.workers import make_workspace, paragraph

from digest.config import load
from digest.dedup.check import Kind
from digest.ingest.inbox import Store, finish
from digest.models import Article, utcnow
from digest.store import workspace


def _article(rng: random.Random, paragraphs: list[str] | None = None) -> Article:
    """A news text as a reader makes it (no id yet)."""
    paragraphs = paragraphs or [paragraph(rng) for _ in range(6)]
    return Article(id="", title="Harbour board agrees on dredging", outlet="Outlet", body="\n\n".join(paragraphs),
                   published=utcnow(), language="en", source_path="/inbox/x.txt")


def _waiting(corpus) -> int:
    """Sessions waiting for an advisory lock (a worker waiting for its turn)."""
    return corpus.db.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()[0]


def test_a_worker_deciding_the_same_text_waits_for_the_others_commit_then_sees_it(pg_server, tmp_path):
    config = load(make_workspace(tmp_path / "ws", pg_server.fresh_database()))
    rng = random.Random(16)
    original = _article(rng)
    update = _article(rng, [*original.body.split("\n\n"), paragraph(rng)])  # a near copy: a paragraph added
    first, second, outsider = (workspace.open_corpus(config) for _ in range(3))
    store_a, store_b, store_c = (Store(c, config) for c in (first, second, outsider))
    with second.transaction(), store_b.turn():
        pass  # B has read the (empty) corpus: what it holds in memory is stale once A commits
    decided = {}

    def worker_b() -> None:
        with second.transaction(), store_b.turn():
            decided["repost"] = store_b.put(original)
            decided["update"] = store_b.put(update)

    with first.transaction(), store_a.turn():
        stored = store_a.put(original)
        b = threading.Thread(target=worker_b)
        b.start()
        deadline = time.monotonic() + 30
        while not _waiting(outsider) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting(outsider) == 1 and b.is_alive()  # B waits for its turn while A holds it
        # outside a turn the same text would be judged new on the corpus as committed so far
        assert store_c.dedup.check(finish(original)).kind == Kind.NEW
    b.join(timeout=60)
    assert decided["repost"].dedup.kind == Kind.EXACT
    assert decided["repost"].dedup.original_id == stored.article.id
    assert decided["update"].dedup.kind == Kind.COPY and decided["update"].article.copy_of == stored.article.id
    assert decided["update"].article.story_id == stored.article.story_id
    assert outsider.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2  # original and update, once each
    for corpus in (first, second, outsider):
        corpus.close()
