"""The corpus: a real SQLite database (WAL), or a PostgreSQL one (store/engine.py), that persists
articles, stories and runs."""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

from digest.errors import CorpusError
from digest.models import Article, utcnow
from digest.store import cache as page_cache
from digest.store import check as corpus_check
from digest.store import engine
from digest.store.faults import storage_error
from digest.store.migrations import MIGRATIONS

ARTICLE_COLUMNS = (
    "id", "title", "outlet", "url", "published", "published_is_guess", "language", "body",
    "content_hash", "ingested_at", "source_path", "author", "copy_of", "story_id",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def article_from_row(row: sqlite3.Row) -> Article:
    """Rebuild an Article from an `articles` row."""
    return Article(
        id=row["id"], title=row["title"], outlet=row["outlet"], url=row["url"],
        published=_dt(row["published"]), published_is_guess=bool(row["published_is_guess"]),
        language=row["language"], body=row["body"], content_hash=row["content_hash"],
        ingested_at=_dt(row["ingested_at"]), source_path=row["source_path"],
        author=row["author"], copy_of=row["copy_of"], story_id=row["story_id"],
    )


class Corpus:
    """Access to one workspace's corpus database."""

    def __init__(self, location: str | Path, secret: str | None = None, cache: page_cache.PageCache | None = None):
        """Open (creating and migrating) the corpus at a file path or a `postgresql://` URL;
        `secret` is the PostgreSQL password when it does not come from libpq's own sources;
        `cache` the SQLite page cache's rule (default: the shipped settings')."""
        self._savepoints = 0
        self.cache, self.cache_mb, self._sized_at = cache or page_cache.default(), 0, 0
        self.begins = 0  # outermost transactions this connection began
        self.rollbacks = 0  # transactions and savepoints of this connection rolled back (what memory holds may be gone)
        self.sound = False  # set once the file passed the damage check; a clean close then records it
        if engine.is_url(location):
            self.dialect, self.name = engine.Postgres, engine.shown(str(location))
            self.path = Path.cwd() / "corpus.postgresql"  # where messages about local files point
            self.db = engine.connect_postgres(str(location), secret)
        else:
            self.dialect, self.path = engine.SQLite, Path(location)
            self.name = str(self.path)
            self._open_file()
            self.sound = True
        self.migrate()

    def _open_file(self) -> None:
        """Open the SQLite file (created when missing) after its damage check, tuned for the dedup index."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                corpus_check.create_new(self.path)
            corpus_check.check_file(self.path)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            # Room for the dedup LSH index, whose inserts land on random pages: a page cache sized
            # by [store] (fit_cache) and a WAL checkpoint every 20,000 pages instead of 1,000
            # (measured at 100k articles with 256 MB: 1,261 instead of 945 articles per CPU-second).
            # Durability is unchanged.
            self.fit_cache()
            self.db.execute("PRAGMA wal_autocheckpoint = 20000")
            # A dedup posting flush (dedup.check.FLUSH_SIZE articles) can grow the WAL to about
            # a gigabyte at 1M articles: give the space back after the checkpoint that follows.
            self.db.execute("PRAGMA journal_size_limit = 134217728")
            self._verify()
        except (sqlite3.Error, OSError) as exc:
            raise storage_error(exc, self.path.parent, self.path) or CorpusError(
                f"{self.path}: cannot open the corpus database ({exc})") from exc

    def fit_cache(self) -> None:
        """Size SQLite's page cache for the file as it is now; again once it has grown by
        cache.RESIZE_GROWTH, so an import that starts empty gets its cache as the corpus grows."""
        size = self.path.stat().st_size
        if self.cache_mb and size < self._sized_at * page_cache.RESIZE_GROWTH:
            return
        mb = self.cache.size_mb(size)
        if mb != self.cache_mb:
            self.db.execute(f"PRAGMA cache_size = {-1024 * mb}")
        self.cache_mb, self._sized_at = mb, size

    @property
    def epoch(self) -> int:
        """Moves at each outermost BEGIN and each rollback (see `unchanged_since`)."""
        return self.begins + self.rollbacks

    def unchanged_since(self, epoch: int) -> bool:
        """True when only this connection can have written since `epoch` (an earlier `self.epoch`),
        and nothing it wrote was rolled back: the same SQLite write transaction (BEGIN IMMEDIATE
        holds the write lock) with no rollback since."""
        return epoch == self.epoch and self.db.in_transaction and not self.is_postgres

    @property
    def is_postgres(self) -> bool:
        """True when the corpus lives on a PostgreSQL server."""
        return self.dialect is engine.Postgres

    def _verify(self) -> None:
        """The damage check at open; the connection is closed when the corpus is refused."""
        try:
            corpus_check.verify_open(self.db, self.path)
        except CorpusError:
            self.db.close()
            raise

    def close(self) -> None:
        """Close the connection; a sound corpus is recorded as verified, so the next open skips the full check."""
        self.db.close()
        if self.sound and not self.is_postgres:
            corpus_check.mark_verified(self.path)

    def distrust(self) -> None:
        """After a database error: the next open runs the full damage check again."""
        self.sound = False
        if not self.is_postgres:
            corpus_check.forget(self.path)

    def take_turn(self) -> None:
        """Inside a transaction: wait until no other worker is deciding and committing (PostgreSQL;
        on SQLite the workspace lock already lets one process write)."""
        if self.is_postgres:
            self.db.execute(f"SELECT pg_advisory_xact_lock({engine.DECIDE_LOCK})")

    @contextmanager
    def building(self) -> Iterator[None]:
        """One worker at a time builds or delivers, and no ingest worker decides meanwhile (PostgreSQL:
        session advisory locks, waited for; on SQLite the workspace lock already lets one process in)."""
        if not self.is_postgres:
            yield
            return
        for key in (engine.BUILD_LOCK, engine.DECIDE_LOCK):
            self.db.execute("SELECT pg_advisory_lock(?)", (key,))
        try:
            yield
        finally:
            for key in (engine.DECIDE_LOCK, engine.BUILD_LOCK):
                self.db.execute("SELECT pg_advisory_unlock(?)", (key,))

    def last_rowid(self) -> int:
        """The newest stored article's rowid (0 when none): moves whenever any process stores one."""
        return self.db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]

    def claim(self, name: str) -> bool:
        """Claim an inbox file for this process (PostgreSQL: a session advisory lock the server releases
        if the process dies); False when another worker holds it. Always True on SQLite."""
        if not self.is_postgres:
            return True
        return bool(self.db.execute("SELECT pg_try_advisory_lock(?)", (engine.claim_key(name),)).fetchone()[0])

    def release(self, name: str) -> None:
        """Release a claim once its file left the inbox."""
        if self.is_postgres:
            self.db.execute("SELECT pg_advisory_unlock(?)", (engine.claim_key(name),))

    def data_version(self) -> int:
        """Changes when another connection commits."""
        return self.dialect.data_version(self.db)

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing block of writes; inside another one it is a savepoint of it."""
        if self.db.in_transaction:
            self._savepoints += 1
            name = f"sp{self._savepoints}"
            self.db.execute(f"SAVEPOINT {name}")
            try:
                yield self.db
            except BaseException:
                self.rollbacks += 1
                self.db.execute(f"ROLLBACK TO {name}")
                self.db.execute(f"RELEASE {name}")
                raise
            self.db.execute(f"RELEASE {name}")
            return
        if not self.is_postgres:
            self.fit_cache()
        self.begins += 1
        self.db.execute(self.dialect.begin)
        try:
            yield self.db
        except BaseException:
            self.rollbacks += 1
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # schema ------------------------------------------------------------
    def schema_version(self) -> int:
        """Highest migration applied."""
        row = self.db.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; return their numbers."""
        with self.transaction() as db:  # under the migration lock: two processes may create it at once
            if self.dialect.migration_lock:
                db.execute(self.dialect.migration_lock)
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                       "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {r[0] for r in self.db.execute("SELECT version FROM schema_migrations")}
        newest = max((v for v, _, _ in MIGRATIONS), default=0)
        if done and max(done) > newest:
            raise CorpusError(
                f"{self.name}: schema version {max(done)} is newer than this digest "
                f"({newest}); upgrade digest"
            )
        return [version for version, name, sql in sorted(MIGRATIONS)
                if version not in done and self._apply(version, name, sql)]

    def _apply(self, version: int, name: str, sql: str) -> bool:
        """Apply one migration in its own transaction; False when another process applied it first."""
        try:
            with self.transaction() as db:
                if self.dialect.migration_lock:
                    db.execute(self.dialect.migration_lock)
                if db.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone():
                    return False  # checked again under the write lock: two runs may open a new corpus
                for statement in self.dialect.ddl(sql):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, _iso(utcnow())))
        except engine.DRIVER_ERRORS as exc:
            raise storage_error(exc, self.path.parent, self.path) or CorpusError(
                f"{self.name}: migration {version} ({name}) failed and was rolled back ({exc}); "
                f"the database stays at version {self.schema_version()}"
            ) from exc
        return True

    # articles ------------------------------------------------------------
    def insert_article(self, article: Article) -> int:
        """Insert one article (inside the caller's transaction); its rowid."""
        values = [getattr(article, c) for c in ARTICLE_COLUMNS]
        values = [_iso(v) if isinstance(v, datetime) else v for v in values]
        sql = f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})"
        if self.is_postgres:
            rowid = self.db.execute(sql + " RETURNING rowid", values).fetchone()[0]
        else:  # SQLite's lastrowid spares the RETURNING machinery on the hot path
            rowid = self.db.execute(sql, values).lastrowid
        self.db.execute(self.dialect.fts_insert, (rowid, article.title, article.body))  # store/search.py
        return rowid

    def article(self, article_id: str) -> Article | None:
        """One article by id."""
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return article_from_row(row) if row else None

    def articles_dated(self, since: str | None, before: str | None,
                       story_ids: Iterable[str] | None = None) -> list[Article]:
        """Articles whose day (published, else ingested) is in [since, before), of some stories if
        named, in the order they were stored."""
        sql, args = ["SELECT * FROM articles WHERE 1=1"], []
        when = "substr(coalesce(published, ingested_at), 1, 10)"
        for clause, value in ((f"{when} >= ?", since), (f"{when} < ?", before)):
            if value:
                sql.append(f"AND {clause}")
                args.append(value)
        if story_ids is not None:
            ids = sorted(set(story_ids))
            sql.append(f"AND story_id IN ({','.join('?' * len(ids))})")
            args += ids
        return [article_from_row(r) for r in self.db.execute(" ".join(sql) + " ORDER BY rowid", args)]

    def articles(self, ids: Iterable[str]) -> list[Article]:
        """Articles by id, in the order given."""
        found = {a.id: a for a in map(self.article, ids) if a}
        return [found[i] for i in ids if i in found]

    def article_by_hash(self, content_hash: str) -> Article | None:
        """The article with this normalised-content hash, if any."""
        row = self.db.execute(
            "SELECT * FROM articles WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return article_from_row(row) if row else None

    def record_duplicate(self, original_id: str, kind: str, similarity: float | None,
                         article: Article) -> None:
        """Remember that `article` was dropped as a duplicate of `original_id`."""
        self.db.execute(
            "INSERT INTO duplicates (original_id, kind, similarity, title, outlet, source_path, "
            "seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (original_id, kind, similarity, article.title, article.outlet,
             article.source_path, _iso(utcnow())),
        )

    def unsent_articles(self) -> list[Article]:
        """Articles that no digest has included and the backlog rule has not archived, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM articles WHERE id NOT IN (SELECT article_id FROM digest_articles) "
            "AND id NOT IN (SELECT article_id FROM archived_articles) "
            "ORDER BY coalesce(published, ingested_at), id"
        )
        return [article_from_row(r) for r in rows]

    # inbox files ---------------------------------------------------------
    def file_status(self, sha256: str) -> str | None:
        """Status of an inbox file already seen (by content), or None."""
        row = self.db.execute("SELECT status FROM inbox_files WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def record_file(self, sha256: str, path: str, status: str, article_ids: list[str]) -> None:
        """Remember an ingested inbox file (inside the caller's transaction)."""
        self.db.execute(
            "INSERT INTO inbox_files VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET path = excluded.path, "
            "status = excluded.status, article_ids = excluded.article_ids, seen_at = excluded.seen_at",
            (sha256, path, status, json.dumps(article_ids), _iso(utcnow())),
        )

    # runs ----------------------------------------------------------------
    def last_started(self, kind: str) -> str | None:
        """When the last run of this kind started (ISO text), or None."""
        row = self.db.execute("SELECT max(started_at) FROM runs WHERE kind = ?", (kind,)).fetchone()
        return row[0] if row else None

    def start_run(self, kind: str) -> int:
        """Record the start of a run with its process id; returns its id."""
        row = self.db.execute("INSERT INTO runs (kind, started_at, pid) VALUES (?, ?, ?) RETURNING id",
                              (kind, _iso(utcnow()), os.getpid())).fetchone()
        return int(row[0])

    def mark_dead_runs(self, taken_over_by: str) -> list[int]:
        """Runs still 'running' are dead when the caller holds the workspace lock: mark them 'died'
        (ended_at: when this was noticed)."""
        rows = self.db.execute("SELECT id, pid FROM runs WHERE status = 'running'").fetchall()
        for row in rows:
            why = (f"died: the process (pid {row['pid'] or '?'}) was killed or crashed before recording "
                   f"its end; noticed when {taken_over_by} took over the workspace lock")
            self.db.execute("UPDATE runs SET status = 'died', ended_at = ?, errors = ? WHERE id = ?",
                            (_iso(utcnow()), json.dumps([why]), row["id"]))
        return [row["id"] for row in rows]

    def finish_run(self, run_id: int, status: str, counts: dict, errors: list[str]) -> None:
        """Record the end of a run with its counts and errors."""
        self.db.execute(
            "UPDATE runs SET ended_at = ?, status = ?, counts = ?, errors = ? WHERE id = ?",
            (_iso(utcnow()), status, json.dumps(counts, sort_keys=True), json.dumps(errors), run_id),
        )

    def last_runs(self, limit: int = 5) -> list[sqlite3.Row]:
        """Most recent runs, newest first."""
        return self.db.execute(
            "SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()

    def stats(self) -> dict[str, int]:
        """Counts shown by `digest status`."""
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles": one("SELECT count(*) FROM articles"),
            "copies": one("SELECT count(*) FROM articles WHERE copy_of IS NOT NULL"),
            "duplicates_dropped": one("SELECT count(*) FROM duplicates"),
            "stories": one("SELECT count(DISTINCT story_id) FROM articles WHERE story_id IS NOT NULL"),
            "digests": one("SELECT count(*) FROM digests"),
            "unsent_articles": one(
                "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM digest_articles) "
                "AND id NOT IN (SELECT article_id FROM archived_articles)"
            ),
            "archived_articles": one("SELECT count(*) FROM archived_articles"),
        }
