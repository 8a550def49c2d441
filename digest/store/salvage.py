"""Copy every readable row of a damaged corpus into a new one (what `digest corpus recover` does).

Rowid tables are read in rowid order; when a damaged page stops the scan, it resumes further on,
skipping ahead by a doubling step until rows come again, so one bad page costs only its own rows.
Tables without rowids (dedup and story indexes) are read until the first damaged page. The new
corpus gets the current schema from the migrations; columns are matched by name. (SQLite's own
`.recover` is not used: the Debian sqlite3 3.40 command fails with "SQL logic error" even on a
sound file.)
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterator

BATCH = 500
MAX_SKIP = 1 << 40


def _tables(db: sqlite3.Connection) -> list[tuple[str, bool]]:
    """(name, has rowid) of the user tables of a database."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [(name, "WITHOUT ROWID" not in (sql or "").upper()) for name, sql in rows]


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    """Column names of a table."""
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


def _rowid_rows(db: sqlite3.Connection, table: str, cols: str) -> Iterator[tuple]:
    """Rows of a rowid table, skipping past damaged pages."""
    last, skip = None, 1
    while skip <= MAX_SKIP:
        start = -(1 << 63) if last is None else last
        try:
            rows = db.execute(f'SELECT rowid, {cols} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?',
                              (start, BATCH)).fetchall()
        except sqlite3.DatabaseError:
            last, skip = (0 if last is None else last) + skip, skip * 2
            continue
        if not rows:
            return
        skip = 1
        last = rows[-1][0]
        yield from (row[1:] for row in rows)


def _plain_rows(db: sqlite3.Connection, table: str, cols: str) -> Iterator[tuple]:
    """Rows of a table without rowids, up to the first damaged page."""
    cursor = db.execute(f'SELECT {cols} FROM "{table}"')
    while True:
        try:
            row = cursor.fetchone()
        except sqlite3.DatabaseError:
            return
        if row is None:
            return
        yield row


def copy_rows(damaged: Path, new: Path) -> dict[str, int]:
    """Copy what is readable of each table of `damaged` into the same-named table of `new`."""
    counts: dict[str, int] = {}
    with closing(sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(new, isolation_level=None)) as dst:
        dst.execute("PRAGMA foreign_keys = OFF")
        wanted = {name: set(_columns(dst, name)) for name, _ in _tables(dst)}
        try:
            tables = _tables(src)
        except sqlite3.DatabaseError:
            return counts  # the schema itself is unreadable: nothing to copy
        dst.execute("BEGIN")
        for table, has_rowid in tables:
            if table not in wanted or table.startswith("article_fts"):
                continue  # the full-text index is rebuilt from the copied articles below
            try:
                cols = [c for c in _columns(src, table) if c in wanted[table]]
            except sqlite3.DatabaseError:
                continue
            quoted = ", ".join(f'"{c}"' for c in cols)
            rows = (_rowid_rows if has_rowid else _plain_rows)(src, table, quoted)
            insert = f'INSERT OR IGNORE INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(cols))})'
            counts[table] = sum(dst.execute(insert, row).rowcount for row in rows)
        if "article_fts" in wanted:
            dst.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
        dst.execute("COMMIT")
    return counts
