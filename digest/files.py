"""Writing files so that no reader ever sees half of one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP_SUFFIX = ".tmp"  # write_atomic's temp files are ".NAME.XXXXXXXX.tmp" beside NAME


def write_atomic(path: Path, data: bytes) -> Path:
    """Write through a temp file in the same folder, then rename; an existing file keeps its permissions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete the temp files a killed write_atomic left in `folder` and its subfolders (one level);
    call it under the workspace lock, when no write of ours can be under way."""
    folder = Path(folder)
    stale = [p for pattern in (f".*{TMP_SUFFIX}", f"*/.*{TMP_SUFFIX}") for p in folder.glob(pattern)
             if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
