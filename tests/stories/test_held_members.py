"""The story index holds at most `[stories] held_members` members in memory (issue 13 item 4):
past the limit only the most recent arrivals of the window stay comparable, so a large undated
import (all of it arriving within every article's window) cannot grow ingest memory without bound."""
from __future__ import annotations

import random
import string
from dataclasses import replace
from datetime import datetime, timezone

from helpers.pipeline import Pipeline
from helpers.stories import GARDEN, make

RETOLD = """Heritage apple growers in Hebden Bridge say this has been their best year yet: Margaret
Ollerton, who keeps the allotment society's orchard, counted more than 40 varieties in fruit,
some of them for the first time since the orchard was replanted in 1998.

The growers' society will turn the surplus apples into juice at the community hall on Saturday
and sell grafted saplings to pay for a new tool shed, Ollerton said."""

ARRIVED = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)


def undated(body: str, title: str, outlet: str, minute: int):
    """An article with no date of its own: its day is a guess, it arrived this morning."""
    when = ARRIVED.replace(minute=minute % 60, hour=8 + minute // 60)
    return replace(make(body, title, outlet), published=when, ingested_at=when, published_is_guess=True)


def filler(rng: random.Random, n: int):
    """An unrelated undated report of made-up words (no story joins another)."""
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 9))) for _ in range(90)]
    body = "\n\n".join(" ".join(words[i:i + 30]).capitalize() + "." for i in range(0, 90, 30))
    return undated(body, " ".join(words[:6]).capitalize(), "Filler Wire", n)


def ingest_told_twice(tmp_path, corpus_location, settings):
    """The garden story, 130 unrelated undated reports, the garden story retold; the pipeline, the
    largest number of members memory held after any article, and the two articles' stories."""
    pipe = Pipeline(tmp_path, settings, location=corpus_location)
    first = undated(GARDEN, "Record heritage apple harvest in Hebden Bridge", "Valley Post", 0)
    pipe.add_story(first)
    rng, held = random.Random(3), 0
    for n in range(1, 131):
        pipe.add_story(filler(rng, n))
        held = max(held, len(pipe.stories._members))
    retold = undated(RETOLD, "Hebden Bridge orchard has its best apple year", "Calder Times", 140)
    decision, _ = pipe.add_story(retold)
    return pipe, held, pipe.story_of(first), decision


def test_under_the_limit_a_retelling_joins_the_story_it_arrived_with(tmp_path, corpus_location):
    _, held, garden, decision = ingest_told_twice(tmp_path, corpus_location, None)
    assert held == 131  # every undated arrival of the day is held: the window is whole
    assert decision.story_id == garden and not decision.is_new


def test_past_the_limit_memory_holds_only_the_newest_arrivals(tmp_path, corpus_location):
    pipe, held, garden, decision = ingest_told_twice(tmp_path, corpus_location, {"stories": {"held_members": 100}})
    assert held <= 101  # refilled to three quarters of the limit each time it is passed
    # the garden story arrived first: past the limit it is no longer compared, the retelling starts a story
    assert decision.is_new and decision.story_id != garden
    # what memory holds are the latest arrivals, in one unbroken run up to the retelling
    arrived = [pipe.corpus.article(aid).ingested_at for aid in pipe.stories._members]
    assert len(arrived) <= 101 and min(arrived) > ARRIVED
