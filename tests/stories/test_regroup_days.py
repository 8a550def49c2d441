"""The regrouping reads the days of the week a text names ([stories] regroup_other_day): two undated
articles told in the same words but naming different days are two developments of one thread."""
from __future__ import annotations

from dataclasses import replace

from helpers.pipeline import Pipeline
from helpers.stories import make

from digest.store import audit
from digest.stories.regroup import regroup_unsent
from digest.stories.terms import mentioned_days

# one thread's words, each outlet in its own sentences (a near copy would be a duplicate, not a story member)
VOTE = {"A": "The {house} on {day} passed the bipartisan bill that pours billions of dollars into semiconductor "
             "research and chip factories, a rare show of unity aimed at countering Chinese competition.",
        "B": "Semiconductor factories and chip research get billions of dollars under the bipartisan bill the "
             "{house} approved {day}, with lawmakers of both parties citing Chinese competition."}
DETAIL = {"A": "Majority Leader Ransom Whitcombe said the measure would protect supply chains; the tally was {votes}.",
          "B": "The tally, {votes}, followed weeks of talks, and Ransom Whitcombe called supply chains a matter of security."}


def vote(house: str, day: str, votes: str, outlet: str, undated: bool = True):
    """An article on one vote of the chips bill in one outlet's words; with no date of its own (a
    guess) when `undated`."""
    body = VOTE[outlet].format(house=house, day=day) + "\n\n" + DETAIL[outlet].format(votes=votes)
    return replace(make(body, "", outlet), published_is_guess=undated)


def regrouped(tmp_path, location, other_day: float, first, second) -> tuple[bool, dict[str, str], list[dict]]:
    """Whether the two articles share a story after the build's regrouping, each member's reason, and
    the dedup report's stories."""
    pipe = Pipeline(tmp_path, {"stories": {"similarity": 0.99, "regroup_other_day": other_day}}, location)
    for article in (first, second):
        pipe.add_story(article)  # the index founds a story for each (similarity 0.99)
    regroup_unsent(pipe.corpus, pipe.config, pipe.corpus.unsent_articles(), set())
    together = pipe.story_of(first) == pipe.story_of(second)
    reasons = dict(pipe.corpus.db.execute("SELECT article_id, reason FROM story_members"))
    stories = audit.report(pipe.corpus, None, None)["stories"]
    pipe.corpus.close()
    return together, reasons, stories


def test_the_days_a_text_names_in_any_language():
    assert mentioned_days("The House voted on Tuesday; on THURSDAY the Senate did.") == 0b1010
    assert mentioned_days("Le Sénat a voté mercredi, der Bundestag am Sonntag.") == 0b1000100
    assert mentioned_days("Sun and Sat are words, not days; nor is a weekday.") == 0


HOUSE, SENATE = vote("House", "Tuesday", "341 to 81", "A"), vote("Senate", "Thursday", "68 to 32", "B")


def test_the_words_alone_make_two_votes_one_story(tmp_path, corpus_location):
    together, _, _ = regrouped(tmp_path, corpus_location, 1.0, HOUSE, SENATE)
    assert together


def test_two_undated_votes_on_different_days_are_two_stories(tmp_path, corpus_location):
    house, senate = HOUSE, SENATE
    together, reasons, stories = regrouped(tmp_path, corpus_location, 0.0, house, senate)
    assert not together
    assert "name different days (Tuesday; Thursday)" in reasons[house.id]
    assert "two developments of one thread" in reasons[senate.id]
    for story in stories:  # the dedup report says, for each of the two stories, which it was kept apart from and why
        [apart] = story["kept_apart"]
        assert "name different days" in apart["why"]


def test_the_same_day_named_by_two_outlets_is_one_story(tmp_path, corpus_location):
    first, second = vote("House", "Tuesday", "341 to 81", "A"), vote("House", "Tuesday", "341-81", "B")
    together, _, _ = regrouped(tmp_path, corpus_location, 0.0, first, second)
    assert together


def test_dated_articles_are_kept_apart_by_their_dates_not_the_days_they_name(tmp_path, corpus_location):
    house = vote("House", "Tuesday", "341 to 81", "A", undated=False)
    senate = vote("Senate", "Thursday", "68 to 32", "B", undated=False)
    together, _, _ = regrouped(tmp_path, corpus_location, 0.0, house, senate)
    assert together  # same date (make's default day): the days named are reactions, the date rules
