"""The two corpus engines behind one interface: SQLite (a file: the default) and PostgreSQL (a
`postgresql://` URL in [paths] corpus, through psycopg 3).

The SQL in store/ is written once, in the part of SQL both engines speak (upserts as `ON CONFLICT`,
`RETURNING`, `CAST`, `?` placeholders). What differs lives here and only here: placeholders, column
types in the migrations, the full-text index, a set of values passed as one parameter, and how a
connection learns that another one committed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

from digest.errors import ConfigError, LockedError

psycopg: Any = None  # imported with the first PostgreSQL connection: an SQLite corpus never loads it

URL_SCHEMES = ("postgresql://", "postgres://")
# the database errors a command reports in words; psycopg's join once it is loaded (read it as engine.DRIVER_ERRORS)
DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error,)
NOTIFY_CHANNEL = "digest_corpus"
MIGRATION_LOCK = 0x64696765  # advisory lock key held while a migration is applied ("dige")
WORKSPACE_LOCK = 0x64696766  # advisory lock key of the workspace lock (store/workspace.py)
DECIDE_LOCK = 0x64696767  # held by the ingest worker deciding and committing a batch (Corpus.take_turn)
BUILD_LOCK = 0x64696768  # held by the `digest run` worker building and delivering (Corpus.building)


def claim_key(name: str) -> int:
    """The advisory lock key of an inbox file (its path inside the inbox): 64 bits of its SHA-256."""
    return int.from_bytes(hashlib.sha256(f"digest inbox:{name}".encode("utf-8")).digest()[:8], "big", signed=True)


def is_url(location: str | Path) -> bool:
    """True when [paths] corpus names a PostgreSQL server rather than a file."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def locate(config) -> str | Path:
    """The corpus of a workspace: a PostgreSQL URL as written, else the file resolved against the root."""
    value = config.settings.paths.corpus
    return value if is_url(value) else config.path("corpus")


def password(config) -> str | None:
    """The password named by [paths] corpus_password_env, or None (libpq then reads PGPASSWORD, ~/.pgpass)."""
    name = config.settings.paths.corpus_password_env
    if not name:
        return None
    if name not in os.environ:
        raise ConfigError(f"[paths] corpus_password_env = {name!r}: no such environment variable is set; "
                          f"export {name}=... before running digest, or remove the option to use "
                          "PGPASSWORD or ~/.pgpass")
    return os.environ[name]


def shown(url: str) -> str:
    """A URL fit for messages: any password in it replaced by '***'."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class SQLite:
    """SQLite's spelling of the few things the engines spell differently."""

    name = "sqlite"
    begin = "BEGIN IMMEDIATE"  # takes the write lock at once: two writers queue instead of deadlocking
    migration_lock = None  # BEGIN IMMEDIATE already serialises migrations

    @staticmethod
    def ddl(sql: str) -> list[str]:
        """A migration's statements, as written."""
        return [s for s in sql.split(";") if s.strip()]

    @staticmethod
    def value_set(values: Sequence, kind: str = "text") -> tuple[str, Any]:
        """A set of values (of SQL type `kind`) as one parameter: (SQL for `x IN <this>`, the parameter)."""
        return "(SELECT value FROM json_each(?))", json.dumps(list(values), ensure_ascii=False)

    @staticmethod
    def pairs(mapping: dict) -> tuple[str, Any]:
        """A mapping as one parameter: (a FROM item with text `key` and `value`, the parameter)."""
        return "json_each(?)", json.dumps(mapping, ensure_ascii=False)

    @staticmethod
    def data_version(db: sqlite3.Connection) -> int:
        """Changes when another connection commits."""
        return db.execute("PRAGMA data_version").fetchone()[0]

    fts_insert = "INSERT INTO article_fts(rowid, title, body) VALUES (?, ?, ?)"
    fts_rebuild = "INSERT INTO article_fts(article_fts) VALUES ('rebuild')"
    after_import: tuple[str, ...] = ()
    # Full-text search: FROM/WHERE with the query as its first parameter, then rank (lower is better)
    # and snippet (matches in [brackets]).
    fts_from = "article_fts JOIN articles a ON a.rowid = article_fts.rowid WHERE article_fts MATCH ?"
    fts_rank = "bm25(article_fts, 3.0, 1.0)"
    fts_snippet = "snippet(article_fts, 1, '[', ']', ' … ', 12)"


# PostgreSQL: column types of the migrations, the tables whose SQLite rowid is read (an explicit
# identity column there), and the full-text index as a tsvector table with a GIN index.
_PG_TYPES = [
    (re.compile(r"\bid INTEGER PRIMARY KEY\b"), "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\)\s*WITHOUT ROWID\s*$", re.S), ")"),
]
ROWID_TABLES = ("articles", "stories")
_PG_FTS_DOC = ("setweight(to_tsvector('simple', {title}), 'A') || setweight(to_tsvector('simple', {body}), 'B')")
_PG_FTS = {
    "CREATE VIRTUAL TABLE article_fts": [
        "CREATE TABLE article_fts (rowid BIGINT PRIMARY KEY REFERENCES articles(rowid), doc TSVECTOR NOT NULL)",
        "CREATE INDEX article_fts_doc ON article_fts USING GIN (doc)"],
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')": [
        "INSERT INTO article_fts (rowid, doc) SELECT rowid, " + _PG_FTS_DOC.format(title="title", body="body")
        + " FROM articles ON CONFLICT DO NOTHING"],
}


class Postgres:
    """PostgreSQL's spelling of the same things."""

    name = "postgresql"
    begin = "BEGIN"
    migration_lock = f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"  # two processes opening a new corpus

    @staticmethod
    def ddl(sql: str) -> list[str]:
        """A migration's statements in PostgreSQL types; the FTS5 index becomes a tsvector table."""
        out = []
        for statement in SQLite.ddl(sql):
            text = " ".join(statement.split())
            special = next((v for k, v in _PG_FTS.items() if text.startswith(k)), None)
            if special is not None:
                out += special
                continue
            for pattern, replacement in _PG_TYPES:
                text = pattern.sub(replacement, text)
            for table in ROWID_TABLES:
                text = text.replace(f"CREATE TABLE {table} (",
                                    f"CREATE TABLE {table} (rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE, ")
            out.append(text)
        return out

    @staticmethod
    def value_set(values: Sequence, kind: str = "text") -> tuple[str, Any]:
        """A set of values as one array parameter of `kind` ('text', 'bigint')."""
        return f"(SELECT unnest(CAST(? AS {kind}[])))", list(values)

    @staticmethod
    def pairs(mapping: dict) -> tuple[str, Any]:
        """A mapping as one JSON parameter, read as text (key, value) rows."""
        return "json_each_text(CAST(? AS json))", json.dumps(mapping, ensure_ascii=False)

    @staticmethod
    def data_version(db: "PgConnection") -> int:
        """Changes when another connection commits (counted from their notifications)."""
        db.execute("SELECT 1")  # delivers notifications that arrived since the last statement
        return db.others_commits

    fts_insert = "INSERT INTO article_fts (rowid, doc) VALUES (?, " + _PG_FTS_DOC.format(title="?", body="?") + ")"
    fts_rebuild = _PG_FTS["INSERT INTO article_fts(article_fts) VALUES ('rebuild')"][0]
    # identity columns continue after the rows an import wrote with their own ids
    after_import = tuple(f"SELECT setval(pg_get_serial_sequence('{t}', '{c}'), (SELECT coalesce(max({c}), 0) + 1 "
                         f"FROM {t}), false)" for t, c in (("articles", "rowid"), ("stories", "rowid"),
                                                           ("runs", "id"), ("duplicates", "id")))
    fts_from = ("article_fts JOIN articles a ON a.rowid = article_fts.rowid "
                "CROSS JOIN websearch_to_tsquery('simple', ?) AS q WHERE article_fts.doc @@ q")
    fts_rank = "-ts_rank(article_fts.doc, q)"
    # ts_headline marks each word of a phrase: adjacent marks are joined, as FTS5 marks a phrase once
    fts_snippet = ("replace(ts_headline('simple', a.body, q, 'StartSel=[, StopSel=], MaxWords=12, MinWords=4, "
                   "MaxFragments=1, FragmentDelimiter=\" … \"'), '] [', ' ')")


@lru_cache(maxsize=1024)
def pg_sql(sql: str) -> str:
    """SQLite-style placeholders (`?`, `:name`) as psycopg's (`%s`, `%(name)s`), literal % doubled."""
    sql = sql.replace("%", "%%")
    sql = re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", sql)
    return sql.replace("?", "%s")


class Row(tuple):
    """A result row read by position or by column name, like sqlite3.Row."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """Column names, so dict(row) works."""
        return list(self.names)


@lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    """The Row subclass of one column list."""
    return type("Row", (Row,), {"names": names})


def _row_factory(cursor):
    """psycopg row factory making Row objects named after the cursor's columns."""
    return _row_class(tuple(c.name for c in cursor.description or ()))


def _load_driver() -> None:
    """Import psycopg (a dependency, so only a broken install lacks it) and add its errors to DRIVER_ERRORS."""
    global psycopg, DRIVER_ERRORS
    if psycopg is None:
        import psycopg as driver
        psycopg, DRIVER_ERRORS = driver, (sqlite3.Error, driver.Error)


@lru_cache(maxsize=1)
def _bool_as_int() -> type:
    """A psycopg dumper storing Python booleans as 0/1 in the BIGINT columns SQLite uses for them."""
    from psycopg.types.numeric import IntDumper

    class BoolAsInt(IntDumper):
        """True and False as 1 and 0."""

        def dump(self, obj):
            return b"1" if obj else b"0"
    return BoolAsInt


class PgConnection:
    """A psycopg connection with the sqlite3 calls store/ makes: execute, executemany, cursor,
    in_transaction; autocommit, so transactions are explicit as in SQLite."""

    def __init__(self, url: str, secret: str | None):
        kwargs = {"password": secret} if secret is not None else {}
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory, **kwargs)
        self.raw.adapters.register_dumper(bool, _bool_as_int())
        self.others_commits = 0
        me = self.raw.info.backend_pid
        self.raw.add_notify_handler(lambda n: self._noticed(n.pid != me))
        self.raw.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def _noticed(self, other: bool) -> None:
        """Count another connection's commit."""
        self.others_commits += other

    def execute(self, sql: str, params: Any = ()):
        """Run one statement; the cursor reads like sqlite3's."""
        if sql.startswith("COMMIT"):
            self.raw.execute(f"NOTIFY {NOTIFY_CHANNEL}")
        return self.raw.execute(pg_sql(sql), params)

    def executemany(self, sql: str, rows: Iterable) -> None:
        """Run one statement for many parameter rows."""
        with self.raw.cursor() as cursor:
            cursor.executemany(pg_sql(sql), list(rows))

    def cursor(self) -> "PgCursor":
        """A cursor whose execute returns itself, as sqlite3's does."""
        return PgCursor(self.raw.cursor())

    @property
    def in_transaction(self) -> bool:
        """True inside BEGIN ... COMMIT."""
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back by the server)."""
        self.raw.close()


class PgCursor:
    """A psycopg cursor with sqlite3's placeholders."""

    def __init__(self, cursor):
        self.raw = cursor

    def execute(self, sql: str, params: Any = ()):
        """Run one statement; returns the psycopg cursor to fetch from."""
        return self.raw.execute(pg_sql(sql), params)


@contextmanager
def advisory_lock(url: str, secret: str | None, shared: bool = False, key: int = WORKSPACE_LOCK) -> Iterator[None]:
    """Hold a PostgreSQL session advisory lock on its own connection (shared: with other shared
    holders, as ingest workers do): the server releases it when the process dies."""
    db = connect_postgres(url, secret)
    try:
        mode = "_shared" if shared else ""
        if not db.execute(f"SELECT pg_try_advisory_lock{mode}(?)", (key,)).fetchone()[0]:
            raise LockedError(f"{shown(url)}: another digest run holds this corpus; wait for it to finish")
        yield
    finally:
        db.close()


def connect_postgres(url: str, secret: str | None) -> PgConnection:
    """A connection to the PostgreSQL corpus, or a ConfigError naming the URL and the fix."""
    try:
        _load_driver()
    except ImportError as exc:
        raise ConfigError(f"[paths] corpus = {shown(url)!r} needs psycopg: pip install 'psycopg[binary]'") from exc
    try:
        return PgConnection(url, secret)
    except psycopg.OperationalError as exc:
        raise ConfigError(f"[paths] corpus = {shown(url)!r}: cannot connect to PostgreSQL ({str(exc).strip()}); "
                          "check the server runs, the URL's user, host, port and database, and the password "
                          "(PGPASSWORD, ~/.pgpass or [paths] corpus_password_env)") from exc
