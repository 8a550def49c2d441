"""The tail of a cut sentence (opening with a comma or a closing bracket) is not a point, and a split that would leave one is undone."""
from __future__ import annotations

import pytest

from digest.summarize.sentences import junk_reason, split_sentences


@pytest.mark.parametrize("text", [
    ", and Sen. Lisa Murkowski, R-Alaska, wrote a letter Monday calling on Congress to act.",
    "; the committee will vote on the bill again next week, its chair said.",
    ") said the committee would vote on the bill again next week.",
])
def test_the_tail_of_a_cut_sentence_is_a_fragment(text):
    assert junk_reason(text) == "fragment"


def test_a_whole_sentence_is_not():
    assert junk_reason("Sen. Lisa Murkowski wrote a letter Monday calling on Congress to act.") is None


def test_a_state_after_a_senators_party_does_not_end_the_sentence():
    text = ("Sen. Joe Manchin, D-W.Va., and Sen. Lisa Murkowski, R-Alaska, wrote a letter Monday calling on "
            "Congress to reauthorize the Voting Rights Act. Both senators want a debate.")
    assert split_sentences(text, "en") == (
        "Sen. Joe Manchin, D-W.Va., and Sen. Lisa Murkowski, R-Alaska, wrote a letter Monday calling on "
        "Congress to reauthorize the Voting Rights Act.", "Both senators want a debate.")
