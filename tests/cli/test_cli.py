"""The command line, end to end on the bundled examples: all four outputs, JSON, status."""
from __future__ import annotations

import email
import json
import re
from email import policy

import click
import pytest
from pypdf import PdfReader

from digest.cli.main import cli
from digest.store.corpus import Corpus


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


def test_every_command_has_help(runner):
    for path, command in _commands(cli):
        assert command.help and len(command.help) > 20, path
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_init_creates_a_workspace(runner, tmp_path):
    result = runner.invoke(cli, ["init", str(tmp_path / "w")])
    assert result.exit_code == 0
    for name in ("digest.toml", "inbox", "outbox", "templates"):
        assert (tmp_path / "w" / name).exists()
    again = runner.invoke(cli, ["init", str(tmp_path / "w")])
    assert again.exit_code == 1 and "--force" in again.output


def test_missing_config_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli, ["--config", str(tmp_path / "none.toml"), "status"])
    assert result.exit_code == 1
    assert "none.toml" in result.output and "digest init" in result.output


@pytest.fixture
def ran(runner, example_workspace):
    config = str(example_workspace / "digest.toml")
    result = runner.invoke(cli, ["--config", config, "run", "--date", "2026-03-06", "--json"])
    assert result.exit_code == 0, result.output
    return example_workspace, json.loads(result.stdout)


def test_run_on_examples_writes_all_outputs(ran):
    folder, data = ran
    outdir = folder / "outbox" / "2026-03-06"
    for name in ("digest.html", "digest.txt", "digest.eml", "digest.pdf", "digest.json"):
        assert (outdir / name).stat().st_size > 0, name
    assert json.loads((outdir / "digest.json").read_text())["stories"] == data["stories"]
    assert not [p for p in (folder / "inbox").iterdir() if p.is_file()]
    html = (outdir / "digest.html").read_text()
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert not re.search(r"<link\b|\bsrc=[\"']https?:", html, re.IGNORECASE)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL)
    assert all(re.fullmatch(r"\s*(@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}\s*)*", css) for css in styles)
    assert len(html.encode()) < 100 * 1024


def test_examples_json_has_the_stable_shape(ran):
    _, data = ran
    assert data["date"] == "2026-03-06"
    assert len(data["stories"]) >= 3
    for story in data["stories"]:
        assert set(story) >= {"id", "title", "lede", "is_update", "articles", "sections"}
        for article in story["articles"]:
            assert set(article) >= {"id", "title", "outlet", "url", "published", "copy_of"}
        ids = {a["id"] for a in story["articles"]}
        for section in story["sections"]:
            assert set(section) >= {"speaker", "points"}
            for point in section["points"]:
                assert point["text"] and set(point["sources"]) <= ids


def test_pdf_opens_with_story_titles(ran):
    folder, data = ran
    reader = PdfReader(folder / "outbox" / "2026-03-06" / "digest.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 1
    for story in data["stories"]:
        assert story["title"][:30] in " ".join(text.split())


def test_eml_parses_into_text_and_html(ran):
    folder, data = ran
    raw = (folder / "outbox" / "2026-03-06" / "digest.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "desk@example.org"
    assert message["Subject"] and message["Message-ID"] and message["Date"]
    assert message.get_body(("plain",)).get_content().strip()
    assert "<html" in message.get_body(("html",)).get_content().lower()


def test_second_build_has_nothing_new(runner, ran):
    folder, _ = ran
    config = str(folder / "digest.toml")
    result = runner.invoke(cli, ["--config", config, "build", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["stories"] == []
    plain = runner.invoke(cli, ["--config", config, "build"])
    assert "Nothing new" in plain.output


def test_build_again_rerenders_without_touching_the_corpus(runner, ran):
    folder, data = ran
    config = str(folder / "digest.toml")
    dump = lambda: list(Corpus(folder / "corpus.sqlite").db.iterdump())  # noqa: E731
    before = [line for line in dump() if "INSERT INTO \"runs\"" not in line]
    (folder / "outbox" / "2026-03-06" / "digest.html").unlink()
    result = runner.invoke(cli, ["--config", config, "build", "--date", "2026-03-06", "--again", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stories"] == data["stories"]
    assert (folder / "outbox" / "2026-03-06" / "digest.html").exists()
    assert [line for line in dump() if "INSERT INTO \"runs\"" not in line] == before


def test_status_reports_the_corpus_and_runs(runner, ran):
    folder, _ = ran
    result = runner.invoke(cli, ["--config", str(folder / "digest.toml"), "status"])
    assert result.exit_code == 0
    assert "articles" in result.output and "2026-03-06" in result.output and "run" in result.output


def test_json_and_dedup_report_explain_the_decisions(runner, ran):
    folder, data = ran
    articles = {a["outlet"]: a for story in data["stories"] for a in story["articles"]}
    copy = articles["Regional Wire"]
    assert copy["copy_of"] == articles["Coastal Herald"]["id"]
    assert copy["why"]["dedup"]["kind"] == "copy" and copy["why"]["dedup"]["similarity"] >= 0.7
    joined = articles["Northern Ledger"]["why"]["story"]
    assert joined["similarity"] > 0 and joined["matched_article_id"]
    result = runner.invoke(cli, ["--config", str(folder / "digest.toml"), "dedup-report", "--json"])
    report = json.loads(result.stdout)
    [solar] = [s for s in report["stories"] if "Coastal Herald" in s["outlets"]]
    assert {"Northern Ledger", "Grid Weekly", "Regional Wire"} <= set(solar["outlets"])
    exact = [g for g in report["duplicate_groups"] if g["exact"]]
    assert exact and exact[0]["original"]["outlet"] == "Metro News"
    text = runner.invoke(cli, ["--config", str(folder / "digest.toml"), "dedup-report"]).output
    assert "duplicate groups" in text and "Jaccard" in text


def test_log_file_gets_timestamped_levelled_lines(runner, example_workspace):
    config = example_workspace / "digest.toml"
    text = config.read_text()
    config.write_text(text.replace("[paths]\n", '[paths]\nlog_file = "digest.log"\n') if "[paths]\n" in text
                      else text.replace("[digest]\n", '[paths]\nlog_file = "digest.log"\n\n[digest]\n'))
    (example_workspace / "inbox" / "junk.json").write_text("{not json")
    result = runner.invoke(cli, ["--config", str(config), "ingest"])
    assert result.exit_code == 0
    log = (example_workspace / "digest.log").read_text()
    assert " INFO digest.ingest.inbox: ingest: " in log
    assert " ERROR digest.ingest.inbox: " in log and "junk.json" in log
