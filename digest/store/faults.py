"""Storage faults in words: a full disk, a file size limit or a damaged corpus become one DigestError
naming the folder or file and the fix, instead of an OSError or sqlite3 error traceback."""
from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from digest.errors import DigestError, StorageError
from digest.store import check

FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
FULL_SQLITE = "database or disk is full"
IO_SQLITE = "disk I/O error"  # what SQLite says when even its shared-memory file cannot grow
DAMAGE_SQLITE = ("malformed", "not a database", "corrupt")
LOW_SPACE = 1 << 20  # bytes: below this, an I/O error on the corpus is taken for a full disk

NOTHING_LOST = ("Nothing was lost: inbox files stay in the inbox and the corpus keeps its last "
                "committed state.")


def disk_full(folder: Path, detail: str) -> StorageError:
    """The full-disk message: where, that nothing was lost, and what to do."""
    return StorageError(f"{folder}: the disk is full ({detail}). {NOTHING_LOST} Free space on the disk "
                        f"holding this folder (see `df -h {folder}`), then run the command again.")


def too_large(folder: Path, detail: str) -> StorageError:
    """The file-size-limit message (EFBIG): where, that nothing was lost, and how to lift the limit."""
    return StorageError(f"{folder}: a file grew past this process's file size limit ({detail}). "
                        f"{NOTHING_LOST} Raise the limit (`ulimit -f unlimited` in the shell, "
                        "LimitFSIZE=infinity in a systemd unit), then run the command again.")


def _low_on_space(folder: Path) -> bool:
    """True when the file system holding `folder` has (almost) no free space left."""
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE
    except OSError:
        return False


def storage_error(exc: BaseException, folder: Path, corpus: Path | None = None) -> DigestError | None:
    """The DigestError for a storage fault (None when `exc` is not one); `folder` is where the write went."""
    folder = Path(folder)
    if isinstance(exc, OSError):
        if exc.errno in FULL_ERRNOS:
            return disk_full(folder, exc.strerror or str(exc))
        if exc.errno == errno.EFBIG:
            return too_large(folder, exc.strerror or str(exc))
        return None
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc)
    if FULL_SQLITE in text or (IO_SQLITE in text and _low_on_space(folder)):
        if not _low_on_space(folder):  # SQLite says "full" for a file size limit too
            return too_large(folder, f"{text} while writing the corpus; File too large")
        return disk_full(folder, f"{text} while writing the corpus")
    if corpus is not None and isinstance(exc, sqlite3.DatabaseError) and any(w in text for w in DAMAGE_SQLITE):
        check.forget(corpus)
        return check.damaged(corpus, text)
    return None
