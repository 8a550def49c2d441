"""The corpus tables behind story grouping: members and their terms, stories, document
frequencies and the lines already seen (stories/index.py decides; this only reads and writes)."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from digest.store.corpus import Corpus

_MEMBERS_SELECT = ("SELECT m.article_id, m.story_id, m.day, m.terms, a.language, a.title, a.ingested_at, "
                  "a.published_is_guess FROM story_members m JOIN articles a ON a.id = m.article_id")


def documents(corpus: Corpus) -> int:
    """Articles counted in the document frequencies."""
    row = corpus.db.execute("SELECT value FROM story_meta WHERE key = 'docs'").fetchone()
    return int(row[0]) if row else 0


def set_documents(corpus: Corpus, count: int) -> None:
    """Record the articles counted (caller's transaction)."""
    corpus.db.execute("INSERT INTO story_meta VALUES ('docs', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      (str(count),))


def changes(corpus: Corpus) -> int:
    """How often stories changed other than by new members (merged, regrouped, followed or not): a
    worker holding stories in memory reads them all again when this moved since its last turn."""
    row = corpus.db.execute("SELECT value FROM story_meta WHERE key = 'changes'").fetchone()
    return int(row[0]) if row else 0


def note_change(corpus: Corpus) -> None:
    """Count one such change (caller's transaction)."""
    corpus.db.execute("INSERT INTO story_meta VALUES ('changes', '1') ON CONFLICT (key) DO UPDATE "
                      "SET value = CAST(CAST(story_meta.value AS INTEGER) + 1 AS TEXT)")


def doc_freqs(corpus: Corpus, terms: list[str]) -> Iterable[tuple[str, int]]:
    """(term, df) of the stored terms among these (one statement: the terms go in as one parameter)."""
    values, param = corpus.dialect.value_set(terms)
    return corpus.db.execute(f"SELECT term, df FROM story_df WHERE term IN {values}", (param,))


def add_doc_freqs(corpus: Corpus, counts: Counter[str]) -> None:
    """Add to the document frequencies (caller's transaction; the upsert loop runs inside the database)."""
    pairs, param = corpus.dialect.pairs(counts)
    corpus.db.execute(f"INSERT INTO story_df SELECT key, CAST(value AS INTEGER) FROM {pairs} WHERE true "
                      "ON CONFLICT(term) DO UPDATE SET df = story_df.df + excluded.df", (param,))


def add_seen_lines(corpus: Corpus, counts: Counter[int]) -> None:
    """Count line keys carried by articles (caller's transaction)."""
    corpus.db.executemany("INSERT INTO story_lines VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET seen = story_lines.seen + excluded.seen",
                          sorted(counts.items()))


def seen_lines(corpus: Corpus, keys: list[int]) -> set[int]:
    """The line keys among these carried by an earlier article."""
    values, param = corpus.dialect.value_set(keys, "bigint")
    rows = corpus.db.execute(f"SELECT key FROM story_lines WHERE key IN {values}", (param,))
    return {r[0] for r in rows}


def save_member(corpus: Corpus, member: tuple, title: str, now: str) -> None:
    """One member row (article_id, story_id, day, matched_id, similarity, is_new, reason, terms json),
    and its story created or touched (caller's transaction)."""
    corpus.db.execute("INSERT INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE "
                      "SET story_id = excluded.story_id, day = excluded.day, matched_id = excluded.matched_id, "
                      "similarity = excluded.similarity, is_new = excluded.is_new, reason = excluded.reason, "
                      "terms = excluded.terms, decided_at = excluded.decided_at", (*member, now))
    corpus.db.execute("INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at", (member[1], title, now, now))


def members_by_day(corpus: Corpus, first: str, last: str) -> Iterable[tuple]:
    """Members dated first..last, with their article's language, title, arrival and date guess."""
    return corpus.db.execute(f"{_MEMBERS_SELECT} WHERE m.day BETWEEN ? AND ?", (first, last))


def members_after(corpus: Corpus, after: int, upto: int) -> Iterable[tuple]:
    """Members of the articles stored with rowids in (after, upto], in that order: what other
    workers stored since a worker's last turn."""
    return corpus.db.execute(f"{_MEMBERS_SELECT} WHERE a.rowid > ? AND a.rowid <= ? ORDER BY a.rowid", (after, upto))


def members_by_arrival(corpus: Corpus, start: str, end: str, only_guessed: bool) -> Iterable[tuple]:
    """Members that arrived in [start, end), only those whose date is a guess when asked."""
    guessed = " AND a.published_is_guess = 1" if only_guessed else ""
    return corpus.db.execute(f"{_MEMBERS_SELECT} WHERE a.ingested_at >= ? AND a.ingested_at < ?{guessed}",
                             (start, end))


def newest_in_window(corpus: Corpus, days: tuple[str, str], arrivals: tuple[str, str], all_arrived: bool,
                     limit: int) -> Iterable[tuple]:
    """The `limit` members that arrived last among those dated days[0]..days[1] and those that arrived
    in [arrivals[0], arrivals[1]) (all of them with `all_arrived`, else those whose date is a guess),
    oldest first."""
    guessed = "" if all_arrived else " AND a.published_is_guess = 1"
    return corpus.db.execute(f"SELECT * FROM ({_MEMBERS_SELECT} WHERE m.day BETWEEN ? AND ? OR (a.ingested_at >= ? "
                             f"AND a.ingested_at < ?{guessed}) ORDER BY a.ingested_at DESC, m.article_id DESC "
                             "LIMIT ?) AS newest ORDER BY ingested_at, article_id", (*days, *arrivals, limit))


def dated_span(corpus: Corpus, story_id: str) -> tuple[str | None, str | None]:
    """(first, last) day of a story's members whose day is not a guess."""
    return corpus.db.execute("SELECT min(m.day), max(m.day) FROM story_members m JOIN articles a ON "
                             "a.id = m.article_id WHERE m.story_id = ? AND a.published_is_guess = 0",
                             (story_id,)).fetchone()


def oldest(corpus: Corpus, story_ids: list[str]) -> str | None:
    """The first-created of some stories."""
    row = corpus.db.execute(f"SELECT id FROM stories WHERE id IN ({','.join('?' * len(story_ids))}) "
                            f"ORDER BY created_at, rowid LIMIT 1", story_ids).fetchone()
    return row[0] if row else None


def merge(corpus: Corpus, into: str, other: str) -> None:
    """Move a story's articles and members into another and drop it (caller's transaction)."""
    corpus.db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into, other))
    corpus.db.execute("UPDATE story_members SET story_id = ? WHERE story_id = ?", (into, other))
    corpus.db.execute("DELETE FROM stories WHERE id = ?", (other,))
    note_change(corpus)


def member_rows(corpus: Corpus, article_ids: list[str]) -> Iterable[tuple]:
    """(article_id, story_id, day, terms json, the story's creation rank) of the members among these articles."""
    values, param = corpus.dialect.value_set(article_ids)
    rows = corpus.db.execute("SELECT m.article_id, m.story_id, m.day, m.terms, coalesce(s.created_at, ''), "
                             "coalesce(s.rowid, 0) FROM story_members m LEFT JOIN stories s ON s.id = m.story_id "
                             f"WHERE m.article_id IN {values}", (param,))
    return [(a, story, day, terms, f"{created}{rank:020d}") for a, story, day, terms, created, rank in rows]


def regroup(corpus: Corpus, moves: list[tuple], titles: dict[str, str], now: str) -> None:
    """Put members in their regrouped stories (article_id, story_id, matched_id, similarity, reason),
    create the new stories and drop those left empty (caller's transaction)."""
    before = {r[0]: r[1] for r in member_rows(corpus, [m[0] for m in moves])}
    for story_id in sorted({m[1] for m in moves} - set(before.values())):
        corpus.db.execute("INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (id) DO NOTHING", (story_id, titles.get(story_id, ""), now, now))
    for article_id, story_id, matched, similarity, reason in moves:
        corpus.db.execute("UPDATE story_members SET story_id = ?, matched_id = ?, similarity = ?, reason = ? "
                          "WHERE article_id = ?", (story_id, matched, similarity, reason, article_id))
        corpus.db.execute("UPDATE articles SET story_id = ? WHERE id = ? OR (copy_of = ? AND story_id = ?)",
                          (story_id, article_id, article_id, before.get(article_id)))
        corpus.db.execute("UPDATE story_members SET story_id = ? WHERE article_id IN "
                          "(SELECT id FROM articles WHERE copy_of = ?) AND story_id = ?",
                          (story_id, article_id, before.get(article_id)))
    values, param = corpus.dialect.value_set(sorted(set(before.values())))
    corpus.db.execute(f"DELETE FROM stories WHERE id IN {values} AND id NOT IN "
                      "(SELECT story_id FROM story_members)", (param,))
    if any(before.get(move[0]) != move[1] for move in moves):
        note_change(corpus)


def sent(corpus: Corpus, story_ids: list[str]) -> set[str]:
    """The stories among these that a digest carried."""
    values, param = corpus.dialect.value_set(story_ids)
    return {r[0] for r in corpus.db.execute(f"SELECT DISTINCT story_id FROM digest_articles WHERE story_id IN {values}",
                                            (param,))}
