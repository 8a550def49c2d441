"""`digest dedup-report` at story level: for each story, the stories kept apart from it and why, and the merges."""
from __future__ import annotations

import json

from digest.cli.main import cli
from stories.test_story_templates import EARNINGS


def test_the_report_says_which_stories_were_kept_apart_and_why(runner, workspace_dir):
    for name, title, figures in (("dahl", "DAHLBERG INC <DAHL> 4TH QTR NET", (10, "286,870", "10.1")),
                                 ("cbco", "COBANCO INC <CBCO> 4TH QTR NET", (12, "301,450", "10.4"))):
        a, b, c = figures
        (workspace_dir / "inbox" / f"{name}.txt").write_text(
            f"Title: {title}\nOutlet: Reuters\nDate: 1987-03-02\n\n" + EARNINGS.format(a=a, b=b, c=c), encoding="utf-8")
    config = str(workspace_dir / "digest.toml")
    assert runner.invoke(cli, ["--config", config, "ingest"]).exit_code == 0
    result = runner.invoke(cli, ["--config", config, "dedup-report", "--json"])
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)["stories"]
    assert len(stories) == 2
    for story, other in ((stories[0], stories[1]), (stories[1], stories[0])):
        assert [a["story_id"] for a in story["kept_apart"]] == [other["id"]]
        assert "different companies" in story["kept_apart"][0]["why"] and story["merges"] == []
    text = runner.invoke(cli, ["--config", config, "dedup-report"]).output
    assert text.count("  kept apart from story ") == 2 and text.count("different companies <") >= 2
