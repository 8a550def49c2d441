"""Poll the [[feed]]s over HTTP and store their new entries as articles, like inbox files.

Each feed is fetched with httpx (conditional GET with the stored ETag and
Last-Modified, a timeout, a size limit and a clear User-Agent), then parsed by
feedparser from the bytes: feedparser never touches the network. Feeds are
fetched concurrently (bounded by [feeds] concurrency) in worker threads; the
results are stored from the calling thread, in config order, so the outcome is
the same whatever the network timing. A failing feed records its error and
keeps its last good state; repeated failures back off.
"""
from __future__ import annotations

import hashlib
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from html import unescape
from typing import Any, Callable, Mapping
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from ..config import Config
from ..corpus import Corpus, utcnow
from ..errors import ConfigError, DigestError, InputError
from ..models import Article
from ..unicode_safety import neutralise, scrub
from . import clean, language
from .extract import html_fragment_to_text, tidy_text
from .http import Limits, http_get, make_client, private_host, retry_after
from .inbox import IngestReport, Store, finish

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(hours=12)
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


@dataclass(frozen=True)
class FeedSpec:
    """One [[feed]] table of digest.toml."""

    url: str
    name: str = ""
    topic: str = ""
    full_article: bool = False


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
    status: str  # "ok", "not_modified", "gone", "error"
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
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Numbers for the run log and `digest status`."""
        counts = super().counts()
        counts.update({
            "feeds_ok": len(self.feeds_ok), "feeds_not_modified": len(self.not_modified),
            "feeds_skipped": len(self.skipped), "feeds_moved": len(self.moved),
            "feeds_gone": len(self.gone), "entries_seen_before": self.seen_entries,
            "entries_too_short": self.too_short, "entries_too_old": self.too_old,
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
        unknown = set(table) - {"url", "name", "topic", "full_article"}
        if unknown:
            raise ConfigError(f"{where}: [[feed]] {url}: unknown option(s) {', '.join(sorted(unknown))}; "
                              "known: url, name, topic, full_article")
        if url in seen:
            continue
        seen.add(url)
        specs.append(FeedSpec(url=url, name=str(table.get("name", "")), topic=str(table.get("topic", "")),
                              full_article=bool(table.get("full_article", False))))
    return specs


def limits_from(config: Config) -> Limits:
    """Read the [feeds] settings (and the inbox's minimum body length)."""
    section = config.section("feeds")
    return Limits(timeout=float(section.get("timeout", 20)),
                  max_bytes=int(float(section.get("max_mb", 10)) * 1024 * 1024),
                  concurrency=max(1, int(section.get("concurrency", 4))),
                  min_chars=int(config.get("ingest", "min_chars")),
                  max_age_days=float(section.get("max_age_days", 0)))


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
        id="", title=clean.normalise(title) or "(untitled)", outlet=outlet, body=entry_body(entry), url=link,
        published=published or now, published_is_guess=published is None,
        author=str((entry.get("author_detail") or {}).get("name") or entry.get("author") or "").strip() or None,
        source_path=f"feed:{spec.url}",
    )


# polling one feed (worker thread) -------------------------------------------
def _full_article(article: Article, client: httpx.Client, limits: Limits, feed_url: str) -> Article:
    """Replace a teaser by the main text of the article page, when that is longer.

    A feed on the public internet cannot make digest fetch private or local addresses.
    """
    from .extract import html_to_article_fields

    if not article.url:
        return article
    try:
        page = http_get(client, article.url, limits, {"Accept": "text/html,*/*;q=0.8"},
                        allow_private=bool(private_host(feed_url)))
        if page.status != 200:
            raise InputError(article.url, f"HTTP {page.status}")
        fields = html_to_article_fields(page.body, page.url)
    except Exception as exc:  # a page that cannot be read leaves the teaser, never fails the feed
        log.warning("%s: full article not fetched, keeping the feed's text (%s)", article.url, exc)
        return article
    if len(fields.text) <= len(article.body):
        return article
    return replace(article, body=fields.text, author=article.author or fields.author,
                   published=article.published if not article.published_is_guess else
                   (fields.published or article.published),
                   published_is_guess=article.published_is_guess and fields.published is None)


def _new_entries(parsed: Any, spec: FeedSpec, seen: set[str], client: httpx.Client,
                 limits: Limits) -> tuple[list[Entry], int]:
    """Entries not seen before, oldest first, as articles; and how many were seen before."""
    now, fresh, skipped, taken = utcnow(), [], 0, set()
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
        if spec.full_article:
            article = _full_article(article, client, limits, spec.url)
        short = len(article.body) < limits.min_chars
        fresh.append(Entry(guid, None if short else article, "short" if short else None))
    fresh.sort(key=lambda e: (e.article.published.isoformat() if e.article and e.article.published else "",
                              e.guid))
    return fresh, skipped


def poll(spec: FeedSpec, state: FeedState, seen: set[str], client: httpx.Client, limits: Limits) -> Outcome:
    """Fetch and parse one feed; every failure becomes an error Outcome."""
    headers = {"Accept": FEED_ACCEPT}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        got = http_get(client, state.fetch_url, limits, headers)
        if got.status == 304:
            return Outcome(spec, "not_modified", 304, moved_to=got.moved_to)
        if got.status == 410:
            return Outcome(spec, "gone", 410, error="HTTP 410 Gone: the feed was removed; "
                                                     "delete this [[feed]] from digest.toml")
        if got.status != 200:
            return Outcome(spec, "error", got.status, error=f"HTTP {got.status} from {got.url}",
                           moved_to=got.moved_to, retry_after=retry_after(got.headers))
        parsed = parse_feed(got.body, got.headers, got.url)
        entries, skipped = _new_entries(parsed, spec, seen, client, limits)
    except InputError as exc:
        return Outcome(spec, "error", error=exc.reason)
    except Exception as exc:  # a bug or a library surprise must not stop the other feeds
        log.exception("%s: unexpected error while polling", spec.url)
        return Outcome(spec, "error", error=f"unexpected {type(exc).__name__}: {exc}")
    warning = None
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        warning = f"ill-formed or mis-encoded feed, readable entries kept ({type(problem).__name__}: {problem})"
    lower = {k.lower(): v for k, v in got.headers.items()}
    return Outcome(spec, "ok", 200, tuple(entries), skipped, lower.get("etag"), lower.get("last-modified"),
                   html_fragment_to_text(str(parsed.feed.get("title", ""))) or None, got.moved_to, warning=warning)


# state in the corpus ---------------------------------------------------------
def load_states(corpus: Corpus, specs: list[FeedSpec]) -> dict[str, FeedState]:
    """Stored state of each configured feed, creating rows for new ones."""
    with corpus.transaction() as db:
        for spec in specs:
            db.execute("INSERT OR IGNORE INTO feeds (url, fetch_url) VALUES (?, ?)", (spec.url, spec.url))
    states = {}
    for spec in specs:
        row = corpus.db.execute("SELECT * FROM feeds WHERE url = ?", (spec.url,)).fetchone()
        states[spec.url] = FeedState(row["url"], row["fetch_url"], row["etag"], row["last_modified"],
                                     row["status"], row["failures"], row["next_try"])
    return states


def seen_guids(corpus: Corpus, url: str) -> set[str]:
    """GUIDs already taken from this feed (or from an old address that moved to it)."""
    rows = corpus.db.execute(
        "SELECT guid FROM feed_entries WHERE feed_url = ? OR feed_url IN "
        "(SELECT url FROM feeds WHERE fetch_url = ? AND url != ?)", (url, url, url))
    return {r[0] for r in rows}


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
    with corpus.transaction() as db:
        if outcome.status in ("ok", "not_modified"):
            etag = outcome.etag if outcome.status == "ok" else state.etag
            modified = outcome.last_modified if outcome.status == "ok" else state.last_modified
            db.execute(
                "UPDATE feeds SET fetch_url = ?, etag = ?, last_modified = ?, status = ?, http_status = ?, "
                "checked_at = ?, ok_at = ?, failures = 0, next_try = NULL, last_error = ?, "
                "title = coalesce(?, title) WHERE url = ?",
                (fetch_url, etag, modified, outcome.status, outcome.http_status, now.isoformat(),
                 now.isoformat(), outcome.warning, outcome.title and neutralise(outcome.title), outcome.spec.url))
            return
        failures = state.failures + 1
        status = "disabled" if outcome.status == "gone" else "error"
        next_try = None if status == "disabled" else (now + backoff(failures, outcome.retry_after)).isoformat()
        db.execute(
            "UPDATE feeds SET fetch_url = ?, status = ?, http_status = ?, checked_at = ?, failures = ?, "
            "next_try = ?, last_error = ? WHERE url = ?",
            (fetch_url, status, outcome.http_status, now.isoformat(), failures, next_try, outcome.error,
             outcome.spec.url))


def _remember(corpus: Corpus, spec: FeedSpec, guid: str, article_id: str | None) -> None:
    """Remember an entry's GUID (inside the caller's transaction)."""
    corpus.db.execute(
        "INSERT OR REPLACE INTO feed_entries (feed_url, guid, article_id, topic, seen_at) VALUES (?, ?, ?, ?, ?)",
        (spec.url, guid, article_id, spec.topic or None, utcnow().isoformat()))


# storing ---------------------------------------------------------------------
class _Storer:
    """Stores outcomes through the inbox's Store (created on first use: it loads the dedup index)."""

    def __init__(self, config: Config, corpus: Corpus, report: FetchReport):
        self.config, self.corpus, self.report = config, corpus, report
        self.min_chars = int(config.get("ingest", "min_chars"))
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
        if self._store is None:
            # A feed's summary is a short text by design: [ingest] min_chars judges it, not min_words.
            self._store = Store(self.corpus, self.config, min_words=0)
        self._store.add(article, self.report, extra=lambda c: _remember(c, spec, entry.guid, article_id))

    def outcome(self, outcome: Outcome, state: FeedState) -> None:
        """Store a feed's new entries, then its state; report what happened."""
        spec, report = outcome.spec, self.report
        for entry in outcome.entries:
            try:
                self.entry(spec, entry)
            except DigestError as exc:
                log.error("%s: entry %s not stored (%s)", spec.url, entry.guid, exc)
                report.failed.append((f"{spec.url} {entry.guid}", str(exc)))
        _save_state(self.corpus, outcome, state)
        report.seen_entries += outcome.seen
        _report(report, outcome, state)


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
        report.failed.append((url, outcome.error or "unknown error"))
        log.error("%s: %s", url, outcome.error)
    if outcome.warning:
        report.warnings.append((url, outcome.warning))
        log.warning("%s: %s", url, outcome.warning)


def fetch_all(config: Config, corpus: Corpus, progress: Callable[[str], None] | None = None,
              force: bool = False) -> FetchReport:
    """Poll every due [[feed]] concurrently and store new entries; one feed's failure never stops the others."""
    specs, limits, report = feed_specs(config), limits_from(config), FetchReport()
    states = load_states(corpus, specs)
    now = utcnow()
    due = [s for s in specs if force or is_due(states[s.url], now)]
    for spec in specs:
        if spec not in due:
            report.skipped.append(spec.url)
            log.info("%s: skipped (%s)", spec.url, "disabled after HTTP 410" if states[spec.url].status ==
                     "disabled" else f"backing off until {states[spec.url].next_try}")
    storer = _Storer(config, corpus, report)
    with make_client(limits) as client, ThreadPoolExecutor(limits.concurrency, "feed") as pool:
        futures = [(spec, pool.submit(poll, spec, states[spec.url], seen_guids(corpus, spec.url), client, limits))
                   for spec in due]
        for spec, future in futures:
            storer.outcome(future.result(), states[spec.url])
            if progress:
                progress(spec.url)
    log.info("fetch: %s", report.counts())
    return report


def feed_rows(corpus: Corpus) -> list[dict[str, Any]]:
    """Every feed's stored state with its entry count, for `digest status` and `digest feeds list`."""
    rows = corpus.db.execute(
        "SELECT f.*, (SELECT count(*) FROM feed_entries e WHERE e.feed_url = f.url) AS entries "
        "FROM feeds f ORDER BY f.url")
    return [dict(r) for r in rows]


def topics_for(corpus: Corpus, article_ids: list[str]) -> dict[str, str]:
    """The [[feed]] topic of each article that came from a feed with one."""
    if not article_ids:
        return {}
    rows = corpus.db.execute(
        f"SELECT article_id, topic FROM feed_entries WHERE topic IS NOT NULL AND article_id IN "
        f"({','.join('?' * len(article_ids))}) ORDER BY seen_at, feed_url", list(article_ids))
    return {r[0]: r[1] for r in rows}


__all__ = ["FeedSpec", "FetchReport", "fetch_all", "feed_rows", "feed_specs",
           "parse_feed", "topics_for"]
