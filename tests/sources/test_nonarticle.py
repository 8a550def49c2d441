"""Texts that are not articles (cookie walls, paywalls, error pages) are recognised, recorded and kept out of stories."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from helpers.paths import REPO, need_shared

from digest import config as config_mod
from digest.cli.main import cli
from digest.ingest.inbox import ingest
from digest.models import Article
from digest.sources import clean, nonarticle
from digest.sources.readers import ReadDefaults, read
from digest.store import workspace
from digest.store.corpus import Corpus

JUNK = REPO / "tests" / "data" / "nonarticles"
REAL = REPO / "tests" / "data" / "articles"


def _read(path: Path) -> Article:
    """The one article a test file holds, read the way the inbox reads it."""
    return read(path, path.read_bytes(), ReadDefaults())[0]


def _article(body: str, title: str = "") -> Article:
    return Article(id="x", title=title, outlet="o", body=body)


def test_every_junk_page_is_judged_and_no_real_article_is():
    judged = {}
    for path in sorted(JUNK.glob("*.txt")) + sorted(REAL.glob("*.txt")):
        try:
            judged[path] = nonarticle.judge(_read(path), 40)
        except Exception as exc:  # the reader itself refuses what is left after cleaning
            judged[path] = exc
    assert all(judged[p] for p in JUNK.glob("*.txt")), [p.name for p in JUNK.glob("*.txt") if not judged[p]]
    assert not any(judged[p] for p in REAL.glob("*.txt"))


def test_news_about_cookies_and_explainers_full_of_you_stay_under_the_bar():
    for name in ("cookie-fine.txt", "bills-explainer.txt"):
        article = _read(REAL / name)
        _, share = nonarticle.furniture(article.title, article.body)
        assert share < nonarticle.FURNITURE_SHARE - 0.15, (name, share)


def test_quoted_speech_does_not_count_as_the_page_speaking():
    quote = '"You should accept the cookies if you want the site to work," the minister said on Tuesday.'
    assert nonarticle.furniture("", quote)[1] == 0.0  # the minister speaks, not the page
    assert nonarticle.furniture("", quote.replace('"', ""))[1] == 1.0


def test_too_short_follows_min_words():
    body = " ".join(["Officials met in Geneva on Tuesday and agreed to talk again."] * 3)
    assert nonarticle.judge(_article(body), 30) is None
    verdict = nonarticle.judge(_article(body), 40)
    assert verdict and verdict.reason.startswith("too short: 33 words")


def test_real_news_pages_are_never_judged_non_articles():
    folder = need_shared("data/extraction")
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    judged = [key for key, item in truth.items()
              if nonarticle.judge(_article(clean.clean_body(item["articleBody"])), 40)
              and len(item["articleBody"].split()) >= 60]
    assert judged == []


def test_seed_articles_are_articles():
    for path in sorted(need_shared("seeds").glob("*.txt")):
        assert nonarticle.judge(_read(path), 40) is None, path.name


def test_inbox_moves_non_articles_aside_and_records_repeats(ws_config, workspace_dir, runner):
    inbox = workspace_dir / "inbox"
    for path in list(JUNK.glob("*.txt")) + list(REAL.glob("*.txt")):
        shutil.copy(path, inbox / path.name)
    shutil.copy(JUNK / "cookie.txt", inbox / "z-cookie-copy.txt")
    with workspace.open_corpus(ws_config) as corpus:
        report = ingest(ws_config, corpus)
        stats = corpus.stats()
    assert len(report.added) == 3 and stats["articles"] == 3 and stats["stories"] == 3
    assert len(report.non_articles) + len(report.failed) == len(list(JUNK.glob("*.txt"))) + 1
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == sorted(p.name for p in REAL.glob("*.txt"))
    reason = (inbox / "failed" / "z-cookie-copy.txt.reason").read_text(encoding="utf-8")
    assert "not an article (page furniture" in reason and "the same text as" in reason
    assert not list(inbox.glob("*.txt"))

    result = runner.invoke(cli, ["--config", str(workspace_dir / "digest.toml"), "dedup-report", "--json"])
    listed = json.loads(result.output)["non_articles"]
    assert listed[0]["seen_count"] == 2 and listed[0]["source_path"].endswith("cookie.txt")
    status = runner.invoke(cli, ["--config", str(workspace_dir / "digest.toml"), "status"]).output
    assert f"{len(listed)} texts, seen {len(listed) + 1} times" in status


def test_a_non_article_dropped_again_is_judged_again(ws_config, workspace_dir):
    inbox = workspace_dir / "inbox"
    shutil.copy(JUNK / "js.txt", inbox / "js.txt")
    with workspace.open_corpus(ws_config) as corpus:
        ingest(ws_config, corpus)
        shutil.move(inbox / "failed" / "js.txt", inbox / "js.txt")
        report = ingest(ws_config, corpus)
    assert report.already_seen == [] and "the same text as" in report.non_articles[0][1]


def test_min_words_is_a_setting(tmp_path):
    config = config_mod.from_mapping({"ingest": {"min_words": 60}}, tmp_path)
    (tmp_path / "inbox").mkdir()
    shutil.copy(REAL / "short-brief.txt", tmp_path / "inbox" / "short-brief.txt")
    with Corpus(tmp_path / "c.sqlite") as corpus:
        report = ingest(config, corpus)
    assert report.added == [] and "at least 60" in report.non_articles[0][1]


def test_figures_worked_out_ahead_are_used_only_for_the_same_text(tmp_path):
    from digest.ingest.inbox import Store, finish

    config = config_mod.from_mapping({}, tmp_path)
    article = finish(_read(REAL / "short-brief.txt"))
    with Corpus(tmp_path / "c.sqlite") as corpus:
        store = Store(corpus, config)
        store.offer(article, (article.body, (article.body.count(" "), 0.9)))  # as if a reader said furniture
        assert store.put(article).non_article is not None
        other = finish(_read(REAL / "cookie-fine.txt"))
        store.offer(replace(other, body=other.body + " More."), (other.body, (10, 0.9)))  # for another text
        assert store.put(other).dedup.kind == "new"


def test_a_banner_and_a_sign_up_wall_around_an_article_are_cut_away(ws_config, workspace_dir):
    brief = (REAL / "short-brief.txt").read_text(encoding="utf-8")
    title, body = brief.split("\n", 1)
    banner = (JUNK / "cookie.txt").read_text(encoding="utf-8")
    wall = (JUNK / "newsletter-wall.txt").read_text(encoding="utf-8")
    (workspace_dir / "inbox" / "wrapped.txt").write_text(f"{title}\n{banner}\n{body}\n{wall}", encoding="utf-8")
    with workspace.open_corpus(ws_config) as corpus:
        report = ingest(ws_config, corpus)
        [stored] = corpus.unsent_articles()
    assert len(report.added) == 1 and not report.non_articles
    assert stored.body.startswith("The RMT union") and stored.body.endswith("the union said.")
    assert "cookies" not in stored.body and "account" not in stored.body


def test_only_the_edges_are_cut_and_only_around_plain_page_talk():
    banner = (JUNK / "cookie.txt").read_text(encoding="utf-8").strip()
    story = (REAL / "bills-explainer.txt").read_text(encoding="utf-8").split("\n", 1)[1].strip()
    middle = story.replace("\n", "\n" + banner + "\n", 1)  # a banner inside the text stays
    assert nonarticle.strip_furniture(middle) == middle
    assert nonarticle.strip_furniture(banner + "\n" + story) == story
    opinion = "We were wrong.\n" + story  # a short line in the page's voice, but no banner around it
    assert nonarticle.strip_furniture(opinion) == opinion
