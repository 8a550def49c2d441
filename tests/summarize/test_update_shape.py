"""An update's shape: one list of what is new (no speaker sections) led by the opening of the most
central new article, as news writing puts an article's news first."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from helpers.condense import config

from digest.models import Article, SectionKind
from digest.summarize.condense import condense
from digest.summarize.novelty import article_texts, central_article

SENT = """The harbour council began debating the budget for a new tram line on Monday.

Councillors said the vote would come later in the week after the finance committee reported."""

NEW = {
    "vote": """The harbour council approved a 40 million euro budget for the new tram line on Thursday, by 31 votes to 12.

Mayor Ilse Brandt said the tram line would carry its first passengers in the spring of 2028.

Mayor Ilse Brandt said construction of the tram depot would begin in September near the old shipyard.

Mayor Ilse Brandt said a single tram ticket would cost the same as a bus ticket, two euros.

The tram line will link the station, the university and the shipyard with eleven stops.""",
    "report": """Councillors voted 31 to 12 on Thursday to approve the 40 million euro tram line budget after a three-day debate.

The first passengers will ride the tram line in spring 2028, Mayor Ilse Brandt told reporters.

Work on the tram depot near the old shipyard starts in September, Mayor Ilse Brandt told reporters.

Tram tickets will cost two euros, the same as a bus ticket, Mayor Ilse Brandt told reporters.

Eleven stops will link the station, the university and the shipyard on the new tram line.""",
    "weather": """The harbour council approved the 40 million euro tram line budget on Thursday as heavy rain hit the district.

The ferry to the islands was cancelled for the second day running because of gale-force wind.

Ferry services are expected to resume on Saturday if the wind drops below gale force.

Flooding closed two streets in the old town near the fish market overnight.""",
}


def _articles() -> list[Article]:
    return [Article(id=key, title="Harbour tram line", outlet=f"Outlet {key}", body=body, language="en",
                    published=datetime(2026, 3, 12, 9 + i, tzinfo=timezone.utc))
            for i, (key, body) in enumerate(NEW.items())]


def test_an_update_lists_its_new_points_without_speaker_sections():
    first = condense(_articles(), config())
    assert any(s.kind is SectionKind.SPEAKER for s in first.sections)  # read afresh, the mayor has a section
    update = condense(_articles(), config(), article_texts([Article(id="old", title="Tram budget debate",
                                                                    outlet="Outlet old", body=SENT, language="en")]))
    assert update.lede and update.sections
    assert not any(s.kind is SectionKind.SPEAKER for s in update.sections)
    points = [p.text for s in update.sections for p in s.points]
    assert any("Ilse Brandt" in p for p in points)  # the mayor's points stay, attributed in their text


def test_an_updates_lede_is_the_opening_of_the_most_central_new_article():
    known = article_texts([Article(id="old", title="Tram budget debate", outlet="Outlet old", body=SENT, language="en")])
    update = condense(_articles(), config(), known)
    assert update.lede.startswith("The harbour council approved a 40 million euro budget")
    assert "rain" not in update.lede  # (the most central single opening, the lede before, is "Councillors voted")


def test_the_central_article_has_the_highest_mean_salience_among_those_offered():
    articles, scores = [0, 0, 1, 1, 2], [0.9, 0.1, 0.6, 0.5, 0.95]
    assert central_article(articles, scores, {0, 1, 2}) == 2
    assert central_article(articles, scores, {0, 1}) == 1  # 0.55 against 0.5: a single high sentence is not enough


def _saturday(key: str, body: str) -> Article:
    return Article(id=key, title="Harbour tram line contract", outlet=f"Outlet {key}", language="en", body=body,
                   published=datetime(2026, 3, 14, 9, tzinfo=timezone.utc))


def test_an_update_over_several_days_opens_with_the_first_new_days_news():
    known = article_texts([Article(id="old", title="Tram budget debate", outlet="Outlet old", body=SENT, language="en")])
    later = [_saturday("sat1", "Contractors signed the 40 million euro contract to build the harbour tram line on Saturday.\n\n"
                               "The tram line contract covers the depot near the old shipyard and eleven stops."),
             _saturday("sat2", "The harbour tram line contract, worth 40 million euros, was signed by contractors on Saturday.\n\n"
                               "The contract covers eleven tram stops and the tram depot near the old shipyard.")]
    undated = [replace(a, published=None) for a in _articles() + later]
    assert "Saturday" in condense(undated, config(), known).lede  # read as one day, Saturday's contract leads
    update = condense(_articles() + later, config(), known)
    assert update.lede.startswith("The harbour council approved a 40 million euro budget")  # Thursday's news first
    assert any("contract" in p.text for s in update.sections for p in s.points)  # Saturday's follows


def test_the_first_new_days_articles_are_the_ones_offered_when_dated():
    articles, scores = [0, 1, 2], [0.2, 0.9, 0.5]
    days = [date(2026, 3, 12), date(2026, 3, 14), date(2026, 3, 12)]
    assert central_article(articles, scores, {0, 1, 2}, days) == 2
    assert central_article(articles, scores, {0, 1, 2}) == 1
