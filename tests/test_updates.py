"""Against the corpus: nothing sent twice; a sent story with new facts comes back as an update."""
from __future__ import annotations

import json

from digest.cli import cli

FOLLOW_UP = """Rail drivers approve pay deal in union vote
Source: Valley Times
Date: 2026-03-07T08:00:00+00:00

Train drivers approved the pay deal that ended the threatened national rail strike, with 82 percent of union members voting in favour, union leader Greta Sandoval said on Monday.

Sandoval said the 6.5 percent rise over two years would be paid from April, and that recruitment of the 400 new drivers would start in May. "The vote closes this dispute," Sandoval said.

Transport minister Karel Novak welcomed the result and repeated that fares would stay frozen until December.
"""

EXTRA = ("\n\nUnion members voted 82 percent in favour of the agreement on Monday, "
         "Sandoval said in a statement released after the count in the capital.\n")


def _run(runner, folder, day):
    result = runner.invoke(cli, ["--config", str(folder / "digest.toml"), "run", "--date", day, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _rail(data):
    return [s for s in data["stories"] if any(a["outlet"] == "Metro News" for a in s["articles"])
            or "strike" in s["title"].lower() or "drivers" in s["title"].lower()]


def test_new_article_on_a_sent_story_comes_back_as_an_update(runner, example_workspace):
    first = _run(runner, example_workspace, "2026-03-06")
    [rail] = _rail(first)
    assert rail["is_update"] is False
    (example_workspace / "inbox" / "follow-up.txt").write_text(FOLLOW_UP)
    second = _run(runner, example_workspace, "2026-03-09")
    assert len(second["stories"]) == 1
    [update] = second["stories"]
    assert update["id"] == rail["id"] and update["is_update"] is True
    assert [a["title"] for a in update["articles"]] == ["Rail drivers approve pay deal in union vote"]
    points = " ".join(p["text"] for s in update["sections"] for p in s["points"]) + update["lede"]
    assert "82 percent" in points
    html = (example_workspace / "outbox" / "2026-03-09" / "digest.html").read_text()
    assert "Update" in html


def test_updated_version_of_a_sent_article_brings_only_its_new_text(runner, example_workspace):
    _run(runner, example_workspace, "2026-03-06")
    original = (example_workspace / "inbox" / "processed" / "metro-news-rail.txt").read_text()
    body = original.split("Leave a comment")[0].rstrip() + EXTRA
    (example_workspace / "inbox" / "metro-news-rail-updated.txt").write_text(body)
    second = _run(runner, example_workspace, "2026-03-09")
    [update] = second["stories"]
    [article] = update["articles"]
    assert update["is_update"] is True and article["copy_of"] is not None
    assert article["why"]["dedup"]["new_text"].strip().startswith("Union members voted 82 percent")
    points = [p["text"] for s in update["sections"] for p in s["points"]]
    assert any("82 percent" in text for text in points)
    assert not any("Commuters across the country" in text for text in points)
