"""An "also" entry marked "(update)" carries something new: a sent story whose new articles
only retell what was sent is not listed again; one with a new fact is."""
from __future__ import annotations

from datetime import date, datetime, timezone

from helpers.condense import config

from digest.build import make_stories
from digest.models import Article
from digest.summarize.novelty import Sent, article_texts

YESTERDAY = """The train drivers' union called off its national strike after overnight talks with the state operator.

Union leader Greta Sandoval said drivers had won a 6.5 percent pay rise over two years and the hiring of 400 new drivers.

Transport minister Karel Novak said ticket prices would not rise this year despite the cost of the deal.
"""

RETOLD = """Rail drivers will get a 6.5 percent pay rise over two years and 400 new colleagues, union leader Greta Sandoval said after the union called off its national strike.

Transport minister Karel Novak said ticket prices would not rise this year despite the cost of the deal.
"""

VOTE = """Train drivers voted to accept the pay agreement in a union ballot, with 82 percent of members in favour and turnout of 71 percent, the union announced on Saturday.

Transport minister Karel Novak said ticket prices would not rise this year despite the cost of the deal.
"""

FLOOD = """River levels in the northern valley rose above the warning mark on Saturday after three days of heavy rain, the water agency said.

Emergency crews moved 1,200 residents from low-lying streets to school halls overnight, the regional council said.

Forecasters expect the rain to ease on Sunday, but the agency said levels would stay high until Tuesday.
"""


def _article(id_: str, title: str, outlet: str, body: str) -> Article:
    return Article(id=id_, title=title, outlet=outlet, body=body, language="en",
                   published=datetime(2026, 3, 7, 8, tzinfo=timezone.utc))


def _listed(rail_body: str):
    """The stories and "also" entries of a one-story digest: three outlets on the flood lead, the
    rail story (sent yesterday) comes after the budget."""
    groups = {
        "flood": [_article(f"f{i}", "Northern valley river over warning mark", f"Outlet {i}", FLOOD) for i in range(3)],
        "rail": [_article("r1", "Rail drivers and the pay deal", "Harbour Gazette", rail_body)],
    }
    yesterday = _article("r0", "Rail strike called off", "Metro News", YESTERDAY)
    sent = {"rail": Sent(date(2026, 3, 6), tuple(article_texts([yesterday])))}
    return make_stories(groups, config(stories_per_digest=1), sent)


def test_a_sent_story_retold_with_nothing_new_is_not_listed_again_under_also():
    stories, also = _listed(RETOLD)
    assert [s.id for s in stories] == ["flood"]
    assert also == []


def test_a_sent_story_with_a_new_fact_is_listed_under_also_as_an_update():
    stories, also = _listed(VOTE)
    assert [s.id for s in stories] == ["flood"]
    [rail] = also
    assert rail.id == "rail" and rail.is_update and rail.first_sent == date(2026, 3, 6)
