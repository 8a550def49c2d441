"""Templates are not stories: wire reports of one template about different entities stay apart."""
from __future__ import annotations

from datetime import datetime, timezone

from helpers.pipeline import Pipeline

from digest.models import Article
from digest.stories.link import different_entities
from digest.text.hashing import content_hash

WHEN = datetime(1987, 3, 2, 15, tzinfo=timezone.utc)
EARNINGS = """Shr profit {a} cts vs loss seven cts
Net profit {b} vs loss 156,124
Revs {c} mln vs 9.8 mln
Year
Shr profit 41 cts vs loss 22 cts
Net profit 1,102,000 vs loss 512,000
Revs 41.2 mln vs 38.9 mln
Note: Period ended December 31. Results include a gain from the sale of a unit.
The company said fourth quarter results reflected higher sales of its products and lower
interest costs after it refinanced its debt during the year.
Reuter"""
CATTLE = """Cattle receipts at the {place} stockyards were estimated at {n} head, USDA said.
Slaughter steers were 0.50 to 1.00 dlr higher in active trade, heifers steady to 0.50 dlr up.
Steers choice two-four 1,000 to 1,250 lbs 62.00 to 63.50 dlrs, heifers choice 60.00 to 61.50.
Cows were steady, utility and commercial 40.00 to 44.00 dlrs, canner and cutter 37.00 to 41.00.
Bulls one-two 1,500 to 2,000 lbs 47.00 to 50.00 dlrs. Feeder cattle were mostly steady. Reuter"""


def wire(title: str, body: str) -> Article:
    """A Reuters wire report of 2 March 1987."""
    digest_hex = content_hash(body)
    return Article(id="a" + digest_hex[:15], title=title, outlet="Reuters", body=body,
                   content_hash=digest_hex, language="en", published=WHEN, ingested_at=WHEN)


def test_two_earnings_reports_of_different_companies_are_two_stories(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, location=corpus_location)
    first = wire("DAHLBERG INC <DAHL> 4TH QTR NET", EARNINGS.format(a=10, b="286,870", c="10.1"))
    second = wire("COBANCO INC <CBCO> 4TH QTR NET", EARNINGS.format(a=12, b="301,450", c="10.4"))
    pipe.add_story(first)
    decision, _ = pipe.add_story(second)
    assert pipe.story_of(first) != pipe.story_of(second)
    assert "different companies" in decision.reason
    pipe.corpus.close()


def test_an_update_of_one_companys_report_joins_its_story(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, location=corpus_location)
    first = wire("DAHLBERG INC <DAHL> 4TH QTR NET", EARNINGS.format(a=10, b="286,870", c="10.1"))
    update = wire("DAHLBERG INC <DAHL> 4TH QTR NET - CORRECTED", EARNINGS.format(a=11, b="296,870", c="10.1"))
    pipe.add_story(first)
    pipe.add_story(update)
    assert pipe.story_of(first) == pipe.story_of(update)
    pipe.corpus.close()


def test_market_reports_of_two_towns_are_two_stories(tmp_path, corpus_location):
    pipe = Pipeline(tmp_path, location=corpus_location)
    sioux = wire("SIOUX CITY CATTLE UP 0.50/1.00 DLR - USDA", CATTLE.format(place="Sioux City", n="4,500"))
    omaha = wire("OMAHA CATTLE UP 0.50/1.00 DLR - USDA", CATTLE.format(place="Omaha", n="5,200"))
    pipe.add_story(sioux)
    pipe.add_story(omaha)
    assert pipe.story_of(sioux) != pipe.story_of(omaha)
    pipe.corpus.close()


def test_headlines_of_one_event_in_other_words_are_not_different_entities():
    assert different_entities("Israel, Hamas agree to ceasefire", "Hamas and Israel agree to a cease-fire") == ""
    assert different_entities("Biden signs infrastructure bill", "President Biden signs $1 trillion bill") == ""
    assert different_entities("Police arrest suspect in Boulder shooting",
                              "Authorities arrest suspect in Boulder shooting") == ""
