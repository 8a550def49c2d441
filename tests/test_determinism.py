"""Same input and settings give the same outputs, so tests and diffs are stable."""
from __future__ import annotations

import email
import shutil
from email import policy

from helpers.paths import EXAMPLES

from digest.cli.main import cli


def _run(runner, folder):
    shutil.copytree(EXAMPLES, folder)
    result = runner.invoke(cli, ["--config", str(folder / "digest.toml"), "run", "--date", "2026-03-06"])
    assert result.exit_code == 0, result.output
    return folder / "outbox" / "2026-03-06"


def test_two_runs_on_the_same_input_give_the_same_files(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772780400")
    first, second = _run(runner, tmp_path / "one"), _run(runner, tmp_path / "two")
    for name in ("digest.json", "digest.txt", "digest.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "digest.pdf").read_bytes() == (second / "digest.pdf").read_bytes()
    one, two = (email.message_from_bytes((d / "digest.eml").read_bytes(), policy=policy.default)
                for d in (first, second))
    assert one["Message-ID"] == two["Message-ID"] and one["Date"] == two["Date"]
    assert one.get_body(("html",)).get_content() == two.get_body(("html",)).get_content()


def test_outputs_carry_the_build_time_without_source_date_epoch(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    outdir = _run(runner, tmp_path / "w")
    message = email.message_from_bytes((outdir / "digest.eml").read_bytes(), policy=policy.default)
    assert message["Date"].datetime.year >= 2026 and message["Date"].datetime.date().isoformat() != "2026-03-06"
