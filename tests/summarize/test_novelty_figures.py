"""A sentence that repeats yesterday's wording with new figures is news: it is not counted as sent."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from digest.config import from_mapping
from digest.models import Article
from digest.summarize import novelty
from digest.summarize.condense import condense

SENT = ["Initial claims in regular state programs increased by 37,000 to 412,000 in the week ended June 19.",
        "The median estimate in a Bloomberg survey of economists called for 380,000 applications."]

NEW = """Applications for state unemployment insurance fell for the first time in three weeks as hiring picked up.

Initial claims in regular state programs decreased by 51,000 to 364,000 in the week ended June 26.

The median estimate in a Bloomberg survey of economists called for 380,000 applications."""


def _texts(condensed) -> list[str]:
    return [condensed.lede] + [p.text for s in condensed.sections for p in s.points]


def test_new_figures_in_old_wording_are_sent_and_old_figures_are_not():
    article = Article(id="n1", title="Jobless claims fall", outlet="Wire", body=NEW, language="en")
    texts = _texts(condense([article], from_mapping({}, Path(".")), known=SENT))
    assert any("364,000" in t for t in texts)
    assert not any("380,000" in t for t in texts)


def test_a_figure_is_new_only_when_no_known_text_states_it():
    texts = ["Claims fell to 364,000.", "Claims were 412000 last week.", "Claims were 412,000 last week."]
    gone = novelty.carried(texts, np.ones(3), SENT, 0.6)
    assert gone.tolist() == [False, True, True]
