"""A sentence that opens with a comma or a closing bracket is the tail of a cut sentence, not a point."""
from __future__ import annotations

import pytest

from digest.summarize.sentences import junk_reason


@pytest.mark.parametrize("text", [
    ", and Sen. Lisa Murkowski, R-Alaska, wrote a letter Monday calling on Congress to act.",
    "; the committee will vote on the bill again next week, its chair said.",
    ") said the committee would vote on the bill again next week.",
])
def test_the_tail_of_a_cut_sentence_is_a_fragment(text):
    assert junk_reason(text) == "fragment"


def test_a_whole_sentence_is_not():
    assert junk_reason("Sen. Lisa Murkowski wrote a letter Monday calling on Congress to act.") is None
