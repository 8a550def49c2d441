"""Stories that do not chain: an article joins on evidence against a story's members (and `why` names it), and a story's span is bounded."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from helpers.pipeline import Pipeline

from digest.models import Article
from digest.stories.index import new_story_id
from digest.text.hashing import content_hash

# One slowly moving topic: the article of day k tells sentences k to k+3, so the reports of two
# days in a row share three quarters of their text and the first and the last share nothing but
# the places and the water company.
DROUGHT = [
    "Engineers from Corvale Water measured Lake Mirren at {n} metres below its normal level.",
    "Farmers in the Harrowdale valley said irrigation quotas had been cut for the {n}th time.",
    "The Mirren dam operator opened sluice gate number {n} to keep the river Tessel flowing.",
    "Mayor Olwen Pryce asked residents of Brackwick to save water in the {n} coming days.",
    "Fishermen reported {n} tonnes of dead trout in the shallows near Kestle pier.",
    "Corvale Water said a tanker fleet of {n} lorries would supply the hill villages.",
    "The regional council of Harrowdale approved an emergency fund of {n} million pounds.",
    "Hydrologist Anjali Mereweather said the aquifer under Brackwick had fallen {n} centimetres.",
    "Schools in Kestle closed their swimming pools for {n} weeks to save water.",
    "The Tessel ferry between Kestle and Brackwick stopped after the river fell {n} metres.",
    "Wildfire crews from Harrowdale fought {n} moorland fires above Lake Mirren.",
    "Brewers in Brackwick said production was down {n} percent because of water limits.",
    "A hosepipe ban covering {n} thousand homes in the Mirren basin took effect at midnight.",
    "Ecologists counted {n} stranded swans at the Mirren bird reserve.",
    "Corvale Water shares fell {n} percent after the company cut its profit forecast.",
    "Anglers' union leader Dai Rowntree said {n} clubs had cancelled their season.",
    "The Met Office said Harrowdale had seen {n} days without measurable rain.",
    "Hospitals in Kestle installed {n} emergency water tanks.",
    "Vineyards on the Tessel slopes started harvesting {n} days early.",
    "The Mirren basin drought committee met for the {n}th time since spring.",
    "Bottled water sales in Brackwick rose {n} percent in a week.",
    "Volunteers handed out {n} thousand litres of water at Kestle market.",
    "The Harrowdale canal was closed to {n} narrowboats.",
    "Corvale Water chief executive Ivo Stannard apologised to {n} thousand customers.",
]
START = datetime(2022, 3, 1, 9, tzinfo=timezone.utc)


def report(k: int) -> Article:
    """The drought report of day k (k days after START)."""
    body = "\n\n".join(DROUGHT[(k + i) % len(DROUGHT)].format(n=k + i + 2) for i in range(4))
    digest_hex = content_hash(body)
    when = START + timedelta(days=k)
    return Article(id="a" + digest_hex[:15], title=f"Lake Mirren drought, day {k + 1}", outlet=f"Outlet{k % 3}",
                   body=body, content_hash=digest_hex, language="en", published=when, ingested_at=when)


def test_a_chain_of_daily_reports_does_not_carry_a_story_twenty_days(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, location=corpus_location)
    reports = [report(k) for k in range(21)]
    for article in reports:
        pipe.add_story(article)
    first = pipe.story_of(reports[0])
    assert first == new_story_id(reports[0])
    assert pipe.story_of(reports[1]) == first  # the next day's report, mostly the same text, joins
    assert pipe.story_of(reports[20]) != first  # twenty days later: not through the chain
    pipe.corpus.close()


def test_no_story_spans_more_than_max_span_days(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, location=corpus_location, settings={"stories": {"max_span_days": 5}})
    reports = [report(k) for k in range(21)]
    for article in reports:
        pipe.add_story(article)
    ends = pipe.corpus.db.execute("SELECT story_id, min(day), max(day) FROM story_members GROUP BY story_id").fetchall()
    spans = [(date.fromisoformat(last) - date.fromisoformat(first)).days for _, first, last in ends]
    assert len(spans) >= 4 and max(spans) <= 5
    pipe.corpus.close()


def test_ids_stay_stable_when_a_story_closes(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, location=corpus_location)
    reports = [report(k) for k in range(12)]
    decided = [pipe.add_story(article)[0].story_id for article in reports]
    assert [pipe.story_of(a) for a in reports] == decided  # no later article moved an earlier one
    assert decided[0] == new_story_id(reports[0])
    pipe.corpus.close()


def test_a_join_names_the_closest_member_and_the_terms_they_share(pipe):
    first, second = report(0), report(1)
    pipe.add_story(first)
    decision, _ = pipe.add_story(second)
    assert not decision.is_new and decision.matched_article_id == first.id
    shared = re.search(r"sharing ([^;)]+)", decision.reason)
    assert shared, decision.reason
    terms = [t.strip() for t in shared.group(1).split(",")]
    assert 3 <= len(terms) <= 5
    for term in terms:  # each one is in both texts (headline or body)
        for article in (first, second):
            assert term in f"{article.title}\n{article.body}".casefold()
