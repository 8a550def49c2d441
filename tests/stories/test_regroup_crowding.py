"""The regrouping's crowding rule: in a busy topic a pair must be closer than the two articles' neighbourhoods
([stories] regroup_neighbours); and the dedup report's story-level decisions (kept apart, merges)."""
from __future__ import annotations

from helpers.pipeline import Pipeline
from helpers.stories import GARDEN, make

from digest.store import audit
from digest.stories.regroup import regroup_unsent

from stories.test_story_chains import report
from stories.test_story_templates import EARNINGS, wire

# the topic's words, in each outlet's own sentence (a line repeated word for word would be dropped as boilerplate)
TOPIC = ("{town} hospitals reported more coronavirus admissions on the pandemic ward as the vaccine rollout and "
         "booster appointments continued, health officials said, and epidemiologists tracked infections.",
         "Epidemiologists tracked coronavirus infections and booster appointments as {town} hospitals admitted "
         "more pandemic patients during the vaccine rollout, health officials said.")
# (town, official, figure): one local event of the pandemic each, told by two outlets
EVENTS = [("Oakridge", "Marlowe Pennick", "1,342"), ("Fenwick", "Dagny Thorvald", "2,718"),
          ("Quillan", "Osric Bellamy", "3,905"), ("Harrowgate", "Ysolde Carrick", "4,461"),
          ("Brackwater", "Tamsin Ollivant", "5,127"), ("Cindermoor", "Alaric Wetherby", "6,083")]


def event_article(k: int, outlet: int) -> object:
    """An article of event k by one of two outlets: the topic's words, then the event's own names and figure."""
    town, official, figure = EVENTS[k]
    own = (f"{official} told the {town} council on Tuesday that the clinic would stay open late, and thanked "
           f"the volunteers who had queued outside the {town} library since dawn." if outlet else
           f"The {town} clinic, run by {official} since the spring, opened a second hall in the old {town} "
           f"library, where volunteers handed out leaflets.")
    body = "\n\n".join([TOPIC[outlet].format(town=town), f"In {town}, {official} said {figure} people were vaccinated at the {town} clinic "
                                f"this week.", own])
    return make(body, f"{town} clinic", f"Outlet{outlet}")


def stories_with(tmp_path, location, neighbours: int) -> tuple[dict[str, str], list[list]]:
    """The stories of the six events' twelve articles regrouped with this many neighbours."""
    pipe = Pipeline(tmp_path, {"stories": {"similarity": 0.99, "regroup_neighbours": neighbours}}, location)
    pairs = [[pipe.add_story(event_article(k, outlet))[1] for outlet in (0, 1)] for k in range(len(EVENTS))]
    regroup_unsent(pipe.corpus, pipe.config, pipe.corpus.unsent_articles(), set())
    stories = dict(pipe.corpus.db.execute("SELECT id, story_id FROM articles"))
    reasons = dict(pipe.corpus.db.execute("SELECT article_id, reason FROM story_members"))
    pipe.corpus.close()
    return stories | {"reasons": reasons}, pairs


def test_similarity_alone_chains_a_busy_topic(tmp_path, corpus_location):
    chained, pairs = stories_with(tmp_path, corpus_location, 0)
    assert len({chained[a.id] for pair in pairs for a in pair}) < len(EVENTS)


def test_the_crowding_rule_splits_a_busy_topic_into_its_events(tmp_path, corpus_location):
    split, pairs = stories_with(tmp_path, corpus_location, 10)
    for pair in pairs:
        assert split[pair[0].id] == split[pair[1].id]  # each event's two outlets stay together
    assert len({split[a.id] for pair in pairs for a in pair}) == len(EVENTS)
    assert any("nearest neighbours" in r and "one topic, not one event" in r for r in split["reasons"].values())


def test_a_pair_alone_in_its_window_still_joins(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, {"stories": {"similarity": 0.99}}, corpus_location)  # the index founds a story per article
    first = pipe.add_story(event_article(0, 0))[1]
    pipe.add_story(make(GARDEN, "Record apple harvest in Hebden Bridge"))
    second = pipe.add_story(event_article(0, 1))[1]
    assert pipe.story_of(first) != pipe.story_of(second)
    regroup_unsent(pipe.corpus, pipe.config, pipe.corpus.unsent_articles(), set())
    assert pipe.story_of(first) == pipe.story_of(second)  # missing neighbours count as 0, not as a crowd
    pipe.corpus.close()


def test_the_dedup_report_lists_merges_and_stories_kept_apart(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, {"stories": {"similarity": 0.99}}, corpus_location)  # the index founds a story per article
    first, second = report(0), report(1)
    one = wire("DAHLBERG INC <DAHL> 4TH QTR NET", EARNINGS.format(a=10, b="286,870", c="10.1"))
    other = wire("COBANCO INC <CBCO> 4TH QTR NET", EARNINGS.format(a=12, b="301,450", c="10.4"))
    for a in (first, second, one, other):
        pipe.add_story(a)
    regroup_unsent(pipe.corpus, pipe.config, pipe.corpus.unsent_articles(), set())
    stories = {s["id"]: s for s in audit.report(pipe.corpus, None, None)["stories"]}
    merged = stories[pipe.story_of(first)]
    assert merged["merges"] and "merges 2 stories of the index" in merged["merges"][0]["merge"]
    for this, that in ((one, other), (other, one)):  # each of the two says which it was kept apart from
        earnings = stories[pipe.story_of(this)]
        assert [a["story_id"] for a in earnings["kept_apart"]] == [pipe.story_of(that)]
        assert "different companies" in earnings["kept_apart"][0]["why"]
        assert not earnings["merges"]
    pipe.corpus.close()
