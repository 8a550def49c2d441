"""`digest corpus check | recover | backup | export | import`: look after the corpus itself, and move it.

Each command only wires store.check and store.recovery together; cli/main.py adds the group.
"""
from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import click

from digest.errors import CorpusError
from digest.store import check as corpus_check
from digest.store import engine, recovery, transfer, workspace


def _file_corpus(config, command: str):
    """The corpus file; a CorpusError when the corpus is a PostgreSQL database (the server checks its own pages)."""
    location = engine.locate(config)
    if engine.is_url(location):
        raise CorpusError(f"[paths] corpus = {engine.shown(location)!r} is a PostgreSQL database: `digest corpus "
                          f"{command}` works on an SQLite file; use PostgreSQL's own tools (pg_amcheck, pg_dump, "
                          "pg_restore) or `digest corpus export`")
    return location


@click.group("corpus")
def corpus_group():
    """Check, back up, recover and move the corpus database."""


@corpus_group.command("check")
@click.pass_obj
def check(obj):
    """Check every page and index of the corpus (PRAGMA integrity_check); exit 1 when damaged."""
    path = _file_corpus(obj.config, "check")
    if not path.exists():
        raise CorpusError(f"{path}: no corpus yet ([paths] corpus); `digest ingest` creates it")
    corpus_check.check_file(path)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = corpus_check.problems(db, full=True)
        counts = {} if found else corpus_check.counts(db)
    if found:
        click.echo(f"{path}: damaged", err=True)
        for problem in found:
            click.echo(f"  {problem}", err=True)
        click.echo("Run `digest corpus recover` (copies every readable row into a new corpus) or "
                   "`digest corpus recover --from-backup` (restores the newest daily backup).", err=True)
        sys.exit(1)
    corpus_check.mark_verified(path)
    click.echo(f"{path}: ok, " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@corpus_group.command("recover")
@click.option("--from-backup", is_flag=True, help="Restore the newest sound backup instead of copying readable rows.")
@click.pass_obj
def recover(obj, from_backup):
    """Replace a damaged corpus by a new one; the damaged file is kept beside it, renamed."""
    config = obj.config
    _file_corpus(config, "recover")
    with workspace.locked(config):
        if from_backup:
            source, aside = recovery.restore_backup(config)
            click.echo(f"restored {source} as {config.path('corpus')}; the damaged file is now {aside}")
            click.echo("Articles ingested after that backup are not in the corpus: ingest their files "
                       "again from inbox/processed/ (`digest ingest inbox/processed`).")
            return
        rows, aside = recovery.recover_rows(config)
    click.echo(f"recovered {config.path('corpus')}; the damaged file is now {aside}")
    for table, count in sorted(rows.items()):
        click.echo(f"  {table:20} {count} rows")
    click.echo("Rows on damaged pages could not be read and are not in the new corpus; check the counts, "
               "or use --from-backup instead.")


@corpus_group.command("backup")
@click.pass_obj
def backup(obj):
    """Write today's corpus backup now (the daily run makes one a day) and keep the newest [backup] keep."""
    from digest.build import today

    config = obj.config
    _file_corpus(config, "backup")
    with workspace.locked_corpus(config) as corpus:
        report = recovery.make_backup(config, corpus, today(config), replace=True)
    for path in report.made:
        click.echo(f"backup written: {path}")
    for path in report.removed:
        click.echo(f"old backup removed: {path}")
    if not report.made:
        click.echo("no backup: [backup] keep = 0")


@corpus_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export(obj, file):
    """Write the whole corpus to FILE (gzipped JSON lines), to move it to another engine or machine."""
    config = obj.config
    with workspace.locked_corpus(config) as corpus:
        written = transfer.export(corpus, file)
    click.echo(f"exported {written['articles'][0]} articles ({sum(n for n, _ in written.values())} rows "
               f"in {len(written)} tables) to {file}")


@corpus_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_(obj, file):
    """Load FILE (from `digest corpus export`) into this workspace's new, empty corpus; every table's
    row count and checksum are checked against the file's, else nothing is imported."""
    config = obj.config
    with workspace.locked_corpus(config) as corpus:
        found = transfer.import_into(corpus, file)
        where = corpus.name
    for table, (count, checksum) in found.items():
        click.echo(f"  {table:20} {count:8} rows  sha256-sum {checksum[:16]}")
    click.echo(f"imported {file} into {where}: every table's count and checksum match the export")


COMMANDS = (corpus_group,)
