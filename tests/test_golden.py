"""One end-to-end golden render: the plain-text digest of the bundled examples.

After an intended change of the pipeline's output, regenerate it with
`DIGEST_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py` and review the diff.
"""
from __future__ import annotations

import os

from helpers.paths import TESTS

from digest.cli.main import cli

GOLDEN = TESTS / "golden" / "examples-2026-03-06.txt"


def test_examples_plain_text_matches_the_golden_file(runner, example_workspace, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772780400")
    result = runner.invoke(cli, ["--config", str(example_workspace / "digest.toml"), "run", "--date", "2026-03-06"])
    assert result.exit_code == 0, result.output
    text = (example_workspace / "outbox" / "2026-03-06" / "digest.txt").read_text(encoding="utf-8")
    if os.environ.get("DIGEST_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
