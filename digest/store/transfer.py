"""A whole corpus as one portable file, to move it between engines (`digest corpus export | import`).

The file is gzipped JSON lines: a header (format, schema version, source engine), then for each
table a line naming its columns, one JSON array per row, and a line with the row count and a
checksum. The checksum is the sum, modulo 2**256, of the SHA-256 of each row as canonical JSON
(columns by name, bytes as base64), so it does not depend on row order, which each engine's
collation may change. Import writes into an empty corpus in one transaction, then reads every
table back and compares counts and checksums with the file's: a mismatch rolls it all back.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Iterator

from digest.errors import CorpusError
from digest.store.corpus import Corpus
from digest.store.migrations import MIGRATIONS

FORMAT = "digest-corpus-export"
VERSION = 1
BATCH = 1000
ROWID_TABLES = ("articles", "stories")  # their rowid is referenced (dedup postings, story order): kept


def tables() -> list[str]:
    """Every corpus table in creation order (so a referenced table comes first); the full-text
    index is left out: it is rebuilt from the articles."""
    names = [m for _, _, sql in sorted(MIGRATIONS) for m in re.findall(r"CREATE TABLE (\w+)", sql)]
    return [n for n in names if n != "article_fts"]


def _value(value: Any) -> Any:
    """A column value as JSON (bytes as {"b64": ...})."""
    if isinstance(value, (bytes, memoryview)):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _unvalue(value: Any) -> Any:
    """A JSON value back as a column value."""
    return base64.b64decode(value["b64"]) if isinstance(value, dict) else value


def _row_hash(columns: list[str], row: list) -> int:
    """One row's SHA-256 as an integer, over canonical JSON of its named values."""
    text = json.dumps(dict(zip(columns, row)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def _columns(corpus: Corpus, table: str) -> list[str]:
    """A table's columns by name, the kept rowid first."""
    cursor = corpus.db.execute(f"SELECT * FROM {table} LIMIT 0")
    names = [d[0] for d in cursor.description if d[0] != "rowid"]
    return (["rowid"] if table in ROWID_TABLES else []) + names


def _rows(corpus: Corpus, table: str, columns: list[str]) -> Iterator[list]:
    """A table's rows as JSON-ready lists."""
    cursor = corpus.db.cursor().execute(f"SELECT {', '.join(columns)} FROM {table}")
    while batch := cursor.fetchmany(BATCH):
        yield from ([_value(v) for v in row] for row in batch)


def summary(corpus: Corpus) -> dict[str, tuple[int, str]]:
    """(rows, checksum) of every table, as the export file records them."""
    out = {}
    for table in tables():
        columns = _columns(corpus, table)
        count, total = 0, 0
        for row in _rows(corpus, table, columns):
            count, total = count + 1, (total + _row_hash(columns, row)) % (1 << 256)
        out[table] = (count, f"{total:064x}")
    return out


def export(corpus: Corpus, target: Path) -> dict[str, tuple[int, str]]:
    """Write the whole corpus to `target` (through a temp file, then renamed); (rows, checksum) per table."""
    tmp = target.with_name(f".{target.name}.tmp")
    written: dict[str, tuple[int, str]] = {}
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        header = {"format": FORMAT, "version": VERSION, "schema": corpus.schema_version(),
                  "engine": corpus.dialect.name}
        out.write(json.dumps(header) + "\n")
        for table in tables():
            columns = _columns(corpus, table)
            out.write(json.dumps({"table": table, "columns": columns}) + "\n")
            count, total = 0, 0
            for row in _rows(corpus, table, columns):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                count, total = count + 1, (total + _row_hash(columns, row)) % (1 << 256)
            written[table] = (count, f"{total:064x}")
            out.write(json.dumps({"end": table, "rows": count, "checksum": written[table][1]}) + "\n")
    tmp.replace(target)
    return written


def _read(source: Path, schema: int) -> Iterator[tuple[str, list[str], list[list] | None, tuple | None]]:
    """(table, columns, a batch of rows, None) from an export file, then (table, columns, None,
    (rows, checksum)) at each table's end; the header is checked against this corpus's schema."""
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        header = json.loads(next(lines, "{}"))
        if header.get("format") != FORMAT:
            raise CorpusError(f"{source}: not a digest corpus export (made by `digest corpus export FILE`)")
        if header.get("schema") != schema:
            raise CorpusError(f"{source}: exported at schema version {header.get('schema')}, this corpus is at "
                              f"{schema}; export and import with the same digest version")
        table, columns, batch = "", [], []
        for line in lines:
            item = json.loads(line)
            if isinstance(item, list):
                batch.append([_unvalue(v) for v in item])
                if len(batch) >= BATCH:
                    yield table, columns, batch, None
                    batch = []
            elif "table" in item:
                table, columns = item["table"], item["columns"]
            else:
                if batch:
                    yield table, columns, batch, None
                yield table, columns, None, (item["rows"], item["checksum"])
                batch = []


def import_into(corpus: Corpus, source: Path) -> dict[str, tuple[int, str]]:
    """Load an export into an empty corpus in one transaction, verified by counts and checksums."""
    if corpus.db.execute("SELECT count(*) FROM articles").fetchone()[0]:
        raise CorpusError(f"{corpus.name}: the corpus already holds articles; import into a new, empty corpus "
                          "(a new [paths] corpus file or database)")
    expected: dict[str, tuple[int, str]] = {}
    known = set(tables())
    with corpus.transaction() as db:
        for table in tables():
            db.execute(f"DELETE FROM {table}")  # rows a fresh corpus starts with (dedup and story settings)
        for table, columns, batch, end in _read(source, corpus.schema_version()):
            if table not in known:
                raise CorpusError(f"{source}: unknown table {table!r} in the export")
            if end is not None:
                expected[table] = end
                continue
            marks = ", ".join("?" * len(columns))
            db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch)
        db.execute(corpus.dialect.fts_rebuild)
        for statement in corpus.dialect.after_import:
            db.execute(statement)
        found = summary(corpus)
        wrong = [t for t in expected if found.get(t) != expected[t]]
        if wrong or set(expected) != known:
            raise CorpusError(f"{source}: the imported corpus does not match the export (tables {wrong or 'missing'}); "
                              "nothing was imported")
    return found


# What "stored after the target's newest article" means in each table ingest writes for an article:
# (condition on the source, which of the target's counters it is compared with). Postings reach their
# tables in batches after their articles (dedup.check.FLUSH_SIZE): those past the target's mark are new.
_NEWER = {
    "articles": ("rowid > ?", "articles"),
    "dedup_signatures": ("article_rowid > ?", "articles"),
    "dedup_bands": ("article_rowid > ?", "indexed"),
    "dedup_sentences": ("article_rowid > ?", "indexed"),
    "dedup_decisions": ("article_id IN (SELECT id FROM articles WHERE rowid > ?)", "articles"),
    "duplicates": ("id > ?", "duplicates"),
}
_NEWEST = {"articles": "SELECT coalesce(max(rowid), 0) FROM articles",
           "duplicates": "SELECT coalesce(max(id), 0) FROM duplicates",
           "indexed": "SELECT coalesce(max(CAST(value AS BIGINT)), 0) FROM dedup_meta WHERE key = 'indexed_upto'"}


def _write(target: Corpus, table: str, columns: list[str], rows: Iterator[list]) -> int:
    """Append rows to a table: PostgreSQL's COPY, or one executemany on SQLite; the count."""
    count = 0
    if target.is_postgres:
        with target.db.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join("?" * len(columns))
    for batch in _batches(rows):
        target.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch)
        count += len(batch)
    return count


def _fetched(cursor) -> Iterator[list]:
    """A cursor's rows as lists, read BATCH at a time."""
    while batch := cursor.fetchmany(BATCH):
        yield from (list(row) for row in batch)


def _batches(rows: Iterator[list]) -> Iterator[list[list]]:
    """Rows BATCH at a time."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def copy_newer(source: Corpus, target: Corpus) -> dict[str, int]:
    """Append the articles `source` stored after `target`'s newest, with what ingest wrote beside them
    (search entries, dedup signatures, band and sentence postings, copy decisions, dropped duplicates)
    and the dedup index's settings, in one transaction (COPY on PostgreSQL); rows per table. It fills a
    large benchmark corpus with exactly the rows the real ingest path stored in another, in minutes."""
    newest = {name: target.db.execute(sql).fetchone()[0] for name, sql in _NEWEST.items()}
    copied: dict[str, int] = {}
    with target.transaction() as db:
        for table, (condition, counter) in _NEWER.items():
            columns = _columns(source, table)
            cursor = source.db.cursor().execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {condition} "
                                                f"ORDER BY {columns[0]}", (newest[counter],))
            copied[table] = _write(target, table, columns, _fetched(cursor))
        found = source.db.cursor().execute("SELECT rowid, title, body FROM articles WHERE rowid > ? ORDER BY rowid",
                                           (newest["articles"],))
        for batch in _batches(_fetched(found)):
            db.executemany(target.dialect.fts_insert, batch)
        db.execute("DELETE FROM dedup_meta")
        copied["dedup_meta"] = _write(target, "dedup_meta", ["key", "value"],
                                      _fetched(source.db.cursor().execute("SELECT key, value FROM dedup_meta")))
        for statement in target.dialect.after_import:
            db.execute(statement)
    return copied
