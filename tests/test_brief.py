"""`digest brief`: a one-off PDF from the corpus, chosen by topic, story or dates."""
from __future__ import annotations

import json

from pypdf import PdfReader

from digest.cli.main import cli


def _text(pdf) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def test_brief_by_topic_without_any_digest(runner, example_workspace, tmp_path):
    config = str(example_workspace / "digest.toml")
    assert runner.invoke(cli, ["--config", config, "ingest"]).exit_code == 0
    out = tmp_path / "solar.pdf"
    result = runner.invoke(cli, ["--config", config, "brief", "--topic", "floating solar", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert "Port Arlen" in text and "bike lane" not in text.lower()
    assert "floating solar" in text


def test_brief_by_story_and_dates(runner, example_workspace, tmp_path):
    config = str(example_workspace / "digest.toml")
    result = runner.invoke(cli, ["--config", config, "run", "--date", "2026-03-06", "--json"])
    story = json.loads(result.stdout)["stories"][0]
    out = tmp_path / "one.pdf"
    result = runner.invoke(cli, ["--config", config, "brief", "--story", story["id"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert story["title"][:25] in _text(out)
    empty = runner.invoke(cli, ["--config", config, "brief", "--since", "2030-01-01", "-o", str(out)])
    assert empty.exit_code == 1 and "no article" in empty.output
