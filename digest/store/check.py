"""Damage checks of the corpus file: refuse a damaged corpus at open instead of failing later.

At open: an existing file must be non-empty and start with the SQLite header (cheap). The full
`PRAGMA quick_check` (it reads every page, so its time grows with the corpus) runs only when the
file changed since a digest process last closed it cleanly: each clean close records the file's
size, times and inode in `<corpus>-verified`, so garbage written by anything else, a restore or a
killed process all lead to a check, and an ordinary open costs one stat.
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from digest.errors import CorpusError

HEADER = b"SQLite format 3\x00"
VERIFIED_SUFFIX = "-verified"
MAX_PROBLEMS = 20


def _sidecar(path: Path) -> Path:
    """Where the stamp of the last verified state of `path` is kept."""
    return path.with_name(path.name + VERIFIED_SUFFIX)


def _stamp(path: Path) -> dict[str, int]:
    """What changes whenever anything writes or replaces the file."""
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns, "ino": st.st_ino}


def create_new(path: Path) -> None:
    """Create an empty WAL corpus file atomically, so a 0-byte corpus is never one being created."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    db = sqlite3.connect(tmp)
    try:
        db.execute("PRAGMA journal_mode=WAL")  # writes the header page
    finally:
        db.close()
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process created it first: theirs is used
    finally:
        tmp.unlink(missing_ok=True)


def check_file(path: Path) -> None:
    """Refuse a corpus file that is empty or not SQLite (cheap: one stat and 16 bytes)."""
    size = path.stat().st_size
    if size == 0:
        raise CorpusError(f"{path}: the corpus file is empty (0 bytes), so it was truncated or replaced; "
                          "digest never leaves an empty corpus. Run `digest corpus recover --from-backup` "
                          "to restore the newest backup, or delete the file to start a new, empty corpus.")
    with open(path, "rb") as handle:
        head = handle.read(len(HEADER))
    if head != HEADER:
        raise CorpusError(f"{path}: not an SQLite database (its first bytes are {head[:16]!r}); check "
                          "[paths] corpus, or run `digest corpus recover --from-backup` to restore a backup.")


def is_verified(path: Path) -> bool:
    """True when the file is exactly as a digest process left it after its last clean close."""
    try:
        return json.loads(_sidecar(path).read_text(encoding="utf-8")) == _stamp(path)
    except (OSError, ValueError):
        return False


def mark_verified(path: Path) -> None:
    """Record the file's current state as verified (best effort: a read-only folder only costs checks)."""
    try:
        _sidecar(path).write_text(json.dumps(_stamp(path)), encoding="utf-8")
    except OSError:
        pass


def forget(path: Path) -> None:
    """Drop the verified stamp, so the next open runs the full check."""
    try:
        _sidecar(Path(path)).unlink(missing_ok=True)
    except OSError:
        pass


def problems(db: sqlite3.Connection, full: bool = False) -> list[str]:
    """What `PRAGMA quick_check` (or integrity_check when `full`) finds; empty when the file is sound."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [r[0] for r in db.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})")]
    except sqlite3.OperationalError:
        raise  # locked, I/O, a full disk: not damage
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def verify_open(db: sqlite3.Connection, path: Path) -> None:
    """Run quick_check unless the file is as last verified; a damaged corpus is refused."""
    if is_verified(path):
        return
    found = problems(db)
    if found:
        raise damaged(path, found[0] + (f"; {len(found) - 1} more problems" if len(found) > 1 else ""))


def damaged(path: Path, detail: str) -> CorpusError:
    """The damaged-corpus message: which file, and the commands that check and repair it."""
    return CorpusError(f"{path}: the corpus database is damaged ({detail}); nothing more was written to "
                       "it. Run `digest corpus check` for details, then `digest corpus recover` (copies "
                       "every readable row into a new corpus; `--from-backup` restores the newest "
                       "daily backup instead). The damaged file is kept beside it.")


COUNTED = ("articles", "digests", "runs")  # what `digest corpus check` reports of a sound corpus


def counts(db: sqlite3.Connection) -> dict[str, int]:
    """Rows of the tables a user recognises, for `digest corpus check`."""
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}
