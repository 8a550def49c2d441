"""`build --json` explains every article it lists: those of "Also in the news" too, not only the condensed stories'."""
from __future__ import annotations

import json

from digest.cli.main import cli


def test_also_articles_say_why_they_are_in_their_story(runner, example_workspace):
    config = example_workspace / "digest.toml"
    config.write_text(config.read_text() + "\n[summary]\nstories_per_digest = 1\n")  # the rest go to "also"
    result = runner.invoke(cli, ["--config", str(config), "run", "--date", "2026-03-06", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    also = [a for story in data["also"] for a in story["articles"]]
    assert also, "the examples make more than one story"
    for article in also:
        assert article["why"] and article["why"]["story"]["reason"], article["id"]
