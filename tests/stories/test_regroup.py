"""The build's regrouping of unsent stories: complete link over the window, stable ids, evidence in `why`."""
from __future__ import annotations

import re
import pytest
from helpers.paths import SEEDS
from helpers.pipeline import Pipeline
from helpers.stories import GARDEN, make

from digest.store import audit, digests
from digest.stories.index import new_story_id
from digest.stories.regroup import regroup_unsent

from stories.test_story_chains import report
from stories.test_story_quotes import LEFT, RIGHT, article
from stories.test_story_templates import EARNINGS, wire


def regrouped(pipe: Pipeline, sent: set[str] = frozenset()) -> dict[str, str]:
    """Run the build's regrouping over every unsent article; {article id: story id} stored after it."""
    regroup_unsent(pipe.corpus, pipe.config, pipe.corpus.unsent_articles(), set(sent))
    return dict(pipe.corpus.db.execute("SELECT id, story_id FROM articles"))


def reason(pipe: Pipeline, article_id: str) -> str:
    """The story reason stored for an article."""
    return pipe.corpus.db.execute("SELECT reason FROM story_members WHERE article_id = ?", (article_id,)).fetchone()[0]


def test_the_seeds_stay_one_story_and_keep_the_id_of_the_first(pipe):
    files = sorted(SEEDS.glob("*.txt"))
    if len(files) < 5:
        pytest.skip(f"seed articles not found in {SEEDS} (shared/ must sit next to the repo)")
    seeds = [make(p.read_text(encoding="utf-8"), p.read_text(encoding="utf-8").split("\n", 1)[0], f"Outlet{i}")
             for i, p in enumerate(files)]
    other = make(GARDEN, "Record apple harvest in Hebden Bridge")
    for a in [*seeds, other]:
        pipe.add_story(a)
    stories = regrouped(pipe)
    assert {stories[a.id] for a in seeds} == {new_story_id(seeds[0])}
    assert stories[other.id] != stories[seeds[0].id]
    why = audit.explain(pipe.corpus, [seeds[1].id])[seeds[1].id]["story"]  # build --json's articles[].why
    assert why["story_id"] == new_story_id(seeds[0]) and why["matched_article_id"] in {a.id for a in seeds}
    assert "complete link" in why["reason"] and re.search(r"closest article a\w+ at 0\.\d\d", why["reason"])
    assert "kept apart" not in why["reason"]


def test_no_chain_of_daily_reports_survives_the_regrouping(pipe):
    reports = [report(k) for k in range(21)]
    for a in reports:
        pipe.add_story(a)
    stories = regrouped(pipe)
    days = {}
    for k, a in enumerate(reports):
        days.setdefault(stories[a.id], []).append(k)
    assert stories[reports[20].id] != stories[reports[0].id]
    window = pipe.config.settings.stories.window_days
    assert max(max(ks) - min(ks) for ks in days.values()) <= window  # every pair within the window


def test_a_quote_shared_by_two_outlets_keeps_their_articles_together(pipe):
    left = article(LEFT, "Governor signs drought aid into law", "Left Daily")
    right = article(RIGHT, "Critics slam costly relief package", "Right Times")
    pipe.add_story(left)
    pipe.add_story(right)
    stories = regrouped(pipe)
    assert stories[left.id] == stories[right.id]
    assert "quotation" in reason(pipe, right.id) or "quotation" in reason(pipe, left.id)


def test_earnings_reports_of_two_companies_stay_two_stories(pipe):
    first = wire("DAHLBERG INC <DAHL> 4TH QTR NET", EARNINGS.format(a=10, b="286,870", c="10.1"))
    second = wire("COBANCO INC <CBCO> 4TH QTR NET", EARNINGS.format(a=12, b="301,450", c="10.4"))
    pipe.add_story(first)
    pipe.add_story(second)
    stories = regrouped(pipe)
    assert stories[first.id] != stories[second.id]
    assert "different companies" in reason(pipe, second.id) + reason(pipe, first.id)


def test_a_sent_story_keeps_its_articles_and_id(pipe):
    reports = [report(0), report(1)]
    for a in reports:
        pipe.add_story(a)
    sent = pipe.story_of(reports[0])
    assert pipe.story_of(reports[1]) == sent  # the index joined them
    later = make(GARDEN, "Record apple harvest in Hebden Bridge", day=27)
    pipe.add_story(later)
    stories = regrouped(pipe, {sent})
    assert stories[reports[0].id] == stories[reports[1].id] == sent


def test_articles_the_index_split_are_joined_when_every_pair_is_close(tmp_path):
    pipe = Pipeline(tmp_path, {"stories": {"similarity": 0.99}})  # the index founds a story per article
    first, second = report(0), report(1)
    pipe.add_story(first)
    pipe.add_story(second)
    assert pipe.story_of(first) != pipe.story_of(second)
    stories = regrouped(pipe)
    assert stories[second.id] == stories[first.id] == new_story_id(first)
    assert "merges 2 stories of the index" in reason(pipe, second.id)
    assert pipe.corpus.db.execute("SELECT count(*) FROM stories WHERE id = ?",
                                  (new_story_id(second),)).fetchone()[0] == 0  # the emptied story is gone
    pipe.corpus.close()


def test_a_merge_never_takes_the_id_of_a_sent_story_away(pipe):
    older, sent_article = make(GARDEN, "Record apple harvest in Hebden Bridge", day=27), report(0)
    pipe.add_story(older)
    pipe.add_story(sent_article)
    kept, sent = pipe.story_of(older), pipe.story_of(sent_article)
    digests.record(pipe.corpus, "d1", "2022-03-01", "/tmp/none", "{}", [(sent_article.id, sent)])
    index = pipe.stories
    assert index._sent_or_oldest((kept, sent)) == sent  # the older story would keep its id if none was sent
    assert index._unsent(kept, (sent,)) == (sent,)  # the unsent story joins the sent one
    assert index._unsent(sent, (kept,)) == (kept,)
