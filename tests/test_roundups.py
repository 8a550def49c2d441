"""Template reports of one day: each its own story, gathered into one roundup entry of the digest."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from helpers.wire import EARNINGS, NEWS, earnings, story, write

from digest import build
from digest import config as config_mod
from digest.ingest import inbox
from digest.jsonio import digest_from_dict, digest_to_dict
from digest.store.corpus import Corpus

DAY = date(2026, 3, 2)


def _config(folder, **stories):
    """The workspace's config with [stories] options set in its digest.toml."""
    path = folder / "digest.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in stories.items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {json.dumps(value)}", text, count=1, flags=re.M)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")
    return config_mod.load(path)


def _build(folder, texts, **stories):
    config = _config(folder, **stories)
    write(config.path("inbox"), texts)
    with Corpus(config.path("corpus")) as corpus:
        inbox.ingest(config, corpus)
        result = build.build(config, corpus, day=DAY)
        story_ids = {a.title: a.story_id for a in corpus.unsent_articles() + _all(corpus)}
    return result, story_ids


def _all(corpus):
    return corpus.articles([row[0] for row in corpus.db.execute("SELECT id FROM articles")])


@pytest.mark.parametrize("companies", [2, 3])
def test_earnings_of_different_companies_are_different_stories_and_one_roundup(workspace_dir, companies):
    texts = [earnings(*row, hour=10 + i) for i, row in enumerate(EARNINGS[:companies])]
    result, story_ids = _build(workspace_dir, texts + [story(t, b, 9) for t, b in NEWS], roundup_min=2)
    reports = [f"{name} <{ticker}> 4TH QTR NET" for name, ticker, *_ in EARNINGS[:companies]]
    assert len({story_ids[t] for t in reports}) == companies  # the corpus keeps them apart
    digest = result.digest
    assert len(digest.roundups) == 1
    roundup = digest.roundups[0]
    assert roundup.heading == f"Earnings: {companies} companies reported"
    assert [line.entity for line in roundup.lines] == [f"{n} <{t}>" for n, t, *_ in EARNINGS[:companies]]
    assert [line.articles[0].url for line in roundup.lines] == [
        f"https://wire.example/{t.lower()}-4q" for _, t, *_ in EARNINGS[:companies]]
    assert roundup.lines[0].text == "Shr 1.20 dlrs vs 1.10 dlrs; Net 3,200,000 vs 2,900,000"
    listed = {a.title for s in digest.stories + digest.also for a in s.articles}
    assert not listed & set(reports), "a report in a roundup is not also a story entry"
    assert {t for t, _ in NEWS} <= {s.title for s in digest.stories}
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert f"Earnings: {companies} companies reported" in html
    assert html.count("4TH QTR NET") == 0 and "COBALT MILLS INC &lt;CBMI&gt;" in html
    back = digest_from_dict(json.loads(result.outputs["json"].read_text(encoding="utf-8")))
    assert back.roundups[0].heading == roundup.heading
    assert [line.story_id for line in back.roundups[0].lines] == [line.story_id for line in roundup.lines]
    assert digest_to_dict(back)["roundups"] == digest_to_dict(digest)["roundups"]


def test_roundup_members_are_sent_and_do_not_come_back(workspace_dir):
    texts = [earnings(*row, hour=10 + i) for i, row in enumerate(EARNINGS[:3])]
    config = _config(workspace_dir)
    write(config.path("inbox"), texts + [story(t, b, 9) for t, b in NEWS])
    with Corpus(config.path("corpus")) as corpus:
        inbox.ingest(config, corpus)
        first = build.build(config, corpus, day=DAY)
        assert first.digest.roundups and not corpus.unsent_articles()
        again = build.build(config, corpus, day=DAY)
    assert not again.digest.roundups and not again.digest.stories


def test_roundups_false_gives_each_report_its_own_entry(workspace_dir):
    texts = [earnings(*row, hour=10 + i) for i, row in enumerate(EARNINGS[:3])]
    result, _ = _build(workspace_dir, texts + [story(t, b, 9) for t, b in NEWS], roundups=False)
    assert result.digest.roundups == ()
    titles = [s.title for s in result.digest.stories + result.digest.also]
    assert sum("4TH QTR NET" in t for t in titles) == 3


def test_a_day_without_templates_has_no_roundup(workspace_dir):
    texts = [story(t, b, 9 + i) for i, (t, b) in enumerate(NEWS)]
    texts.append(story("EARNINGS SEASON LIFTS SHARES IN EUROPE",
                       "European shares rose for a third day on Monday as quarterly earnings from banks and "
                       "carmakers beat forecasts, traders said, with the main index up 1.2 pct by the close. "
                       "Analysts said the results season had so far been better than feared, though several "
                       "companies warned that higher energy costs would weigh on the second half.", 15))
    result, _ = _build(workspace_dir, texts)
    assert result.digest.roundups == ()
    assert len(result.digest.stories) == 3


def test_two_reports_are_no_roundup_at_the_default_minimum(workspace_dir):
    texts = [earnings(*row, hour=10 + i) for i, row in enumerate(EARNINGS[:2])]
    result, _ = _build(workspace_dir, texts + [story(t, b, 9) for t, b in NEWS])
    assert result.digest.roundups == ()
