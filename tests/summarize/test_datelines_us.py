"""US papers' datelines (the place alone before a long dash) are gone from sentences; acronyms stay."""
from __future__ import annotations

import pytest

from digest.summarize.sentences import split_sentences

SENTENCE = "President Joe Biden blamed the previous administration for the problems at the border."


@pytest.mark.parametrize("dateline", ["WASHINGTON — ", "EL PASO, Texas -- ", "NEW YORK – ",
                                      "LOS ANGELES, Calif. — ", "МОСКВА — "])
def test_a_place_before_a_long_dash_is_a_dateline(dateline):
    assert split_sentences(dateline + SENTENCE, "en") == (SENTENCE,)


@pytest.mark.parametrize("opening", ["FBI — agents searched the house on Tuesday morning.",
                                     "WASHINGTON - the city council voted on Tuesday.",
                                     "He said — and meant it — that the talks were over."])
def test_a_short_acronym_or_a_hyphen_is_not(opening):
    assert split_sentences(opening, "en") == (opening,)
