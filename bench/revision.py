"""Run a bench module with digest's code as it was at an earlier commit, to print before and
after figures in one run (the old code is taken with `git archive`, run in a subprocess)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def scratch_with_code_of(revision: str, prefix: str) -> Iterator[Path]:
    """A scratch folder whose code/ holds digest/ as of `revision`; removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        code = scratch / "code"
        code.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "digest"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_with_old_code(scratch: Path, statement: str, *args: str) -> None:
    """Run `statement` in a Python whose `digest` is the scratch's old code and whose path holds
    bench/ (sys.argv[1:] are `args`)."""
    program = (f"import sys; sys.path.insert(0, {str(scratch / 'code')!r}); import digest.ingest.inbox; "
               f"sys.path.insert(0, {str(REPO / 'bench')!r}); {statement}")
    subprocess.run([sys.executable, "-c", program, *args], check=True)
