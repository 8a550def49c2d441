"""Against the corpus: nothing sent twice; a sent story with new facts comes back as an update."""
from __future__ import annotations

import json

from pypdf import PdfReader

from digest.cli.main import cli

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
    points = [update["lede"]] + [p["text"] for s in update["sections"] for p in s["points"]]
    assert any("82 percent" in text for text in points)
    assert not any("Commuters across the country" in text for text in points)


def _with_budget(folder, stories: int) -> None:
    """Set [summary] stories_per_digest in the workspace's digest.toml."""
    path = folder / "digest.toml"
    text = path.read_text()
    assert "[summary]" not in text or "stories_per_digest" not in text
    path.write_text(text + f"\n[summary]\nstories_per_digest = {stories}\n" if "[summary]" not in text
                    else text.replace("[summary]", f"[summary]\nstories_per_digest = {stories}", 1))


def test_stories_past_the_budget_are_listed_once_and_not_carried_over(runner, example_workspace):
    _with_budget(example_workspace, 1)
    first = _run(runner, example_workspace, "2026-03-06")
    assert len(first["stories"]) == 1 and len(first["also"]) == 3
    assert all(s["articles"] and s["title"] and s["sections"] == [] for s in first["also"])
    listed = {s["id"] for s in first["stories"] + first["also"]}
    assert len(listed) == 4
    out = example_workspace / "outbox" / "2026-03-06"
    html, text = (out / "digest.html").read_text(), (out / "digest.txt").read_text()
    for story in first["also"]:
        assert story["title"] in html and story["title"].split()[0] in text
    assert "Also in the news" in html and "ALSO IN THE NEWS" in text
    pdf_text = " ".join(page.extract_text() for page in PdfReader(out / "digest.pdf").pages)
    assert "Also in the news" in " ".join(pdf_text.split())
    second = _run(runner, example_workspace, "2026-03-07")
    assert second["stories"] == [] and second["also"] == []  # nothing waits for a later digest
    (example_workspace / "inbox" / "follow-up.txt").write_text(FOLLOW_UP)
    third = _run(runner, example_workspace, "2026-03-09")
    [update] = third["stories"]
    assert update["id"] in listed and update["is_update"] is True
