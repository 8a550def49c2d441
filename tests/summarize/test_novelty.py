"""What an update adds: a sentence is known when one sentence sent before holds most of its content."""
from __future__ import annotations

from pathlib import Path

from digest.config import from_mapping
from digest.models import Article
from digest.summarize.condense import condense

SENT = ["Union leader Greta Sandoval said drivers had won a 6.5 percent pay rise over two years.",
        "Transport minister Karel Novak said ticket prices would not rise this year."]

NEW = """Train drivers voted to accept the pay agreement, with 82 percent of members in favour and a turnout of 71 percent.

Union leader Greta Sandoval said on Saturday that drivers had won a 6.5 percent pay rise over two years, as agreed.

Transport minister Karel Novak said ticket prices would not rise this year despite the cost of the deal."""


def _article() -> Article:
    return Article(id="n1", title="Drivers accept rail pay deal", outlet="Harbour Gazette", body=NEW, language="en")


def _texts(condensed) -> list[str]:
    return [condensed.lede] + [p.text for s in condensed.sections for p in s.points]


def test_sentences_sent_before_are_left_out_even_with_a_few_words_added():
    config = from_mapping({}, Path("."))
    plain = _texts(condense([_article()], config))
    assert any("6.5 percent" in t for t in plain)  # without what was sent, the pay rise is a point
    update = condense([_article()], config, known=SENT)
    assert "82 percent" in update.lede
    assert not any("6.5 percent" in t or "ticket prices" in t for t in _texts(update))


def test_a_lower_update_repeat_leaves_out_more():
    config = from_mapping({"summary": {"update_repeat": 0.05}}, Path("."))
    strict = condense([_article()], config, known=SENT)
    assert "82 percent" in strict.lede and strict.sections == ()  # only the sentence with new figures is new
    counted = condense([_article()], config, known=SENT + ["The ballot: 82 percent in favour, 71 percent turnout."])
    assert counted.lede == "" and counted.sections == ()  # nothing counts as new: the story has nothing to send
