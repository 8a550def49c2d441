"""A backlog is not a morning: the first build on a long unsent backlog digests the recent days
([build] max_age_days) and archives the older unsent articles, which stay in the corpus;
`digest build --since DATE` overrides the rule."""
from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta

from digest.cli.main import cli
from digest.config import load
from digest.store import workspace

WORDS = ("harbour council budget vote rail strike drivers union wage storm flood river bridge school "
         "teachers hospital nurses election mayor court ruling tax energy prices wind solar farm "
         "museum festival library airport runway police inquiry water supply housing rent market "
         "bakery factory closure jobs exports port ferry tunnel bus fares cycling lanes park").split()
FIRST, DAYS = date(2026, 2, 1), 30


def _write_backlog(folder) -> None:
    """One article a day for DAYS days, each on its own subject words."""
    rng = random.Random(5)
    for n in range(DAYS):
        day = FIRST + timedelta(days=n)
        words = [rng.choice(WORDS) for _ in range(70)]
        body = " ".join(words).capitalize() + f". Reported on day {n} by desk {n * 7919 % 1000}."
        (folder / "inbox" / f"a{n:02d}.txt").write_text(
            f"Local item {n} {words[0]} {words[1]}\nSource: Outlet {n % 3}\nDate: {day.isoformat()}T08:00:00+00:00\n\n"
            f"{body}\n")


def _cli(runner, folder, *args):
    result = runner.invoke(cli, ["--config", str(folder / "digest.toml"), *args])
    assert result.exit_code == 0, result.output + str(result.exception)
    return result


def _days(data) -> set[str]:
    return {a["published"][:10] for s in data["stories"] + data["also"] for a in s["articles"]}


def test_first_build_on_a_backlog_digests_the_recent_days_and_archives_the_rest(runner, workspace_dir):
    _write_backlog(workspace_dir)
    _cli(runner, workspace_dir, "ingest")
    last = FIRST + timedelta(days=DAYS - 1)
    data = json.loads(_cli(runner, workspace_dir, "build", "--date", last.isoformat(), "--json").stdout)
    cutoff = last - timedelta(days=7)  # the shipped [build] max_age_days
    assert _days(data) == {(cutoff + timedelta(days=k)).isoformat() for k in range(8)}
    corpus = workspace.open_corpus(load(workspace_dir / "digest.toml"))
    try:
        assert corpus.stats()["archived_articles"] == DAYS - 8
        assert corpus.stats()["unsent_articles"] == 0
        assert len(corpus.unsent_articles()) == 0
        assert corpus.db.execute("SELECT count(*) FROM articles").fetchone()[0] == DAYS  # nothing lost
    finally:
        corpus.close()
    status = _cli(runner, workspace_dir, "status").output
    assert re.search(rf"archived articles\s+{DAYS - 8}\b", status)
    again = _cli(runner, workspace_dir, "build", "--date", last.isoformat()).output
    assert "Nothing new" in again


def test_since_overrides_the_age_rule_and_brings_archived_articles_back(runner, workspace_dir):
    _write_backlog(workspace_dir)
    _cli(runner, workspace_dir, "ingest")
    last = FIRST + timedelta(days=DAYS - 1)
    _cli(runner, workspace_dir, "build", "--date", (last - timedelta(days=10)).isoformat())
    since = FIRST + timedelta(days=5)
    data = json.loads(_cli(runner, workspace_dir, "build", "--date", last.isoformat(), "--since",
                           since.isoformat(), "--json").stdout)
    first_cutoff = last - timedelta(days=17)  # the first build covers 7 days before its date, and after
    sent_first = {(first_cutoff + timedelta(days=k)).isoformat() for k in range(18)}
    expected = {(since + timedelta(days=k)).isoformat() for k in range(DAYS - 5)} - sent_first
    assert _days(data) == expected


def test_max_age_days_zero_keeps_the_whole_backlog(runner, workspace_dir):
    toml = workspace_dir / "digest.toml"
    text = re.sub(r"(\[build\][^\[]*?)max_age_days = \d+", r"\1max_age_days = 0", toml.read_text(), flags=re.S)
    assert "max_age_days = 0" in text
    toml.write_text(text)
    _write_backlog(workspace_dir)
    _cli(runner, workspace_dir, "ingest")
    data = json.loads(_cli(runner, workspace_dir, "build", "--date", "2026-03-02", "--json").stdout)
    assert len(_days(data)) == DAYS
