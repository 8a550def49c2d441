"""`digest follow` / `unfollow` persist in the corpus and `digest status` lists the followed stories."""
from __future__ import annotations

import json

from digest.cli.main import cli


def _digest(runner, folder, *args):
    return runner.invoke(cli, ["--config", str(folder / "digest.toml"), *args])


def test_follow_and_unfollow_persist_and_status_lists_followed_stories(runner, example_workspace):
    built = _digest(runner, example_workspace, "run", "--date", "2026-03-06", "--json")
    assert built.exit_code == 0, built.output
    story = json.loads(built.stdout)["stories"][0]
    status = _digest(runner, example_workspace, "status")
    assert "followed stories: 0" in status.output and story["id"] not in status.output

    followed = _digest(runner, example_workspace, "follow", story["id"])
    assert followed.exit_code == 0, followed.output
    status = _digest(runner, example_workspace, "status")  # a new process reads the corpus again
    assert "followed stories: 1" in status.output
    line = next(x for x in status.output.splitlines() if story["id"] in x)
    assert "articles, latest" in line and "followed since" in line
    again = _digest(runner, example_workspace, "follow", story["id"])
    assert again.exit_code == 0 and "followed already" in again.output

    ended = _digest(runner, example_workspace, "unfollow", story["id"])
    assert ended.exit_code == 0, ended.output
    status = _digest(runner, example_workspace, "status")
    assert "followed stories: 0" in status.output and story["id"] not in status.output


def test_follow_names_an_unknown_story_and_unfollow_a_story_not_followed(runner, example_workspace):
    unknown = _digest(runner, example_workspace, "follow", "s000000000000")
    assert unknown.exit_code == 1 and "no story 's000000000000'" in unknown.output + unknown.stderr
    assert "digest.json" in unknown.output + unknown.stderr
    not_followed = _digest(runner, example_workspace, "unfollow", "s000000000000")
    assert not_followed.exit_code == 1 and "not followed" in not_followed.output + not_followed.stderr
