"""`digest corpus check | recover | backup`: look after the corpus file itself.

Each command only wires store.check and store.recovery together; cli/main.py adds the group.
"""
from __future__ import annotations

import sqlite3
import sys
from contextlib import closing

import click

from digest.errors import CorpusError
from digest.store import check as corpus_check
from digest.store import recovery, workspace


@click.group("corpus")
def corpus_group():
    """Check, back up and recover the corpus database."""


@corpus_group.command("check")
@click.pass_obj
def check(obj):
    """Check every page and index of the corpus (PRAGMA integrity_check); exit 1 when damaged."""
    path = obj.config.path("corpus")
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
    with workspace.locked(config), workspace.open_corpus(config) as corpus:
        report = recovery.make_backup(config, corpus, today(config), replace=True)
    for path in report.made:
        click.echo(f"backup written: {path}")
    for path in report.removed:
        click.echo(f"old backup removed: {path}")
    if not report.made:
        click.echo("no backup: [backup] keep = 0")


COMMANDS = (corpus_group,)
