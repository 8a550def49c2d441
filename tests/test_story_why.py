"""Story decisions say which member an article matched and on what evidence."""
from __future__ import annotations

import re

from test_story_chains import report


def test_a_join_names_the_closest_member_and_the_terms_they_share(pipe):
    first, second = report(0), report(1)
    pipe.add_story(first)
    decision, _ = pipe.add_story(second)
    assert not decision.is_new and decision.matched_article_id == first.id
    shared = re.search(r"sharing ([^;)]+)", decision.reason)
    assert shared, decision.reason
    terms = [t.strip() for t in shared.group(1).split(",")]
    assert 3 <= len(terms) <= 5
    for term in terms:  # each one is in both texts (headline or body)
        for article in (first, second):
            assert term in f"{article.title}\n{article.body}".casefold()
