"""An article is compared with at most `[stories] compared_members` of a story (issue 13 item 5): the
newest of them, so joining a very large story costs what joining a small one does, and a story over
the cap still takes a retelling of its latest news."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from itertools import combinations

from helpers.pipeline import Pipeline
from helpers.stories import make

from digest.stories.index import When

START = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)
# one event told by many outlets: each report takes four of these, no two reports the same four
EVENT = [
    "Flood water breached the Calder embankment at Mytholmroyd early on Tuesday, Yorkshire Water said.",
    "About 340 homes in Mytholmroyd were evacuated as the Calder rose 2.4 metres in six hours.",
    "Fire crews from Halifax and Todmorden used boats to reach residents stranded on Burnley Road.",
    "The Environment Agency issued 14 severe flood warnings along the Calder valley overnight.",
    "Rainfall of 118 millimetres fell on the Pennine moors above Mytholmroyd in 36 hours.",
    "Calderdale council opened rest centres at Mytholmroyd community centre and Hebden Bridge town hall.",
    "Network Rail closed the Calder Valley line between Todmorden and Sowerby Bridge after the flood.",
    "Residents of Mytholmroyd said the embankment had been repaired only in 2019 after the last flood.",
    "Yorkshire Water engineers were inspecting the breached Calder embankment with drones, it said.",
    "The Met Office amber warning for rain over the Pennines runs until Wednesday evening.",
]
# the news of the last hours: a second breach downstream, at Sowerby Bridge
LATEST = [
    "A second embankment gave way at Sowerby Bridge on Wednesday, flooding the Wharf Street canal basin.",
    "Engineers said the Sowerby Bridge breach was 30 metres wide and pumps were sent from Leeds.",
    "Another 210 homes at Sowerby Bridge were evacuated after the second breach on the Calder.",
    "Calder flood defences at Sowerby Bridge had been due for a £12 million upgrade next year.",
]
RETOLD = ("Sowerby Bridge flooded on Wednesday when a second Calder embankment gave way by the Wharf Street "
          "canal basin, a day after the breach at Mytholmroyd: 210 more homes were evacuated, and pumps were "
          "sent from Leeds to the 30 metre breach.\n\nThe Environment Agency kept its severe flood warnings "
          "along the Calder valley, and the Calder Valley line stays closed.")


def report(i: int, sentences: list[str], picks: tuple[int, ...]):
    """Report i: the chosen sentences, from one of 50 outlets, a minute after report i - 1."""
    body = " ".join(sentences[p] for p in picks)  # one paragraph: no line of it is a seen line
    when = START + timedelta(minutes=i)
    article = make(body, sentences[picks[0]][:70], f"Outlet {i % 50}")
    return replace(article, published=when, ingested_at=when)


def ingest_event(tmp_path, corpus_location, settings):
    """60 reports of the flood, then 14 of its latest news; the pipeline, the story's id, the reports' ids."""
    pipe = Pipeline(tmp_path, settings, location=corpus_location)
    ids = []
    for i, picks in enumerate(list(combinations(range(len(EVENT)), 4))[:60]):
        ids.append(pipe.add_story(report(i, EVENT, picks))[1].id)
    told = list(combinations(range(len(EVENT)), 3))
    for k in range(14):  # a sentence of the latest news and three of the first
        picks = (k % len(LATEST), *(len(LATEST) + p for p in told[k]))
        ids.append(pipe.add_story(report(60 + k, LATEST + EVENT, picks))[1].id)
    return pipe, pipe.story_of(pipe.corpus.article(ids[0])), ids


def retell(pipe, monkeypatch):
    """Ingest the retelling of the latest news; its decision and how many members it was weighed against."""
    calls = []
    near = When.near
    monkeypatch.setattr(When, "near", lambda self, member, days: calls.append(member) or near(self, member, days))
    article = replace(make(RETOLD, "Second Calder breach floods Sowerby Bridge", "Valley Radio"),
                      published=START + timedelta(hours=3), ingested_at=START + timedelta(hours=3))
    decision, _ = pipe.add_story(article)
    return decision, len(calls)


def test_the_event_makes_one_story_larger_than_a_small_cap(tmp_path, corpus_location):
    pipe, story, ids = ingest_event(tmp_path, corpus_location, {"stories": {"compared_members": 20}})
    members = pipe.corpus.db.execute("SELECT count(*) FROM story_members WHERE story_id = ?", (story,)).fetchone()[0]
    assert members >= 60  # well past the cap of 20: every report joined the story


def test_over_the_cap_a_retelling_of_the_latest_news_joins_and_is_weighed_against_the_newest(
        tmp_path, corpus_location, monkeypatch):
    pipe, story, ids = ingest_event(tmp_path, corpus_location, {"stories": {"compared_members": 20}})
    decision, weighed = retell(pipe, monkeypatch)
    assert decision.story_id == story and not decision.is_new
    assert weighed <= 20  # the story's members listed for the comparison: the cap, not the story
    assert decision.matched_article_id in ids[60:]  # matched with a report of the latest news


def test_under_the_cap_every_member_of_the_window_is_weighed(tmp_path, corpus_location, monkeypatch):
    pipe, story, ids = ingest_event(tmp_path, corpus_location, None)
    decision, weighed = retell(pipe, monkeypatch)
    assert decision.story_id == story and not decision.is_new
    assert weighed >= 70  # the default cap, 200, does not bind: the same members as before it
