"""A quotation two outlets both carry is strong evidence that their articles tell one story."""
from __future__ import annotations

from datetime import datetime, timezone

from helpers.pipeline import Pipeline

from digest.models import Article
from digest.stories.terms import article_terms
from digest.text.hashing import content_hash

WHEN = datetime(2021, 6, 9, 14, tzinfo=timezone.utc)
LEFT = """The governor of the state signed the measure late on Tuesday after weeks of wrangling among
lawmakers over the cost of the programme and the way it would be paid for in future budgets.
"We are not going to leave a single family behind when the water runs dry this summer," Governor
Adaeze Okonkwo said at the signing ceremony. Critics said the plan relied on optimistic forecasts
of tax receipts and would need to be revisited within two years if the economy slowed down.
Reservoirs in the northern counties are at their lowest since records began in 1952, and the
utility commission has asked households to cut use by a fifth. Farmers in the Cordell basin
have already sold part of their herds, and three towns truck in water twice a week.
Meteorologists expect no significant rain before September."""
RIGHT = """Opponents of the spending package warned on Wednesday that taxpayers would foot the bill
for years, after the state's chief executive put her name to a drought relief law that passed
the legislature by a narrow margin. "We are not going to leave a single family behind when the
water runs dry this summer," said Okonkwo, whose office expects the first payments in July.
Business groups asked for an audit of the fund before any money is spent on farms or towns.
The Chamber of Commerce said the levy on industrial users would push manufacturers across the
border, costing as many as 4,000 jobs by 2023. Senate minority leader Travis Whitcombe called
the vote rushed and promised hearings on the programme's administration next spring."""


def article(body: str, title: str, outlet: str) -> Article:
    """A finished article of 9 June 2021."""
    digest_hex = content_hash(body)
    return Article(id="a" + digest_hex[:15], title=title, outlet=outlet, body=body,
                   content_hash=digest_hex, language="en", published=WHEN, ingested_at=WHEN)


def test_a_quote_shared_by_two_outlets_joins_their_articles(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, location=corpus_location)
    left = article(LEFT, "Governor signs drought aid into law", "Left Daily")
    right = article(RIGHT, "Critics slam costly relief package", "Right Times")
    pipe.add_story(left)
    decision, _ = pipe.add_story(right)
    assert pipe.story_of(left) == pipe.story_of(right)
    assert "quotation" in decision.reason


def test_a_quote_is_a_term_of_its_own():
    terms = article_terms(article(LEFT, "Governor signs drought aid into law", "Left Daily"))
    assert sum(1 for term in terms if term.startswith("quote:")) == 1
