"""Furniture the cleaner keeps since issue 18 (copyright and syndication lines) is still never a key point."""
from __future__ import annotations

from digest.summarize.sentences import junk_reason


def test_copyright_and_syndication_sentences_are_boilerplate():
    for sentence in ("© 2024 Riverside Gazette. All rights reserved.",
                     "Distributed by Regional Wire.",
                     "To unsubscribe from syndication alerts, reply STOP."):
        assert junk_reason(sentence) == "boilerplate", sentence


def test_a_sentence_about_subscriptions_in_the_news_is_kept():
    assert junk_reason("The streaming service said paying subscribers rose by four million in March.") is None
