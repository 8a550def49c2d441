"""Story grouping on the real seed articles: one event, five outlets, one stable story."""
from __future__ import annotations

import itertools
import re
import shutil
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from helpers.paths import DATA, SEEDS
from helpers.pipeline import Pipeline
from helpers.stories import GARDEN, make, reference_counts

from digest.ingest.inbox import ingest
from digest.models import Article
from digest.store import workspace
from digest.store.audit import story_report
from digest.stories.index import new_story_id
from digest.stories.terms import article_terms

UNRELATED = (DATA / "catalonia-rail-strike.txt").read_text(encoding="utf-8")

FOLLOW_UP = """Kremlin weighs Washington's written reply on NATO

Russian Foreign Minister Sergey Lavrov said on Friday that the written response delivered by
the United States on Wednesday left Moscow's main concern unanswered: its demand that NATO
stop expanding eastward and rule out membership for Ukraine.

Lavrov told Russian radio stations that the document handed over by Ambassador John Sullivan
contained "rational grains" on secondary issues such as arms control and military exercises,
but that the American side kept insisting on NATO's open door policy.

U.S. Secretary of State Antony Blinken has said the reply sets out a serious diplomatic path,
and that Washington consulted Ukraine and its European allies before sending it. NATO Secretary
General Jens Stoltenberg delivered a separate reply from the alliance.

Kremlin spokesman Dmitry Peskov said President Vladimir Putin would study the American and NATO
responses before deciding on next steps, and that there was no reason for optimism yet."""

SITE_FOOTER = """

Subscribe to the Daily Courier newsletter. Follow the Daily Courier on Twitter, Facebook and
Instagram. Copyright Daily Courier Media Group, all rights reserved. Privacy policy, cookie
settings and terms of use apply to all readers of the Daily Courier website."""

def seed_articles(day: int = 27) -> list[Article]:
    """The five real seeds, or skip when shared/ is not beside the repo."""
    files = sorted(SEEDS.glob("*.txt"))
    if len(files) < 5:
        pytest.skip(f"seed articles not found in {SEEDS} (shared/ must sit next to the repo)")
    out = []
    for i, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.strip())
        out.append(make(text, title, outlet=f"Outlet{i}", day=day))
    return out




def test_five_seed_outlets_form_one_story_with_a_stable_id(pipe):
    articles = seed_articles()
    decisions = [pipe.add_story(a)[0] for a in articles]
    assert {pipe.story_of(a) for a in articles} == {new_story_id(articles[0])}
    assert decisions[0].is_new and not any(d.is_new for d in decisions[1:])
    for d in decisions[1:]:
        assert d.similarity >= 0.3 and d.matched_article_id in {a.id for a in articles}
        assert "cosine" in d.reason
    assert pipe.corpus.stats()["copies"] == 0


def test_seed_files_dropped_in_the_inbox_form_one_story(ws_config, seeds_dir):
    # two seeds carry a date line (27 January 2022), three do not (their date is the file's
    # modification time, a guess): a guessed date must not keep them out of the story
    for path in sorted(seeds_dir.glob("*.txt")):
        shutil.copy(path, ws_config.path("inbox") / path.name)
    with workspace.open_corpus(ws_config) as corpus:
        report = ingest(ws_config, corpus)
        articles = corpus.unsent_articles()
    assert len(report.added) == 5 and not report.copies and not report.duplicates
    assert {a.published_is_guess for a in articles} == {True, False}
    assert len({a.story_id for a in articles}) == 1


@pytest.mark.parametrize("order", list(itertools.islice(itertools.permutations(range(5)), 0, 120, 17)))
def test_seed_story_does_not_depend_on_arrival_order(pipe, order):
    articles = seed_articles()
    for i in order:
        pipe.add_story(articles[i])
    # one story, and merges keep the id of the first story created
    assert {pipe.story_of(a) for a in articles} == {new_story_id(articles[order[0]])}


def test_unrelated_event_is_a_separate_story(pipe):
    articles = seed_articles()
    for article in articles:
        pipe.add_story(article)
    decision, stored = pipe.add_story(make(UNRELATED, "Rail strike halts Barcelona commuter trains"))
    assert decision.is_new and stored.story_id != pipe.story_of(articles[0])
    assert decision.similarity is None or decision.similarity < 0.3


def test_follow_up_two_days_later_joins_the_story(pipe):
    articles = seed_articles()
    for article in articles:
        pipe.add_story(article)
    decision, stored = pipe.add_story(make(FOLLOW_UP, "Kremlin weighs reply", "Wire", day=29))
    assert not decision.is_new and stored.story_id == pipe.story_of(articles[0])


def test_article_beyond_the_window_starts_a_new_story(tmp_path):
    articles = seed_articles()
    late = Pipeline(tmp_path / "late")
    on_time = Pipeline(tmp_path / "on_time")
    for article in articles[:4]:
        late.add_story(article)
        on_time.add_story(article)
    # a day later: evidence from members days away counts less ([stories] half_life_days)
    joined, _ = on_time.add_story(replace(make(articles[4].body, articles[4].title, "Outlet4", day=28)))
    alone, _ = late.add_story(make(articles[4].body, articles[4].title, "Outlet4", day=37))  # 10 days later
    assert not joined.is_new
    assert alone.is_new and alone.story_id != late.story_of(articles[0])
    late.corpus.close()
    on_time.corpus.close()


def test_a_guessed_date_is_compared_by_arrival_a_given_date_by_itself(tmp_path):
    articles = seed_articles()  # dated and ingested 27 January 2022
    arrived = articles[0].ingested_at
    years_later = datetime(2026, 11, 23, tzinfo=timezone.utc)
    results = {}
    for guessed in (True, False):
        pipe = Pipeline(tmp_path / str(guessed))
        for article in articles[:4]:
            pipe.add_story(article)
        last = replace(articles[4], published=years_later, published_is_guess=guessed, ingested_at=arrived)
        results[guessed] = pipe.add_story(last)[0]
        pipe.corpus.close()
    assert not results[True].is_new  # came in with the others: its file date says nothing
    assert results[False].is_new  # its own text dates it years later: another story


def test_story_survives_a_new_run(tmp_path, corpus_location):
    articles = seed_articles()
    first = Pipeline(tmp_path, location=corpus_location)
    for article in articles[:3]:
        first.add_story(article)
    first.corpus.close()
    second = Pipeline(tmp_path, location=corpus_location)  # a later run loads the window's term vectors from the corpus
    decision, stored = second.add_story(articles[3])
    assert not decision.is_new and stored.story_id == new_story_id(articles[0])
    docs = second.corpus.db.execute("SELECT value FROM story_meta WHERE key = 'docs'").fetchone()[0]
    assert int(docs) == 4
    second.corpus.close()


def test_copy_joins_its_originals_story(pipe):
    articles = seed_articles()
    for article in articles:
        pipe.add_story(article)
    body = "Mirror Site\n\n" + articles[2].body + "\n\nShare this article"
    decision, stored = pipe.add_story(make(body, "Copy", "Mirror"))
    assert stored.copy_of == articles[2].id and stored.story_id == pipe.story_of(articles[2])
    assert not decision.is_new


def test_shared_site_footer_does_not_glue_unrelated_stories(pipe):
    a, _ = pipe.add_story(make(UNRELATED + SITE_FOOTER, "Rail strike", "Daily Courier"))
    b, _ = pipe.add_story(make(GARDEN + SITE_FOOTER, "Apple harvest", "Daily Courier"))
    assert a.is_new and b.is_new and a.story_id != b.story_id


def test_identical_junk_is_an_exact_duplicate_not_a_story(pipe):
    junk = ("We use cookies to improve your experience on our website. By continuing to browse "
            "you agree to our use of cookies. Manage your cookie settings or read our privacy policy "
            "at any time, and you can withdraw your consent by clicking the link at the bottom of this page.")
    first = pipe.store.put(make(junk, "Rail strike", "Site A"))
    second = pipe.store.put(make(junk, "Apple harvest", "Site B"))
    assert first.non_article and second.non_article and first.dedup is None
    assert first.story is None and second.story is None
    assert second.non_article.repeat and not first.non_article.repeat
    assert "the same text as" in second.non_article.reason and "the same text as" not in first.non_article.reason
    assert pipe.corpus.stats()["articles"] == 0 and pipe.corpus.stats()["stories"] == 0
    assert [tuple(r) for r in pipe.corpus.db.execute("SELECT seen_count FROM non_articles")] == [(2,)]


def test_names_and_numbers_are_weighted_up():
    terms = article_terms(make("The talks in Geneva lasted 12 hours. Officials in geneva said talks went well.",
                               "Day two"))
    assert terms["geneva"] > terms["talks"]  # a place named mid-sentence outweighs a plain word
    assert terms["12"] > terms["officials"]
    assert "the" not in terms and "in" not in terms


def test_story_report_shows_outlets_and_join_similarity(pipe):
    articles = seed_articles()
    for article in articles:
        pipe.add_story(article)
    pipe.add_story(make(UNRELATED, "Rail strike"))
    stories = story_report(pipe.corpus, "2022-01-01", "2022-12-31")
    assert len(stories) == 2
    seed_story = next(s for s in stories if s["id"] == new_story_id(articles[0]))
    assert seed_story["outlets"] == [f"Outlet{i}" for i in range(5)]
    joined = [a for a in seed_story["articles"] if not a["founded_story"]]
    assert len(joined) == 4 and all(a["similarity"] >= 0.3 for a in joined)
    assert all(re.fullmatch(r"a[0-9a-f]{15}", a["matched_article_id"]) for a in joined)


@pytest.mark.parametrize("text", [
    "Geneva talks. Geneva said\nGeneva: \"Geneva\" — Geneva (Geneva) A380 in 2022's U.S.-led talks ...",
    "  Lavrov met Blinken in Geneva; Lavrov's aides said Blinken's team left.\n\tLavrov left?!",
    "Ünïcode Ärzte in Zürich: Ärzte warnen, Zürich’s Ärzte…  Москва и Москва. 漢字 ٣٣ x",
    "trailing punctuation only at the end!!! ... ?? «» ",
    "",
])
def test_term_counts_equal_per_occurrence_counting(text):
    from digest.stories.terms import background_frequencies, count_terms
    counts: dict[str, float] = {}
    count_terms(text, 2.0, background_frequencies("en"), counts)
    assert counts == reference_counts(text, 2.0)


def test_term_counts_on_the_seeds_equal_per_occurrence_counting():
    from digest.stories.terms import background_frequencies, count_terms
    for article in seed_articles():
        counts: dict[str, float] = {}
        count_terms(article.body, 1.0, background_frequencies("en"), counts)
        assert counts == reference_counts(article.body, 1.0)


def test_one_transaction_for_many_articles_sees_earlier_ones(tmp_path):
    """With the inbox committing many files at once, each article still sees the ones before it."""
    articles = seed_articles()
    copy = make("Mirror Site\n\n" + articles[2].body + "\n\nShare this article", "Copy", "Mirror")
    single = Pipeline(tmp_path / "single")
    for article in articles + [copy]:
        single.add_story(article)
    batched = Pipeline(tmp_path / "batched")
    with batched.corpus.transaction():
        for article in articles:
            batched.add(article)
        dedup, stored = batched.add(copy)
        assert dedup.kind == "copy" and dedup.original_id == articles[2].id
        assert stored.story_id == batched.story_of(articles[2])
    assert {batched.story_of(a) for a in articles + [copy]} == {new_story_id(articles[0])}
    for a in articles + [copy]:
        assert batched.story_of(a) == single.story_of(a)
    assert batched.corpus.db.execute("SELECT value FROM story_meta WHERE key = 'docs'").fetchone()[0] == "5"
    single.corpus.close()
    batched.corpus.close()


def test_cached_centroids_equal_a_full_recount(pipe):
    """Centroids are cached per member set and extended as members join: bit for bit a recount."""
    from digest.stories.index import TOP_TERMS, When
    from digest.stories.vectors import centroid_of_vectors
    articles = seed_articles()
    days = [27, 31, 28, 30, 27]  # out of order: each article's window sees other members
    for article, day in zip(articles, days):
        pipe.add_story(make(article.body, article.title, article.outlet, day=day))
    pipe.add_story(make(FOLLOW_UP, "Kremlin weighs reply", "Wire", day=29))
    index = pipe.stories
    checked = 0
    for day in range(25, 34):
        when = When.of(make("x", "x", day=day))
        for story_id in list(index._stories):
            members = index._in_window(story_id, when)
            if members:
                cached = index._centroid_of(story_id, members)
                assert cached == centroid_of_vectors([index._vector(index._members[m]) for m in members], TOP_TERMS * 2)
                checked += 1
    assert checked >= 9
