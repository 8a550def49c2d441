"""A followed story continues past [stories] window_days when a new article matches it strongly."""
from __future__ import annotations

from helpers.pipeline import Pipeline
from helpers.stories import make

from digest.store import follows

STRIKE = """A national rail strike planned for Thursday was called off early on Wednesday after eleven hours
of talks between the train drivers' union and the state operator.

Union leader Greta Sandoval said the operator had agreed to a 6.5 percent pay rise over two years and
to hire 400 more drivers. "Our members kept the country moving through two hard winters," Sandoval said.

Transport minister Karel Novak said the agreement was expensive but fair and would not raise ticket
prices this year."""

# Eleven days later: the same union, leader, operator, deal and figures.
VOTE = """Train drivers have accepted the pay deal that called off the national rail strike, union leader
Greta Sandoval said, with 82 percent of the union's members voting for the 6.5 percent pay rise over
two years.

Sandoval said the state operator would start hiring the 400 more drivers in May. Transport minister
Karel Novak said ticket prices would not rise this year."""

# Eleven days later as well, on the same network but another event.
DERAILMENT = """A freight train derailed near the Lindholm junction on Sunday, blocking the main northern line
for most of the day, the state operator said. No one was hurt. Engineers expected to reopen the line
by Monday morning after lifting four wagons of grain back onto the track."""


def _strike_then(tmp_path, later: str, title: str, followed: bool):
    """Story ids of the strike article (day 3) and of a later article (day 14), with the strike story
    followed or not."""
    pipe = Pipeline(tmp_path)
    try:
        first = make(STRIKE, "Rail strike called off after overnight talks", "Valley Times", day=3)
        pipe.add_story(first)
        story = pipe.story_of(first)
        if followed:
            assert follows.follow(pipe.corpus, story)
        pipe = _reopen(pipe, tmp_path)  # a later ingest run reads the followed stories afresh
        decision, _ = pipe.add_story(make(later, title, "Daily Courier", day=14))
        return story, decision
    finally:
        pipe.corpus.close()


def _reopen(pipe: Pipeline, tmp_path) -> Pipeline:
    pipe.corpus.close()
    return Pipeline(tmp_path)


def test_a_followed_story_takes_a_strongly_matching_article_past_the_window(tmp_path):
    story, decision = _strike_then(tmp_path, VOTE, "Drivers accept rail pay deal", followed=True)
    assert decision.story_id == story and not decision.is_new
    assert "followed story" in decision.reason


def test_an_unfollowed_story_does_not(tmp_path):
    story, decision = _strike_then(tmp_path, VOTE, "Drivers accept rail pay deal", followed=False)
    assert decision.story_id != story and decision.is_new


def test_a_followed_story_does_not_take_another_event(tmp_path):
    story, decision = _strike_then(tmp_path, DERAILMENT, "Freight train derails at Lindholm junction",
                                   followed=True)
    assert decision.story_id != story and decision.is_new
