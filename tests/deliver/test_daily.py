"""`digest run` end to end: a feed over HTTP, the inbox, the build and SMTP delivery, recorded as one run."""
from __future__ import annotations

import json

from helpers.feeds import FeedServer, static

from digest.cli.main import cli
from digest.config import load
from digest.store import workspace

FEED = "examples/feeds/example.xml"


def _configure(folder, feed_url, port):
    with open(folder / "digest.toml", "a", encoding="utf-8") as handle:
        handle.write(f"""
[run]
deliver = true

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"

[feeds]
max_age_days = 0

[[feed]]
url = "{feed_url}"
name = "Valley Times"
topic = "City"

[summary]
topics = {{Energy = ["solar", "megawatt"]}}
""")


def test_run_fetches_ingests_builds_and_delivers(runner, example_workspace, smtp):  # noqa: F811
    sink, port = smtp
    with FeedServer() as server:
        server.routes["/city.xml"] = static(str(example_workspace / "feeds" / "example.xml"))
        _configure(example_workspace, server.url("/city.xml"), port)
        result = runner.invoke(cli, ["--config", str(example_workspace / "digest.toml"), "run",
                                     "--date", "2026-03-06", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    titles = [a["title"] for story in data["stories"] for a in story["articles"]]
    assert "Library extends opening hours after manuscripts return" in titles
    assert "Council approves cross-town bike lane network" in titles
    topics = {a["title"]: story["topic"] for story in data["stories"] for a in story["articles"]}
    assert topics["Library extends opening hours after manuscripts return"] == "City"
    assert topics["How Port Arlen built a power station on water"] == "Energy"
    assert topics["Stolen medieval manuscripts return to Lindholm library"] in ("City", None)
    [message] = sink.messages()
    assert message["To"] == "desk@example.org"
    assert message.get_body(("plain",)).get_content().strip()
    with workspace.open_corpus(load(example_workspace / "digest.toml")) as corpus:
        assert corpus.db.execute("SELECT delivered_at FROM digests").fetchone()[0]
        counts = json.loads(corpus.db.execute("SELECT counts FROM runs WHERE kind = 'run'").fetchone()[0])
    assert counts["steps"] == ["backup", "fetch", "ingest", "build", "deliver"]
    assert counts["fetch"]["added"] == 2 and counts["deliver"]["sent"] == 1


def test_failed_delivery_is_retried_by_the_next_run(runner, example_workspace, smtp):  # noqa: F811
    sink, port = smtp
    _configure(example_workspace, "http://127.0.0.1:9/none.xml", 9)
    config = str(example_workspace / "digest.toml")
    first = runner.invoke(cli, ["--config", config, "run", "--date", "2026-03-06"])
    assert first.exit_code == 0 and "failed: delivery" in first.output
    text = (example_workspace / "digest.toml").read_text().replace("port = 9\n", f"port = {port}\n")
    (example_workspace / "digest.toml").write_text(text)
    second = runner.invoke(cli, ["--config", config, "run", "--date", "2026-03-07"])
    assert second.exit_code == 0, second.output
    assert "Nothing new" in second.output and "sent digest 2026-03-06" in second.output
    assert len(sink.messages()) == 1


def test_topics_group_the_stories_in_config_order(runner, example_workspace):
    config = example_workspace / "digest.toml"
    with open(config, "a", encoding="utf-8") as handle:
        handle.write('\n[summary]\ntopics = {Transport = ["strike", "bike", "rail"], Energy = ["solar"]}\n')
    result = runner.invoke(cli, ["--config", str(config), "run", "--date", "2026-03-06", "--json"])
    assert result.exit_code == 0, result.output
    topics = [s["topic"] for s in json.loads(result.stdout)["stories"]]
    assert topics == ["Transport", "Transport", "Energy", None]
    text = (example_workspace / "outbox" / "2026-03-06" / "digest.txt").read_text()
    contents = text.split("CONTENTS", 1)[1].split("=====", 1)[0]
    assert contents.index("TRANSPORT") < contents.index("ENERGY") < contents.index("OTHER NEWS")
    html = (example_workspace / "outbox" / "2026-03-06" / "digest.html").read_text()
    assert html.count("class=\"contents-topic\"") == 3 and "Other news" in html
