"""Daily corpus backups (`VACUUM INTO` a dated file, the newest `[backup] keep` kept) and recovery of a
damaged corpus: every readable row copied into a new file (digest/salvage.py), or the newest
sound backup restored. The damaged file is always kept beside the new one, renamed."""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from digest.config import Config
from digest.errors import CorpusError, DigestError
from digest.files import remove_stale_temps
from digest.store import check as corpus_check
from digest.store import salvage
from digest.store.corpus import Corpus
from digest.store.faults import storage_error

log = logging.getLogger(__name__)

BACKUP_GLOB = "corpus-????-??-??.sqlite"
SIDE_FILES = ("-wal", "-shm", corpus_check.VERIFIED_SUFFIX)


@dataclass
class BackupReport:
    """What the daily backup step did, for the run log."""

    made: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Numbers for the runs table."""
        return {"made": len(self.made), "removed": len(self.removed), "failed": len(self.failed)}


def backup_path(config: Config, day: date) -> Path:
    """The backup file of one day."""
    return config.path("backups") / f"corpus-{day.isoformat()}.sqlite"


def make_backup(config: Config, corpus: Corpus, day: date, replace: bool = False) -> BackupReport:
    """Write the day's backup (VACUUM INTO a temp file, then rename) unless it exists and `replace`
    is off, then delete all but the newest `[backup] keep`."""
    report = BackupReport()
    if corpus.is_postgres:
        log.info("backup: the corpus is a PostgreSQL database; back it up with pg_dump or `digest corpus export`")
        return report
    keep = config.settings.backup.keep
    target = backup_path(config, day)
    tmp = target.with_name(f".{target.name}.tmp")
    if keep > 0 and (replace or not target.exists()):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(target.parent)  # of a backup killed mid-write (we hold the workspace lock)
            corpus.db.execute("VACUUM INTO ?", (str(tmp),))
            os.replace(tmp, target)
        except (sqlite3.Error, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise storage_error(exc, target.parent) or CorpusError(
                f"{target}: the corpus backup failed ({exc}); check [paths] backups is writable") from exc
        report.made.append(str(target))
        log.info("backup: %s", target)
    report.removed = [str(p) for p in prune(target.parent, keep)]
    return report


def daily_backup(config: Config, corpus: Corpus, day: date) -> BackupReport:
    """The daily run's backup: a failure (a full disk) is reported and the run goes on."""
    try:
        return make_backup(config, corpus, day)
    except DigestError as exc:
        log.error("backup: %s", exc)
        return BackupReport(failed=[(str(config.path("backups")), str(exc))])


def backups(config: Config) -> list[Path]:
    """The dated backups, oldest first."""
    return sorted(config.path("backups").glob(BACKUP_GLOB))


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` dated backups; the deleted ones."""
    old = sorted(folder.glob(BACKUP_GLOB))[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def newest_sound_backup(config: Config) -> Path:
    """The newest backup that passes quick_check, or a CorpusError saying there is none."""
    folder = config.path("backups")
    for path in sorted(folder.glob(BACKUP_GLOB), reverse=True):
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if not corpus_check.problems(db):
                return path
        log.warning("backup %s is damaged too; trying an older one", path)
    raise CorpusError(f"{folder}: no sound backup to restore ([paths] backups); run `digest corpus recover` "
                      "without --from-backup to copy what is readable from the damaged corpus")


def _set_aside(path: Path) -> Path:
    """Rename the damaged corpus (and its WAL) to `NAME.damaged-TIME`; the new name."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    if path.exists():
        os.replace(path, aside)
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            if suffix == "-wal" and side.stat().st_size:  # unwritten pages: kept with the damaged file
                os.replace(side, aside.with_name(aside.name + suffix))
            else:
                side.unlink()
    return aside


def _install(new: Path, path: Path) -> Path:
    """Check the new corpus file and put it in place of the damaged one; where the damaged one went."""
    with closing(sqlite3.connect(new)) as db:
        found = corpus_check.problems(db, full=True)
        if found:
            raise CorpusError(f"{new}: the recovered corpus is not sound either ({found[0]}); it was left there "
                              "for inspection; try `digest corpus recover --from-backup`")
        db.execute("PRAGMA journal_mode=WAL")
    aside = _set_aside(path)
    os.replace(new, path)
    return aside


def restore_backup(config: Config) -> tuple[Path, Path]:
    """Replace the corpus with a copy of the newest sound backup; (backup used, damaged file kept)."""
    path = config.path("corpus")
    source = newest_sound_backup(config)
    new = path.with_name(f".{path.name}.restored")
    shutil.copyfile(source, new)
    return source, _install(new, path)


def recover_rows(config: Config) -> tuple[dict[str, int], Path]:
    """Copy every readable row into a new corpus (store/salvage.py); (rows per table, damaged file kept)."""
    path = config.path("corpus")
    new = path.with_name(f".{path.name}.recovered")
    for stale in (new, *(new.with_name(new.name + s) for s in SIDE_FILES)):
        stale.unlink(missing_ok=True)
    Corpus(new).close()  # the current schema, from the migrations
    corpus_check.forget(new)
    try:
        rows = salvage.copy_rows(path, new)
    except (sqlite3.Error, OSError) as exc:
        raise storage_error(exc, path.parent) or CorpusError(
            f"{path}: reading the damaged corpus failed ({exc}); try `digest corpus recover --from-backup`") from exc
    if not rows.get("articles"):
        raise CorpusError(f"{path}: no article could be read from the damaged corpus (its schema pages are "
                          "damaged); restore a backup with `digest corpus recover --from-backup`")
    return rows, _install(new, path)
