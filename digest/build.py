"""Turn what is new in the corpus into a Digest, render it, and record what was sent."""
from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping, Sequence

from digest import render
from digest.config import Config
from digest.errors import ConfigError, DigestError
from digest.files import remove_stale_temps, write_atomic
from digest.jsonio import digest_to_dict
from digest.models import Article, Digest, Roundup, Story, article_day, utcnow
from digest.render import archive
from digest.sources.boilerplate import OutletLines
from digest.store import audit, backlog, digests
from digest.store.corpus import Corpus
from digest.store.faults import storage_error
from digest.store.feedstate import topics_for
from digest.stories.regroup import regroup_unsent
from digest.summarize import condense as summarize
from digest.summarize import novelty
from digest.summarize.novelty import Sent
from digest.summarize import roundup

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the digest, where it went, and whether it was a re-render."""

    digest: Digest
    digest_id: str | None
    outdir: Path | None
    outputs: dict[str, Path]
    again: bool = False
    why: dict | None = None

    def to_dict(self) -> dict:
        """The JSON printed by `digest build --json`."""
        return digest_to_dict(
            self.digest, why=self.why, digest_id=self.digest_id, again=self.again,
            outputs={k: str(v) for k, v in sorted(self.outputs.items())},
        )


def output_time() -> datetime:
    """Time stamped on outputs: $SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        except ValueError as exc:
            raise ConfigError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds; unset it") from exc
    return utcnow()


def today(config: Config) -> date:
    """Today's date in the workspace's time zone."""
    return datetime.now(config.timezone()).date()


def _sort_key(article: Article) -> tuple:
    return (article.published.isoformat() if article.published else "", article.id)


def group_by_story(articles: Sequence[Article]) -> dict[str, list[Article]]:
    """Articles by story id, each story's articles oldest first."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in sorted(articles, key=_sort_key):
        groups[article.story_id or article.id].append(article)
    return groups


def ranked_groups(groups: dict[str, list[Article]]) -> list[tuple[str, list[Article]]]:
    """Story groups, most important first (ties by story id)."""
    return sorted(groups.items(), key=lambda kv: (-summarize.story_importance(kv[1]), kv[0]))


def gather_roundups(groups: dict[str, list[Article]], config: Config) -> tuple[list[Roundup], dict[str, list[Article]]]:
    """[stories] roundups: one outlet's template reports of a day as one entry each, and the
    story groups left (the reports stay stories in the corpus: this is only how they are shown)."""
    settings = config.settings.stories
    if not settings.roundups:
        return [], groups
    return roundup.gather(groups, settings.roundup_min)


def make_stories(groups: dict[str, list[Article]], config: Config, sent_stories: Mapping[str, Sent] | set[str],
                 feed_topics: dict[str, str] | None = None, roundups: int = 0) -> tuple[list[Story], list[Story]]:
    """The groups ranked once: the most important condensed into Stories within the story budget
    (less one entry per roundup), the rest as headline-only stories, so that they are listed once
    ("Also in the news") and marked as sent instead of piling up for later digests. A story sent
    before (`sent_stories` with what was sent) is condensed from what is new only; with nothing
    new it is left out, from the stories and from the headline-only list alike."""
    feed_topics = feed_topics or {}
    budget = max(1, config.settings.summary.stories_per_digest - roundups)
    stories, rest = [], []
    for story_id, articles in ranked_groups(groups):
        if len(stories) >= budget:
            rest.append((story_id, articles))
            continue
        before = sent_stories.get(story_id) if isinstance(sent_stories, Mapping) else None
        condensed = summarize.condense(articles, config, before.texts if before else ())
        if before and not (condensed.lede or condensed.sections):
            log.info("story %s: nothing new since it was first sent on %s; not sent again", story_id,
                     before.first_sent)
            continue
        stories.append(Story(
            id=story_id, title=condensed.title, lede=condensed.lede, articles=tuple(articles),
            sections=condensed.sections, is_update=story_id in sent_stories, read=condensed.read,
            topic=next((feed_topics[a.id] for a in articles if a.id in feed_topics), None)
            or summarize.story_topic(articles, config), first_sent=before.first_sent if before else None,
        ))
    also = []
    for story_id, articles in rest:
        first = next((a for a in articles if not a.copy_of), articles[0])
        before = sent_stories.get(story_id) if isinstance(sent_stories, Mapping) else None
        if before and not _adds_news(articles, config, before):
            log.info("story %s: nothing new since %s; not listed again", story_id, before.first_sent)
            continue
        also.append(Story(id=story_id, title=summarize.clean_title(first.title, first.outlet) or first.title,
                          lede="", articles=tuple(articles), is_update=story_id in sent_stories,
                          first_sent=before.first_sent if before else None))
    return by_topic(stories, config), also


def _adds_news(articles: Sequence[Article], config: Config, before: Sent) -> bool:
    """Whether a story sent before has a sentence its earlier digests did not carry: an
    "also" entry marked "(update)" must have something new, as a condensed update must (the
    novelty check alone: an "also" entry shows no points, so nothing is ranked)."""
    return summarize.has_news(articles, config, before.texts)


def by_topic(stories: list[Story], config: Config) -> list[Story]:
    """Group stories into topic sections: [summary] topics in their order, other topics by name,
    stories without a topic last; importance order is kept within each group."""
    order = list(config.settings.summary.topics)

    def rank(story: Story) -> tuple:
        if story.topic is None:
            return (2, "")
        return (0, order.index(story.topic)) if story.topic in order else (1, story.topic)

    return sorted(stories, key=rank)


def _new_digest_id(corpus: Corpus, day: date) -> str:
    """YYYY-MM-DD, or YYYY-MM-DD-2, -3 ... when that day already has a digest."""
    taken = set(digests.ids_on(corpus, day.isoformat()))
    candidate, n = day.isoformat(), 1
    while candidate in taken:
        n += 1
        candidate = f"{day.isoformat()}-{n}"
    return candidate


def _render(digest: Digest, config: Config, corpus: Corpus, outdir: Path, digest_id: str | None,
            again: bool) -> BuildResult:
    """Write the outputs and digest.json of a digest, with each article's dedup and story reasons."""
    outputs = dict(render.write_outputs(digest, config, outdir))
    why = audit.explain(corpus, [a.id for s in (*digest.stories, *digest.also) for a in s.articles]
                        + [a.id for r in digest.roundups for line in r.lines for a in line.articles])
    result = BuildResult(digest, digest_id, outdir, outputs, again, why)
    data = digest_to_dict(digest, why=why, digest_id=digest_id)
    json_path = outdir / "digest.json"
    try:
        write_atomic(json_path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())
    except OSError as exc:
        raise storage_error(exc, outdir) or DigestError(
            f"{json_path}: cannot write ({exc.strerror or exc}); check [paths] outbox is writable") from exc
    outputs["json"] = json_path
    return result


def _remove_stale_temps(config: Config) -> None:
    """Temp files of a build killed mid-write are deleted by the next build (it holds the lock)."""
    for path in remove_stale_temps(config.path("outbox")):
        log.info("removed %s, left by a build that was stopped while writing", path)


def recent(config: Config, corpus: Corpus, day: date, since: date | None = None) -> list[Article]:
    """The unsent articles a digest covers: those dated from `since`, else within [build]
    max_age_days of the newest (or of `day`, when earlier); older ones are archived, not lost."""
    if since is not None:
        restored = backlog.restore_since(corpus, since)
        if restored:
            log.info("%d archived articles dated from %s are unsent again (--since)", restored, since)
    articles = corpus.unsent_articles()
    limit = config.settings.build.max_age_days
    if since is None and (not limit or not articles):
        return articles
    cutoff = since or min(day, max(article_day(a) for a in articles)) - timedelta(days=limit)
    old = [a for a in articles if article_day(a) < cutoff]
    if old:
        backlog.archive(corpus, old, cutoff)
        log.warning("archived %d unsent articles dated before %s ([build] max_age_days = %d); they stay "
                    "in the corpus for `digest brief`; `digest build --since DATE` digests them",
                    len(old), cutoff, limit)
    return [a for a in articles if article_day(a) >= cutoff]


def _regrouped(config: Config, corpus: Corpus, articles: list[Article], sent: set[str]) -> list[Article]:
    """The articles with their stories grouped again over the window ([stories] regroup), the
    stories already sent (`sent`) left as they are."""
    if not config.settings.stories.regroup or not articles:
        return articles
    moved = regroup_unsent(corpus, config, articles, sent)
    return [replace(a, story_id=moved[a.id]) if a.id in moved else a for a in articles]


def build(config: Config, corpus: Corpus, day: date | None = None, since: date | None = None) -> BuildResult:
    """Build the digest of the recent unsent articles (see `recent`), render it and record it."""
    _remove_stale_temps(config)
    day = day or today(config)
    articles = OutletLines(corpus).strip_all(recent(config, corpus, day, since))
    # regrouping moves only unsent stories' articles and never into a sent story: one look-up serves both
    sent = novelty.sent_before(corpus, sorted({a.story_id or a.id for a in articles}))
    groups = group_by_story(_regrouped(config, corpus, articles, set(sent)))
    sent = {story_id: before for story_id, before in sent.items() if story_id in groups}
    roundups, shown = gather_roundups(groups, config)
    stories, also = make_stories(shown, config, sent, topics_for(corpus, [a.id for a in articles]), len(roundups))
    digest = Digest(date=day, title=config.settings.digest.title, stories=tuple(stories),
                    generated_at=output_time(), also=tuple(also), roundups=tuple(roundups))
    if not stories and not roundups:
        log.info("nothing new since the last digest: no stories, no outputs")
        return BuildResult(digest, None, None, {})
    digest_id = _new_digest_id(corpus, day)
    outdir = config.path("outbox") / digest_id
    result = _render(digest, config, corpus, outdir, digest_id, again=False)
    _record(corpus, digest_id, digest, outdir, groups)
    archive.after_build(config, corpus)
    return result


def _record(corpus: Corpus, digest_id: str, digest: Digest, outdir: Path, groups: dict[str, list[Article]]) -> None:
    """Mark the digest's articles as sent, in one transaction: those of every story it covered,
    roundup reports and an update with nothing new included (its articles were read)."""
    data = json.dumps(digest_to_dict(digest, digest_id=digest_id), ensure_ascii=False)
    digests.record(corpus, digest_id, digest.date.isoformat(), str(outdir), data,
                   [(a.id, story_id) for story_id, articles in groups.items() for a in articles])


def rebuild(config: Config, corpus: Corpus, digest_id: str) -> BuildResult:
    """Re-render a past digest from its recorded articles; the corpus is not changed."""
    _remove_stale_temps(config)
    row = digests.dated(corpus, digest_id)
    if not row:
        known = [r["id"] for r in digests.recent(corpus)]
        raise DigestError(f"no digest {digest_id!r} in the corpus; recent ones: {', '.join(known) or 'none'}")
    articles = OutletLines(corpus).strip_all(corpus.articles(digests.article_ids(corpus, digest_id)))
    groups = group_by_story(articles)
    earlier = novelty.sent_before(corpus, list(groups), before_digest=digest_id)
    roundups, shown = gather_roundups(groups, config)
    stories, also = make_stories(shown, config, earlier, topics_for(corpus, [a.id for a in articles]), len(roundups))
    day = date.fromisoformat(row["date"])
    digest = Digest(date=day, title=config.settings.digest.title, stories=tuple(stories),
                    generated_at=output_time(), also=tuple(also), roundups=tuple(roundups))
    return _render(digest, config, corpus, config.path("outbox") / digest_id, digest_id, again=True)


def digest_ids_for(corpus: Corpus, day: date) -> list[str]:
    """The digests built on one date, oldest first."""
    return digests.ids_on(corpus, day.isoformat())


def digest_dir(config: Config, corpus: Corpus, digest_id: str | None = None) -> Path:
    """Output folder of a digest (the latest when no id is given)."""
    if digest_id:
        row = digests.one(corpus, digest_id)
        outdir = row["outdir"] if row else None
    else:
        outdir = digests.latest_outdir(corpus)
    if not outdir:
        which = f"digest {digest_id!r}" if digest_id else "any digest"
        raise DigestError(f"{config.path('corpus')}: no {which} built yet; run `digest build` first")
    return Path(outdir)
