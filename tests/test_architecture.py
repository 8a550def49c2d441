"""The folder tree is the pipeline: the import-linter layers contract in pyproject.toml holds."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    """Run lint-imports on the `digest` package found under root, with the repo's contract."""
    return subprocess.run([str(LINT), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
                          cwd=root, env={"PYTHONPATH": str(root), "PATH": ""},
                          capture_output=True, text=True, timeout=120)


def test_stages_import_one_way():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_backward_import_breaks_the_contract(tmp_path):
    shutil.copytree(REPO / "digest", tmp_path / "digest")
    corpus = tmp_path / "digest" / "store" / "corpus.py"
    corpus.write_text(corpus.read_text() + "\nfrom digest.summarize import condense  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "digest.store is not allowed to import digest.summarize" in result.stdout
