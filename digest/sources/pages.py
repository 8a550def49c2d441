"""Full-article pages for `full_article = true` feeds: a bounded number per feed and round, fetched at once.

A feed of 5,000 teasers must not keep the daily run busy for hours: at most
[feeds] max_pages_per_feed pages are fetched per feed per round, several at a time (the
client never holds more than [feeds] concurrency connections), and none past the round's
deadline. Entries whose page was not fetched are left for the next round (None here).
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import httpx

from digest.errors import InputError
from digest.models import Article
from digest.sources.http import Limits, http_get, round_over

log = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html,*/*;q=0.8"


def full_article(article: Article, client: httpx.Client, limits: Limits, feed_url: str) -> Article | None:
    """Replace a teaser by the main text of the article page when that is longer; None: no time left this round.

    The page may be on a private address only if it is the host and port the feed is configured on.
    """
    from digest.sources.extract import html_to_article_fields

    if not article.url:
        return article
    if round_over(limits):
        return None
    try:
        page = http_get(client, article.url, limits, {"Accept": PAGE_ACCEPT}, trusted=feed_url)
        if page.status != 200:
            raise InputError(article.url, f"HTTP {page.status}")
        fields = html_to_article_fields(page.body, page.url)
    except Exception as exc:  # a page that cannot be read leaves the teaser, never fails the feed
        if round_over(limits):
            return None
        log.warning("%s: full article not fetched, keeping the feed's text (%s)", article.url, exc)
        return article
    if len(fields.text) <= len(article.body):
        return article
    return replace(article, body=fields.text, author=article.author or fields.author,
                   published=article.published if not article.published_is_guess else
                   (fields.published or article.published),
                   published_is_guess=article.published_is_guess and fields.published is None)


def full_articles(articles: list[Article], client: httpx.Client, limits: Limits,
                  feed_url: str) -> list[Article | None]:
    """The articles with their pages' text, in order; None for each entry left for the next round."""
    linked = [i for i, article in enumerate(articles) if article.url]
    chosen = linked[:limits.max_pages] if limits.max_pages else linked
    results: list[Article | None] = list(articles)
    for i in linked[len(chosen):]:
        results[i] = None
    if not chosen:
        return results
    with ThreadPoolExecutor(min(limits.concurrency, len(chosen)), "page") as pool:
        fetched = pool.map(lambda i: full_article(articles[i], client, limits, feed_url), chosen)
        for i, article in zip(chosen, fetched):
            results[i] = article
    return results
