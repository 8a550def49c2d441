"""Finding and opening inbox entries safely: an inbox is often a shared drop folder.

A link is followed only when its target lies inside the folders `[ingest] follow_links`
allows (by default the inbox itself); a link to a folder is never walked. Only regular
files are read: a FIFO, socket or device is refused without being opened for long (a FIFO
is opened non-blocking), and the file actually opened is checked again through its
descriptor (type, and on Linux its real path), so swapping a file for a link between the
check and the open gains nothing.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from digest.errors import InputError
from digest.sources.guard import shown

SKIPPED_FOLDERS = ("processed", "failed")
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"))
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def link_roots(scope: str, inbox: Path, workspace: Path) -> tuple[str, ...]:
    """The folders a link may point into for a follow_links value (none: no link is followed)."""
    return {"inbox": (str(inbox),), "workspace": (str(inbox), str(workspace)), "none": ()}[scope]


def scan(paths: Iterable[Path]) -> list[Path]:
    """Entries to ingest under the given paths: files, links and special files (refused later, with
    a reason), never walking into a linked folder; skips processed/, failed/, hidden and .reason files."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir() or path.is_symlink():
            found.append(path)
            continue
        for folder, dirs, files in os.walk(path):
            rel = Path(folder).relative_to(path).parts
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (not rel and d in SKIPPED_FOLDERS))
            linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
            dirs[:] = [d for d in dirs if d not in linked]
            names = sorted(n for n in [*files, *linked] if not n.startswith(".") and not n.endswith(".reason"))
            found.extend(Path(folder) / n for n in names)
    return sorted(found)


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _inside(target: str, roots: tuple[str, ...]) -> bool:
    """True when a real path lies in one of the root folders (or is one of the root files)."""
    return any(target == root or target.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _refuse_kind(path: Path, mode: int) -> None:
    """Refuse anything but a regular file, saying what it is."""
    if not stat.S_ISREG(mode):
        raise InputError(shown(path), f"not a regular file ({_kind(mode)}); only files are read: "
                                      "put the article itself in the inbox")


def _check_link(path: Path, roots: tuple[str, ...] | None) -> str:
    """The real target of a link, refused unless it lies inside the allowed folders."""
    target = os.path.realpath(path)
    if roots is not None and not _inside(target, roots):
        where = ", ".join(shown(r) for r in roots) or "nowhere ([ingest] follow_links = \"none\")"
        raise InputError(shown(path), f"a link to {shown(target)}, outside the folders links may point into "
                                      f"({where}); links out of the inbox are not followed: copy the file in "
                                      "instead, or see [ingest] follow_links")
    if os.path.isdir(target):
        raise InputError(shown(path), f"a link to the folder {shown(target)}: linked folders are not walked; "
                                      "put the files themselves in the inbox")
    return target


def _opened_path(fd: int) -> str | None:
    """The real path of an open file (Linux /proc), None where the system cannot tell."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def read_entry(path: Path, limit: int, roots: tuple[str, ...] | None = None) -> bytes:
    """The bytes of one inbox entry; InputError for a link out of `roots` (None: any link is
    followed), anything but a regular file, or a file over `limit` bytes."""
    mode = os.lstat(path).st_mode
    target = _check_link(path, roots) if stat.S_ISLNK(mode) else str(path)
    _refuse_kind(path, os.stat(target).st_mode)
    fd = os.open(target, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        _refuse_kind(path, info.st_mode)
        real = _opened_path(fd)
        if stat.S_ISLNK(mode) and roots is not None and real is not None and not _inside(real, roots):
            raise InputError(shown(path), f"the link changed while it was read (now {shown(real)}); not followed")
        if info.st_size > limit:
            raise InputError(shown(path), f"file is {info.st_size / 2**20:.1f} MB, over the {limit / 2**20:.0f} MB "
                                          "limit ([ingest] max_file_mb); split it or raise the limit")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)
