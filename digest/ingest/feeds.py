"""Poll the [[feed]]s over HTTP and store their new entries as articles, like inbox files.

Each feed is fetched with httpx (conditional GET with the stored ETag and
Last-Modified, a timeout, a size limit and a clear User-Agent), then parsed by
feedparser from the bytes: feedparser never touches the network. Feeds are
fetched concurrently (bounded by [feeds] concurrency) in worker threads; the
results are stored from the calling thread, in config order, so the outcome is
the same whatever the network timing. A failing feed records its error and
keeps its last good state; repeated failures back off. The whole round ends by
[feeds] round_timeout: a feed not done by then is reported late and tried again
at the next run, without backing off. On PostgreSQL several fetch workers may poll the same
feeds: each feed's new entries are committed in the worker's turn (Store.turn), so each entry is
stored by one of them.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from html import unescape
from typing import Any, Callable, ContextManager, Iterator, Mapping
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from digest.config import Config
from digest.errors import ConfigError, DigestError, InputError
from digest.ingest.inbox import IngestReport, Store, finish
from digest.models import Article, utcnow
from digest.sources import clean, language
from digest.sources.extract import html_fragment_to_text, tidy_text
from digest.sources.http import (
    Limits,
    http_get,
    late_reason,
    make_client,
    retry_after,
    round_over,
)
from digest.sources.pages import full_articles
from digest.store import feedstate
from digest.store.corpus import Corpus
from digest.text.unicode_safety import neutralise, scrub

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(hours=12)
LATE_GRACE = 1.0  # seconds past the round's deadline a feed may take to notice it and finish
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


@dataclass(frozen=True)
class FeedSpec:
    """One [[feed]] table of digest.toml."""

    url: str
    name: str = ""
    topic: str = ""
    full_article: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class FeedState:
    """What the corpus remembers of one feed between runs."""

    url: str
    fetch_url: str
    etag: str | None = None
    last_modified: str | None = None
    status: str = "new"
    failures: int = 0
    next_try: str | None = None


@dataclass(frozen=True)
class Entry:
    """A new feed entry turned into an article (body still raw text)."""

    guid: str
    article: Article | None  # None: skipped, see `skip`
    skip: str | None = None  # "short" (no article text) or "old" (older than [feeds] max_age_days)


@dataclass(frozen=True)
class Outcome:
    """What polling one feed produced; never an exception."""

    spec: FeedSpec
    status: str  # "ok", "not_modified", "gone", "error", "late" (the round ended first)
    http_status: int | None = None
    entries: tuple[Entry, ...] = ()
    seen: int = 0
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    moved_to: str | None = None
    error: str | None = None
    warning: str | None = None
    retry_after: timedelta | None = None
    deferred: int = 0  # entries left for the next round (full-article pages not fetched)


@dataclass
class FetchReport(IngestReport):
    """IngestReport counts plus per-feed outcomes; `failed` holds (feed url, reason)."""

    feeds_ok: list[str] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    seen_entries: int = 0
    too_short: int = 0
    too_old: int = 0
    deferred: int = 0
    late: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Numbers for the run log and `digest status`."""
        counts = super().counts()
        counts.update({
            "feeds_ok": len(self.feeds_ok), "feeds_not_modified": len(self.not_modified),
            "feeds_skipped": len(self.skipped), "feeds_moved": len(self.moved),
            "feeds_gone": len(self.gone), "entries_seen_before": self.seen_entries,
            "entries_too_short": self.too_short, "entries_too_old": self.too_old,
            "entries_deferred": self.deferred, "feeds_late": len(self.late),
        })
        return counts


# configuration -------------------------------------------------------------
def feed_specs(config: Config) -> list[FeedSpec]:
    """The [[feed]] tables as FeedSpecs, refusing a missing or non-HTTP url."""
    specs, seen = [], set()
    where = config.file or "digest.toml"
    for n, table in enumerate(config.feeds, 1):
        url = str(table.get("url", "")).strip()
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ConfigError(f"{where}: [[feed]] number {n} needs url = \"https://...\" (got {url!r})")
        unknown = set(table) - {"url", "name", "topic", "full_article", "enabled"}
        if unknown:
            raise ConfigError(f"{where}: [[feed]] {url}: unknown option(s) {', '.join(sorted(unknown))}; "
                              "known: url, name, topic, full_article, enabled")
        if not isinstance(table.get("enabled", True), bool):
            raise ConfigError(f"{where}: [[feed]] {url}: enabled = {table['enabled']!r}; use true or false")
        if url in seen:
            continue
        seen.add(url)
        specs.append(FeedSpec(url=url, name=str(table.get("name", "")), topic=str(table.get("topic", "")),
                              full_article=bool(table.get("full_article", False)),
                              enabled=table.get("enabled", True)))
    return specs


def limits_from(config: Config) -> Limits:
    """Read the [feeds] settings (and the inbox's minimum body length)."""
    feeds = config.settings.feeds
    return Limits(timeout=feeds.timeout, max_bytes=int(feeds.max_mb * 1024 * 1024),
                  concurrency=feeds.concurrency, min_chars=config.settings.ingest.min_chars,
                  max_age_days=feeds.max_age_days, round_timeout=feeds.round_timeout,
                  max_pages=feeds.max_pages_per_feed)


# parsing ---------------------------------------------------------------------
def _alternate_link(body: bytes, base: str) -> str | None:
    """The RSS/Atom address an HTML page advertises, to suggest it to the user."""
    for tag in re.findall(rb"<link\b[^>]*>", body[:200_000], re.IGNORECASE):
        if re.search(rb"application/(rss|atom)\+xml", tag, re.IGNORECASE):
            href = re.search(rb"""href\s*=\s*["']([^"']+)""", tag, re.IGNORECASE)
            if href:
                return urljoin(base, unescape(href.group(1).decode("utf-8", "replace")))
    return None


def _not_a_feed(body: bytes, headers: Mapping[str, str], url: str, parsed: Any) -> str:
    """Say what a response that is not a feed is, and how to fix the [[feed]] url."""
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    head = body[:2000].lstrip().lower()
    if not body.strip():
        return "the response is empty"
    if "json" in ctype or head[:1] in (b"{", b"["):
        snippet = body[:120].decode("utf-8", "replace").replace("\n", " ")
        return f"the server sent JSON, not an RSS/Atom feed ({snippet!r})"
    if "html" in ctype or head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        alt = _alternate_link(body, url)
        hint = f"; the page names its feed: {alt}" if alt else "; use the page's RSS or Atom link"
        return f"the address serves an HTML page, not a feed{hint}"
    problem = getattr(parsed, "bozo_exception", None)
    if problem is not None:
        return f"not a readable feed ({type(problem).__name__}: {problem})"
    return f"not an RSS or Atom feed (Content-Type {ctype or 'missing'})"


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> Any:
    """Parse feed bytes with feedparser; raise InputError when nothing usable is in them."""
    lowered = {k.lower(): v for k, v in headers.items()}
    response_headers = {k: lowered[k] for k in ("content-type", "content-language") if k in lowered}
    response_headers["content-location"] = url
    parsed = feedparser.parse(body, response_headers=response_headers)
    if not parsed.get("version") and not parsed.entries:
        raise InputError(url, _not_a_feed(body, lowered, url, parsed))
    problem = parsed.get("bozo_exception")
    soft = isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe)  # encoding/content-type notes
    if parsed.get("bozo") and not parsed.entries and not soft:
        raise InputError(url, f"ill-formed feed with no readable entry ({type(problem).__name__}: {problem})")
    return parsed


def _text_of(detail: Mapping[str, Any] | None, value: str) -> str:
    """Plain text of a feed value whose type may be HTML."""
    kind = (detail or {}).get("type", "text/html")
    if kind == "text/plain":
        return tidy_text(value)
    return html_fragment_to_text(value)


def entry_body(entry: Mapping[str, Any]) -> str:
    """The fullest text an entry carries: its longest content, else its summary."""
    best = ""
    for content in entry.get("content") or ():
        text = _text_of(content, content.get("value", ""))
        if len(text) > len(best):
            best = text
    summary = _text_of(entry.get("summary_detail"), entry.get("summary", ""))
    return best if len(best) >= len(summary) else summary


def entry_guid(entry: Mapping[str, Any]) -> str:
    """A stable key for an entry: its id, else its link, else a hash of its text."""
    for key in ("id", "guid", "link"):
        value = str(entry.get(key) or "").strip()
        if value:
            return value[:1000]
    text = f"{entry.get('title', '')}\n{entry.get('summary', '')}"
    return "sha1:" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


def entry_date(entry: Mapping[str, Any]) -> datetime | None:
    """The entry's publication (else update) time, timezone-aware UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=timezone.utc)
            except (TypeError, ValueError):
                continue
    return None


def entry_article(entry: Mapping[str, Any], spec: FeedSpec, feed_title: str, now: datetime) -> Article:
    """Turn one feedparser entry into an Article (id and hash still empty)."""
    title = _text_of(entry.get("title_detail"), entry.get("title", "")).replace("\n", " ").strip()
    link = str(entry.get("link") or "").strip() or None
    published = entry_date(entry)
    outlet = spec.name or feed_title or urlsplit(link or spec.url).hostname or spec.url
    return Article(
        id="", title=clean.tidy_spaces(title) or "(untitled)", outlet=outlet, body=entry_body(entry), url=link,
        published=published or now, published_is_guess=published is None,
        author=str((entry.get("author_detail") or {}).get("name") or entry.get("author") or "").strip() or None,
        source_path=f"feed:{spec.url}",
    )


# polling one feed (worker thread) -------------------------------------------
def _new_entries(parsed: Any, spec: FeedSpec, seen: set[str], client: httpx.Client,
                 limits: Limits) -> tuple[list[Entry], int, int]:
    """Entries not seen before, oldest first, as articles; how many were seen before; how many wait."""
    now, fresh, skipped, taken, wanted = utcnow(), [], 0, set(), []
    feed_title = html_fragment_to_text(str(parsed.feed.get("title", "")))
    for entry in parsed.entries:
        guid = entry_guid(entry)
        if guid in seen or guid in taken:
            skipped += 1
            continue
        taken.add(guid)
        article = entry_article(entry, spec, feed_title, now)
        if limits.max_age_days and not article.published_is_guess and article.published \
                and article.published < now - timedelta(days=limits.max_age_days):
            fresh.append(Entry(guid, None, "old"))
            continue
        wanted.append((guid, article))
    articles = [a for _, a in wanted]
    if spec.full_article:
        articles = full_articles(articles, client, limits, spec.url)
    for (guid, _), article in zip(wanted, articles):
        if article is not None:
            short = len(article.body) < limits.min_chars
            fresh.append(Entry(guid, None if short else article, "short" if short else None))
    fresh.sort(key=lambda e: (e.article.published.isoformat() if e.article and e.article.published else "",
                              e.guid))
    return fresh, skipped, articles.count(None)


def poll(spec: FeedSpec, state: FeedState, seen: set[str], client: httpx.Client, limits: Limits) -> Outcome:
    """Fetch and parse one feed; every failure becomes an error Outcome."""
    headers = {"Accept": FEED_ACCEPT}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        got = http_get(client, state.fetch_url, limits, headers, trusted=spec.url)
        if got.status == 304:
            return Outcome(spec, "not_modified", 304, moved_to=got.moved_to)
        if got.status == 410:
            return Outcome(spec, "gone", 410, error="HTTP 410 Gone: the feed was removed; "
                                                     "delete this [[feed]] from digest.toml")
        if got.status != 200:
            return Outcome(spec, "error", got.status, error=f"HTTP {got.status} from {got.url}",
                           moved_to=got.moved_to, retry_after=retry_after(got.headers))
        parsed = parse_feed(got.body, got.headers, got.url)
        entries, skipped, deferred = _new_entries(parsed, spec, seen, client, limits)
    except InputError as exc:
        return Outcome(spec, "late" if round_over(limits) else "error", error=exc.reason)
    except Exception as exc:  # a bug or a library surprise must not stop the other feeds
        log.exception("%s: unexpected error while polling", spec.url)
        return Outcome(spec, "error", error=f"unexpected {type(exc).__name__}: {exc}")
    lower = {k.lower(): v for k, v in got.headers.items()}
    validators = (lower.get("etag"), lower.get("last-modified")) if not deferred else (None, None)  # refetch all
    return Outcome(spec, "ok", 200, tuple(entries), skipped, *validators,
                   html_fragment_to_text(str(parsed.feed.get("title", ""))) or None, got.moved_to,
                   warning=_warning(parsed, deferred, limits), deferred=deferred)


def _warning(parsed: Any, deferred: int, limits: Limits) -> str | None:
    """What the user should know about a feed that was read: ill-formed XML, entries left for later."""
    notes = []
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        notes.append(f"ill-formed or mis-encoded feed, readable entries kept ({type(problem).__name__}: {problem})")
    if deferred:
        notes.append(f"{deferred} entries wait for the next round (full-article pages: at most {limits.max_pages} "
                     f"per feed per round, [feeds] max_pages_per_feed, within [feeds] round_timeout)")
    return "; ".join(notes) or None


# state in the corpus ---------------------------------------------------------
def load_states(corpus: Corpus, specs: list[FeedSpec]) -> dict[str, FeedState]:
    """Stored state of each configured feed, creating rows for new ones."""
    states = {}
    for spec in specs:
        row = feedstate.feed_row(corpus, spec.url)
        states[spec.url] = FeedState(row["url"], row["fetch_url"], row["etag"], row["last_modified"],
                                     row["status"], row["failures"], row["next_try"])
    return states


def is_due(state: FeedState, now: datetime) -> bool:
    """False while a feed is disabled (410) or backing off after failures."""
    if state.status == "disabled":
        return False
    return not state.next_try or datetime.fromisoformat(state.next_try) <= now


def backoff(failures: int, retry_after: timedelta | None = None) -> timedelta:
    """Wait before the next try: doubling from 15 minutes up to 12 hours, or the server's Retry-After."""
    wait = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, failures - 1))
    return max(wait, retry_after) if retry_after else wait


def _save_state(corpus: Corpus, outcome: Outcome, state: FeedState) -> None:
    """Record a feed's outcome: new validators on success, the last good ones kept on error."""
    now = utcnow()
    fetch_url = outcome.moved_to or state.fetch_url
    if outcome.status in ("ok", "not_modified"):
        fresh = outcome.status == "ok"
        feedstate.record_success(corpus, outcome.spec.url, {
            "fetch_url": fetch_url, "etag": outcome.etag if fresh else state.etag,
            "last_modified": outcome.last_modified if fresh else state.last_modified,
            "status": outcome.status, "http_status": outcome.http_status, "now": now.isoformat(),
            "warning": outcome.warning, "title": outcome.title and neutralise(outcome.title)})
        return
    failures = state.failures + 1
    next_try = None if outcome.status in ("gone", "late") else \
        (now + backoff(failures, outcome.retry_after)).isoformat()  # late: tried again at the next run
    feedstate.record_failure(corpus, outcome.spec.url, {
        "fetch_url": fetch_url, "status": "disabled" if outcome.status == "gone" else "error",
        "http_status": outcome.http_status, "now": now.isoformat(), "failures": failures,
        "next_try": next_try, "error": outcome.error})


def _remember(corpus: Corpus, spec: FeedSpec, guid: str, article_id: str | None) -> None:
    """Remember an entry's GUID (inside the caller's transaction)."""
    feedstate.remember_entry(corpus, spec.url, guid, article_id, spec.topic or None, utcnow().isoformat())


# storing ---------------------------------------------------------------------
class _Storer:
    """Stores outcomes through the inbox's Store (created on first use: it loads the dedup index)."""

    def __init__(self, config: Config, corpus: Corpus, report: FetchReport):
        self.config, self.corpus, self.report = config, corpus, report
        self.min_chars = config.settings.ingest.min_chars
        self._store: Store | None = None

    def entry(self, spec: FeedSpec, entry: Entry) -> None:
        """Commit one entry's article and its GUID together (a too-short entry: its GUID only)."""
        article = entry.article
        if article is not None:
            article = scrub(article)  # bidi controls and spoofing zero-widths go before cleaning
            body = clean.clean_body(article.body, article.title)
            article = replace(article, body=body, language=language.detect(body))
        if article is None or len(article.body) < self.min_chars:
            if entry.skip == "old":
                self.report.too_old += 1
            else:
                self.report.too_short += 1
            with self.corpus.transaction():
                _remember(self.corpus, spec, entry.guid, None)
            return
        article_id = finish(article).id
        self.store.add(article, self.report, extra=lambda c: _remember(c, spec, entry.guid, article_id))

    @property
    def store(self) -> Store:
        """The inbox's Store, made on first use (it loads the dedup index)."""
        if self._store is None:
            # A feed's summary is a short text by design: [ingest] min_chars judges it, not min_words.
            self._store = Store(self.corpus, self.config, min_words=0)
        return self._store

    def outcome(self, outcome: Outcome, state: FeedState) -> None:
        """Store a feed's new entries, then its state; report what happened."""
        spec, report = outcome.spec, self.report
        with self._turn(bool(outcome.entries)):
            taken = feedstate.seen_guids(self.corpus, spec.url) if self.corpus.is_postgres and outcome.entries \
                else set()
            for entry in outcome.entries:
                if entry.guid in taken:  # another worker stored it since this one polled
                    report.seen_entries += 1
                    continue
                try:
                    self.entry(spec, entry)
                except DigestError as exc:
                    log.error("%s: entry %s not stored (%s)", spec.url, entry.guid, exc)
                    report.failed.append((f"{spec.url} {entry.guid}", str(exc)))
        _save_state(self.corpus, outcome, state)
        report.seen_entries += outcome.seen
        report.deferred += outcome.deferred
        _report(report, outcome, state)


    def _turn(self, needed: bool) -> ContextManager:
        """On PostgreSQL, a feed's entries are decided and committed in this worker's turn, in one
        transaction, as inbox batches are: GUIDs taken meanwhile by another `digest fetch` or
        `digest run` are passed over inside it, so each entry is stored by one worker only."""
        if not (needed and self.corpus.is_postgres):
            return nullcontext()
        stack = ExitStack()
        stack.enter_context(self.corpus.transaction())
        stack.enter_context(self.store.turn())
        return stack


def _report(report: FetchReport, outcome: Outcome, state: FeedState) -> None:
    """Log a feed's outcome and add it to the report."""
    url = outcome.spec.url
    if outcome.moved_to and outcome.moved_to != state.fetch_url:
        report.moved.append((url, outcome.moved_to))
        log.warning("%s: moved permanently to %s; fetching from there now, update url in digest.toml",
                    url, outcome.moved_to)
    if outcome.status == "ok":
        report.feeds_ok.append(url)
        log.info("%s: %d new entries, %d seen before", url, len(outcome.entries), outcome.seen)
    elif outcome.status == "not_modified":
        report.not_modified.append(url)
        log.info("%s: not modified", url)
    else:
        if outcome.status == "gone":
            report.gone.append(url)
        if outcome.status == "late":
            report.late.append(url)
        report.failed.append((url, outcome.error or "unknown error"))
        log.error("%s: %s", url, outcome.error)
    if outcome.warning:
        report.warnings.append((url, outcome.warning))
        log.warning("%s: %s", url, outcome.warning)


def fetch_all(config: Config, corpus: Corpus, progress: Callable[[str], None] | None = None,
              force: bool = False) -> FetchReport:
    """Poll every due [[feed]] concurrently and store new entries; one feed's failure never stops the others."""
    specs, limits, report = [s for s in feed_specs(config) if s.enabled], limits_from(config), FetchReport()
    states = load_states(corpus, specs)
    now = utcnow()
    due = [s for s in specs if force or is_due(states[s.url], now)]
    for spec in specs:
        if spec not in due:
            report.skipped.append(spec.url)
            log.info("%s: skipped (%s)", spec.url, "disabled after HTTP 410" if states[spec.url].status ==
                     "disabled" else f"backing off until {states[spec.url].next_try}")
    storer = _Storer(config, corpus, report)
    limits = replace(limits, deadline=time.monotonic() + limits.round_timeout if limits.round_timeout else None)
    with make_client(limits) as client:
        for spec, outcome in _poll_round(due, states, corpus, client, limits):
            storer.outcome(outcome, states[spec.url])
            if progress:
                progress(spec.url)
    log.info("fetch: %s", report.counts())
    return report


def _poll_round(due: list[FeedSpec], states: dict[str, FeedState], corpus: Corpus, client: httpx.Client,
                limits: Limits) -> Iterator[tuple[FeedSpec, Outcome]]:
    """Poll feeds in worker threads, yielding outcomes in config order; one not done by the deadline is late."""
    pool = ThreadPoolExecutor(limits.concurrency, "feed")
    try:
        futures = [(spec, pool.submit(poll, spec, states[spec.url], feedstate.seen_guids(corpus, spec.url), client, limits))
                   for spec in due]
        for spec, future in futures:
            wait = None if limits.deadline is None else max(0.0, limits.deadline + LATE_GRACE - time.monotonic())
            try:
                yield spec, future.result(timeout=wait)
            except FutureTimeout:
                yield spec, Outcome(spec, "late", error=late_reason(limits))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a worker still running ends by the deadline


__all__ = ["FeedSpec", "FetchReport", "fetch_all", "feed_specs", "parse_feed"]
