"""A story over [summary] max_articles_read lists every article but condenses a capped set:
distinct outlets first, then the most central and newest; the reader is told how many were read."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from helpers.condense import config, seed_articles

from digest.build import make_stories
from digest.errors import ConfigError
from digest.jsonio import digest_from_dict, digest_to_dict
from digest.models import Article, Digest
from digest.render import render_html, render_text
from digest.render.pdf import pdf_html
from digest.summarize.condense import condense

N, OUTLETS, CAP = 60, 5, 12


def big_story(n: int = N, outlets: int = OUTLETS) -> list[Article]:
    """n articles retelling the seed story (paragraphs rotated), from `outlets` outlets, a minute apart."""
    seeds = seed_articles()
    start = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        base = seeds[i % len(seeds)]
        paras = [p for p in base.body.split("\n") if p.strip()]
        k = (i // len(seeds)) % len(paras)
        out.append(dataclasses.replace(base, id=f"big{i:03d}", outlet=f"Outlet {i % outlets}",
                                       body="\n".join(paras[k:] + paras[:k]),
                                       published=start + timedelta(minutes=i)))
    return out


@pytest.fixture(scope="module")
def story():
    articles = big_story()
    stories, _ = make_stories({"s1": articles}, config(max_articles_read=CAP), set())
    return articles, stories[0]


def test_story_over_the_cap_lists_every_article_but_condenses_the_capped_set(story):
    articles, made = story
    assert made.articles == tuple(articles)
    assert made.read is not None and len(made.read) == CAP
    read = [a for a in articles if a.id in made.read]
    sources = {s for sec in made.sections for p in sec.points for s in p.sources}
    assert sources and sources <= set(made.read)
    alone = condense(read, config(max_articles_read=CAP))
    assert (made.title, made.lede, made.sections) == (alone.title, alone.lede, alone.sections)


def test_distinct_outlets_are_read_first(story):
    articles, made = story
    outlets = {a.outlet for a in articles if a.id in made.read}
    assert outlets == {f"Outlet {i}" for i in range(OUTLETS)}
    few = condense(big_story(), config(max_articles_read=OUTLETS))
    assert len({a.outlet for a in big_story() if a.id in few.read}) == OUTLETS


def test_sentence_cap_bounds_what_is_read():
    articles = big_story()
    condensed = condense(articles, config(max_articles_read=1000, max_sentences_read=200))
    assert condensed.read is not None and 1 <= len(condensed.read) < len(articles)
    assert len(condensed.read) < 200 / 20  # the seed articles have well over 20 sentences each


def test_story_under_the_cap_reads_every_article():
    articles = big_story(8)
    condensed = condense(articles, config(max_articles_read=CAP))
    assert condensed.read is None


def test_outputs_say_how_many_articles_were_read(story):
    _, made = story
    digest = Digest(date=made.articles[0].published.date(), title="Digest", stories=(made,))
    said = f"from {N} articles, {CAP} read"
    assert said in " ".join(render_html(digest, config()).split())
    assert said in " ".join(render_text(digest, config()).split())
    assert said in " ".join(pdf_html(digest, config()).split())
    data = digest_to_dict(digest)
    assert data["stories"][0]["articles_read"] == CAP and len(data["stories"][0]["articles"]) == N
    assert digest_from_dict(data).stories[0].read == made.read


def test_cap_is_a_summary_option_with_a_range():
    assert config(max_articles_read=2).settings.summary.max_articles_read == 2
    with pytest.raises(ConfigError, match="max_articles_read"):
        config(max_articles_read=0)
