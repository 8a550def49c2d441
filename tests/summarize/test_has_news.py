"""has_news (the novelty check alone) answers as condensing would: a lede exists exactly when a
story's new articles carry a sentence the texts sent before do not."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from helpers.condense import config

from digest.models import Article
from digest.summarize.condense import condense, has_news
from digest.summarize.novelty import article_texts

SENT = """The train drivers' union called off its national strike after overnight talks with the state operator.

Union leader Greta Sandoval said drivers had won a 6.5 percent pay rise over two years and the hiring of 400 new drivers.
"""
RETOLD = """Rail drivers will get a 6.5 percent pay rise over two years and 400 new colleagues, union leader Greta Sandoval said after the union called off its national strike.
"""
VOTE = """Train drivers voted to accept the pay agreement in a union ballot, with 82 percent of members in favour, the union announced on Saturday.
"""


def _article(id_: str, body: str) -> Article:
    return Article(id=id_, title="Rail drivers and the pay deal", outlet=f"Outlet {id_}", body=body, language="en",
                   published=datetime(2026, 3, 7, 8, tzinfo=timezone.utc))


@pytest.mark.parametrize("bodies, news", [([RETOLD], False), ([VOTE], True), ([RETOLD, VOTE], True), ([SENT], False)])
def test_has_news_agrees_with_condensing(bodies, news):
    known = article_texts([_article("old", SENT)])
    articles = [_article(f"n{i}", body) for i, body in enumerate(bodies)]
    condensed = condense(articles, config(), known)
    assert bool(condensed.lede or condensed.sections) is news
    assert has_news(articles, config(), known) is news


def test_without_known_texts_any_sentence_is_news():
    assert has_news([_article("n", VOTE)], config(), ())
