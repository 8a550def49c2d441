"""An update says what is new: real ingest and build on two days; yesterday's points are not sent again."""
from __future__ import annotations

import json

from pypdf import PdfReader

from digest.cli.main import cli

# Today's article: one new fact (the vote) among background the reader had yesterday.
VOTE = """Drivers back rail pay deal in union ballot
Source: Harbour Gazette
Date: 2026-03-07T08:00:00+00:00

Train drivers voted to accept the pay agreement in a union ballot, with 82 percent of members in favour and turnout of 71 percent, the union announced on Saturday.

Union leader Greta Sandoval said drivers had won a 6.5 percent pay rise over two years and the hiring of 400 new drivers.

Transport minister Karel Novak said ticket prices would not rise this year despite the cost of the deal.
"""

# Another outlet retelling yesterday's news with nothing new in it.
RETOLD = """Rail strike off after talks, drivers get raise
Source: Harbour Gazette
Date: 2026-03-07T09:00:00+00:00

The train drivers' union called off its national strike after overnight talks with the state operator.

Union leader Greta Sandoval said drivers had won a 6.5 percent pay rise over two years and the hiring of 400 new drivers.

Transport minister Karel Novak said ticket prices would not rise this year despite the cost of the deal.
"""


def _run(runner, folder, day):
    result = runner.invoke(cli, ["--config", str(folder / "digest.toml"), "run", "--date", day, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if result.stdout.strip() else {"stories": [], "also": []}


def _rail(data):
    return [s for s in data["stories"] if "strike" in s["title"].lower() or "drivers" in s["title"].lower()
            or "rail" in s["title"].lower()]


def _texts(story):
    return [story["lede"]] + [p["text"] for s in story["sections"] for p in s["points"]]


def test_a_story_sent_yesterday_comes_back_with_its_new_fact_first_and_not_yesterdays_points(
        runner, example_workspace):
    first = _run(runner, example_workspace, "2026-03-06")
    [rail] = _rail(first)
    sent = set(_texts(rail))
    assert any("6.5 percent" in t for t in sent)  # yesterday's digest carried the pay rise
    (example_workspace / "inbox" / "vote.txt").write_text(VOTE)
    second = _run(runner, example_workspace, "2026-03-07")
    [update] = second["stories"]
    assert update["id"] == rail["id"] and update["is_update"] is True
    assert update["first_sent"] == "2026-03-06"
    assert "82 percent" in update["lede"]  # the new fact comes first
    texts = _texts(update)
    assert not sent & set(texts)
    assert not any("6.5 percent" in t or "ticket prices" in t for t in texts)


def test_the_email_text_and_pdf_say_update_and_since_when(runner, example_workspace):
    _run(runner, example_workspace, "2026-03-06")
    (example_workspace / "inbox" / "vote.txt").write_text(VOTE)
    _run(runner, example_workspace, "2026-03-07")
    out = example_workspace / "outbox" / "2026-03-07"
    html = (out / "digest.html").read_text()
    assert "Update &middot; first sent 6 Mar" in html or "Update · first sent 6 Mar" in html
    assert "Update \u00b7 first sent 6 Mar" in (out / "digest.txt").read_text()
    pdf = " ".join(page.extract_text() for page in PdfReader(out / "digest.pdf").pages)
    assert "update · first sent 6 mar" in " ".join(pdf.split()).lower()


def test_an_update_with_nothing_new_is_not_sent_again(runner, example_workspace):
    first = _run(runner, example_workspace, "2026-03-06")
    [rail] = _rail(first)
    (example_workspace / "inbox" / "retold.txt").write_text(RETOLD)
    second = _run(runner, example_workspace, "2026-03-07")
    assert not second["stories"] and not second["also"]
    (example_workspace / "inbox" / "vote.txt").write_text(VOTE)
    third = _run(runner, example_workspace, "2026-03-08")
    [update] = third["stories"]
    assert update["id"] == rail["id"] and "82 percent" in update["lede"]
    assert not any("called off" in t or "6.5 percent" in t for t in _texts(update))


def test_a_rebuilt_update_is_the_update_that_was_sent(runner, example_workspace):
    _run(runner, example_workspace, "2026-03-06")
    (example_workspace / "inbox" / "vote.txt").write_text(VOTE)
    [sent] = _run(runner, example_workspace, "2026-03-07")["stories"]
    again = runner.invoke(cli, ["--config", str(example_workspace / "digest.toml"), "build", "--date", "2026-03-07",
                                "--again", "--json"])
    assert again.exit_code == 0, again.output
    [rebuilt] = json.loads(again.stdout)["stories"]
    assert (rebuilt["lede"], rebuilt["first_sent"], _texts(rebuilt)) == (sent["lede"], "2026-03-06", _texts(sent))
