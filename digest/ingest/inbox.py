"""Ingest inbox files: read, dedup, commit to the corpus, and only then move the file away."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from itertools import repeat
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator, Sequence

from digest.config import Config
from digest.dedup.check import Ahead, Decision, Deduplicator, Kind, SketchParams, ahead
from digest.errors import InputError
from digest.models import Article, utcnow
from digest.sources import nonarticle, opening
from digest.sources.boilerplate import OutletLines
from digest.sources.guard import judging, shown
from digest.sources.readers import ReadDefaults, read_items
from digest.store import nonarticles
from digest.store.corpus import Corpus
from digest.stories.index import StoryDecision, StoryIndex
from digest.stories.terms import TextTerms, background_frequencies, text_terms
from digest.text.hashing import content_hash

log = logging.getLogger(__name__)

PROCESSED = "processed"
FAILED = "failed"
BATCH_FILES = 200  # files committed per transaction: commits are the slow part of small writes


@dataclass
class IngestReport:
    """Counts and errors of one ingest, shown by the CLI and recorded with the run."""

    added: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    already_seen: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped_items: list[tuple[str, str]] = field(default_factory=list)  # (file, why an item was left out)
    non_articles: list[tuple[str, str]] = field(default_factory=list)  # (file or title, reason)

    def counts(self) -> dict[str, int]:
        """Numbers for the run log and `digest status`."""
        return {
            "added": len(self.added), "copies": len(self.copies),
            "duplicates": len(self.duplicates), "already_seen": len(self.already_seen),
            "failed": len(self.failed), "non_articles": len(self.non_articles),
            "skipped_items": len(self.skipped_items),
        }


def finish(article: Article, now=None, digest_hex: str | None = None) -> Article:
    """Give a read article its content hash (`digest_hex` when worked out ahead), id and ingestion time."""
    digest_hex = digest_hex or content_hash(article.body)
    return replace(article, content_hash=digest_hex, id="a" + digest_hex[:15],
                   ingested_at=article.ingested_at or now or utcnow())


@dataclass(frozen=True)
class NonArticle:
    """A text judged not to be an article (sources/nonarticle.py): recorded, never stored as one."""

    reason: str  # the verdict, and for a repeat the file that had the same text first
    repeat: bool  # the same text was recorded before (an exact duplicate of it)


@dataclass(frozen=True)
class Stored:
    """What committing one text decided: the article as stored (or as dropped), and why: a
    non-article, or a dedup decision and (unless an exact duplicate) a story."""

    article: Article
    dedup: Decision | None = None
    story: StoryDecision | None = None
    non_article: NonArticle | None = None


class Store:
    """Dedups, groups and commits read articles: shared by the inbox and feeds."""

    def __init__(self, corpus: Corpus, config: Config, min_words: int | None = None):
        """min_words: texts shorter than this are non-articles (default [ingest] min_words; feeds pass 0)."""
        self.corpus = corpus
        self.dedup = Deduplicator(corpus, config)
        self.stories = StoryIndex(corpus, config)
        self.lines = OutletLines(corpus)
        self.min_words = config.settings.ingest.min_words if min_words is None else min_words
        # (title, body) -> (body without banners, its furniture figures), worked out ahead
        self._measured: dict[tuple[str, str], tuple[str, tuple[int, float]]] = {}
        self._ahead: dict[str, Ahead] = {}  # final body -> its content hash and dedup sketch, worked out ahead
        self._seen: int | None = None  # the newest article's rowid at the end of this worker's last turn

    def put(self, article: Article, extra: Callable[[Corpus], None] | None = None) -> Stored:
        """Commit one article (or its duplicate record) with `extra` writes in one transaction.

        A failure while judging the article raises an InputError naming it (guard.judging)."""
        seen = article
        with judging(article.source_path or article.title):
            article, verdict, decision, story = self._judge(article)
        if verdict:
            return self._put_non_article(article, verdict, extra)
        if decision.kind == Kind.EXACT:
            with self.corpus.transaction():
                self.corpus.record_duplicate(decision.original_id, "exact", decision.similarity, article)
                if extra:
                    extra(self.corpus)
            return Stored(article, decision)
        with self.corpus.transaction():
            rowid = self.corpus.insert_article(article)
            self.dedup.remember(article, rowid)
            self.stories.remember(article, story)
            self.lines.remember(seen)
            if extra:
                extra(self.corpus)
        return Stored(article, decision, story)

    def _judge(self, article: Article) -> tuple[Article, nonarticle.Verdict | None, Decision | None,
                                               StoryDecision | None]:
        """Everything put decides before writing: the article as stored, and its non-article
        verdict, else its dedup decision and (unless an exact duplicate) its story."""
        stripped = self.lines.strip(article)
        article = stripped if stripped.body.strip() else article
        body, measured = self._measured.pop((article.title, article.body), None) or \
            (nonarticle.strip_furniture(article.body), None)
        article = replace(article, body=body) if body.strip() else article
        ready = self._ahead.pop(article.body, None)
        article = finish(article, digest_hex=ready.content_hash if ready else None)
        verdict = nonarticle.judge(article, self.min_words, measured)
        if verdict:
            return article, verdict, None, None
        decision = self.dedup.check(article, ready)
        if decision.kind == Kind.EXACT:
            return article, None, decision, None
        if decision.kind == Kind.COPY:
            article = replace(article, copy_of=decision.original_id)
        story = self.stories.assign(article)
        return replace(article, story_id=story.story_id), None, decision, story

    def offer(self, article: Article, measured: tuple[str, tuple[int, float]], ready: Ahead | None = None) -> None:
        """An article's body without banners and its furniture figures, worked out ahead
        (`nonarticle.measure`), and the content hash and dedup sketch of the body that leaves
        (`dedup.ahead`); each used only if its text is unchanged when put."""
        self._measured[(article.title, article.body)] = measured
        if ready is not None:
            self._ahead[ready.body] = ready

    @contextmanager
    def turn(self) -> Iterator[None]:
        """One of several workers deciding and committing (inside the caller's transaction): wait for
        the turn, then take in what other workers stored since this one's last turn (their articles'
        story members and waiting dedup postings: rowids are handed out in turn order, so those are
        the rowids past the last one this worker saw)."""
        self.corpus.take_turn()
        newest = self.corpus.last_rowid()
        self.stories.hand_over(self._seen, newest)
        if newest != self._seen:
            self.dedup.reload()
        try:
            yield
        except BaseException:
            self._seen = None  # the turn's writes are rolled back: the next turn reads everything again
            raise
        self._seen = self.corpus.last_rowid()

    def forget_offers(self) -> None:
        """Drop offers never used (the text changed on the way: learned boilerplate was stripped)."""
        self._measured.clear()
        self._ahead.clear()

    def _put_non_article(self, article: Article, verdict: nonarticle.Verdict,
                         extra: Callable[[Corpus], None] | None) -> Stored:
        """Record a text that is not an article (a repeat is an exact duplicate of the first one)."""
        with self.corpus.transaction():
            first = nonarticles.record(self.corpus, article, verdict.reason, verdict.words)
            if extra:
                extra(self.corpus)
        reason = verdict.reason + (f"; the same text as {shown(first)}" if first else "")
        return Stored(article, non_article=NonArticle(reason, repeat=bool(first)))

    def add(self, article: Article, report: IngestReport,
            extra: Callable[[Corpus], None] | None = None) -> str | None:
        """Commit one article, count it in the report; its id (the original's for a duplicate, None if no article)."""
        stored = self.put(article, extra)
        if stored.non_article:
            where = shown(stored.article.source_path or stored.article.title)
            log.warning("%s: not an article (%s)", where, stored.non_article.reason)
            report.non_articles.append((where, stored.non_article.reason))
            return None
        if stored.dedup.kind == Kind.EXACT:
            report.duplicates.append(stored.article.source_path or stored.article.title)
            return stored.dedup.original_id
        (report.copies if stored.article.copy_of else report.added).append(stored.article.id)
        return stored.article.id


def inbox_files(paths: Iterable[Path]) -> list[Path]:
    """Entries to ingest under the given paths, skipping processed/, failed/ and hidden files
    (links and special files included: reading them refuses them with a reason, opening.py)."""
    return opening.scan(paths)


def _free_name(folder: Path, name: str) -> Path:
    """A path in folder that does not overwrite an existing file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    stem, suffix, n = target.stem, target.suffix, 1
    while target.exists():
        target = folder / f"{stem}.{n}{suffix}"
        n += 1
    return target


class Inbox:
    """One workspace's inbox folder with its processed/ and failed/ subfolders."""

    def __init__(self, config: Config):
        self.root = config.path("inbox")
        section = config.settings.ingest
        self.archive = section.archive
        self.defaults = ReadDefaults(
            outlet=section.default_outlet,
            max_bytes=int(section.max_file_mb * 1024 * 1024),
            min_chars=section.min_chars,
            link_roots=opening.link_roots(section.follow_links, self.root, config.root.resolve()),
        )

    def settle(self, path: Path, outcome: Outcome) -> None:
        """Move a file where its committed outcome says: failed/, else processed/ (a note beside it)."""
        if outcome.failed:
            self.fail(path, outcome.reason)
        else:
            self.done(path, outcome.reason)

    def done(self, path: Path, note: str = "") -> None:
        """Archive a file whose articles are committed; `note` (items left out) goes in a .reason file."""
        if self.archive == "delete":
            path.unlink()
        elif self._inside(path):
            target = _free_name(self.root / PROCESSED, path.name)
            shutil.move(str(path), target)
            if note:
                target.with_name(target.name + ".reason").write_text(note + "\n", encoding="utf-8")

    def fail(self, path: Path, reason: str) -> None:
        """Move a file that cannot be ingested aside, with its reason in a .reason file beside it."""
        if not self._inside(path):
            return
        target = _free_name(self.root / FAILED, path.name)
        shutil.move(str(path), target)
        target.with_name(target.name + ".reason").write_text(reason + "\n", encoding="utf-8")

    def claim_name(self, path: Path) -> str:
        """The name a worker claims a file by: its path inside the inbox (the same on every machine)."""
        whole = path.parent.resolve() / path.name
        return str(whole.relative_to(self.root)) if whole.is_relative_to(self.root) else str(whole)

    def _inside(self, path: Path) -> bool:
        """True for an entry of the inbox (a link counts by where it stands, not where it points)."""
        return (path.parent.resolve() / path.name).is_relative_to(self.root)


@dataclass(frozen=True)
class Outcome:
    """Where a file goes once its batch is committed: failed/ with the reason, or processed/
    (with a note on the items left out, if any)."""

    failed: bool = False
    reason: str = ""


def ingest_file(path: Path, inbox: Inbox, store: Store, report: IngestReport,
                got: FileRead | None = None) -> Outcome | None:
    """Ingest one file inside the caller's transaction; where it goes after the commit (None: it stays).

    `got` is the file as a reader process read it (read_ahead); without it the file is read here.
    The file is moved only after the commit, so a record (a non-article's too) and its move agree."""
    if got is None:
        got = read_file(path, inbox.defaults, seen=store.corpus.file_status)
    if got.sha and store.corpus.file_status(got.sha):
        report.already_seen.append(str(path))
        return Outcome()
    if got.unreadable:
        log.error("%s: cannot read (%s)", shown(path), got.unreadable)
        report.failed.append((shown(path), got.unreadable))
        return None
    if got.error:
        return _failed(path, report, str(InputError(*got.error)), got.error[1])
    ids, bad = _add_articles(got, store, report)
    problems = [*got.skipped, *bad]
    if got.articles and not ids and problems:
        why = "; ".join(problems)
        return _failed(path, report, f"{shown(path)}: {why}", why)
    if got.articles and not ids:  # counted and logged as a non-article by Store.add
        return Outcome(failed=True, reason=f"{shown(path)}: not an article ({report.non_articles[-1][1]})")
    store.corpus.record_file(got.sha, str(path), "ingested" if ids else "empty", ids)  # one statement
    if problems:
        log.warning("%s: %d item(s) left out: %s", shown(path), len(problems), "; ".join(problems))
        report.skipped_items.extend((shown(path), problem) for problem in problems)
    return Outcome(reason=f"{shown(path)}: items left out: " + "; ".join(problems) if problems else "")


def _failed(path: Path, report: IngestReport, message: str, reason: str) -> Outcome:
    """Log and count a file that goes to failed/ after the commit."""
    log.error("%s", message)
    report.failed.append((shown(path), reason))
    return Outcome(failed=True, reason=message)


def _add_articles(got: FileRead, store: Store, report: IngestReport) -> tuple[list[str], list[str]]:
    """Commit a file's articles; their ids, and why each one that failed while judged was left out."""
    for terms in got.terms:
        store.stories.offer(terms)
    for article, measured, ready in zip(got.articles, got.measured, got.ahead or repeat(None)):
        store.offer(article, measured, ready)
    ids, bad = [], []
    try:
        for article in got.articles:
            try:
                ids.append(store.add(article, report))
            except InputError as exc:
                bad.append(f"'{shown(article.title[:80])}': {exc.reason}" if len(got.articles) > 1 else exc.reason)
    finally:
        store.forget_offers()
    return [i for i in ids if i], bad


@dataclass(frozen=True)
class FileRead:
    """One file read with no corpus access (so maybe in a reader process): its hash and its
    articles with their story terms, or why it could not be read."""

    sha: str = ""
    articles: tuple[Article, ...] = ()
    terms: tuple[TextTerms, ...] = ()  # story terms of the articles, when worked out ahead
    measured: tuple[tuple[str, tuple[int, float]], ...] = ()  # their nonarticle.measure, the same
    ahead: tuple[Ahead, ...] = ()  # content hash and dedup sketch of their measured bodies, the same
    error: tuple[str, str] | None = None  # InputError (source, reason): the file goes to failed/
    skipped: tuple[str, ...] = ()  # why items of a list were left out (the others are read)
    unreadable: str = ""  # an OSError: the file stays where it is


def read_file(path: Path, defaults: ReadDefaults, seen: Callable[[str], object] | None = None,
              terms: bool = False, sketch: SketchParams | None = None, measure: bool | None = None) -> FileRead:
    """Read and parse one file; stop after hashing it when `seen(sha)` says it was ingested before.

    Also what the ingesting process would work out from the text alone: with `measure` (default:
    `terms`) the non-article figures and, with `sketch` too, the content hash and dedup sketch;
    with `terms` the story terms."""
    try:
        data = opening.read_entry(path, defaults.max_bytes, defaults.link_roots)
    except InputError as exc:
        return FileRead(error=(exc.source, exc.reason))
    except OSError as exc:
        return FileRead(unreadable=str(exc))
    sha = hashlib.sha256(data).hexdigest()
    if seen and seen(sha):
        return FileRead(sha)
    try:
        with judging(path):
            articles, skipped = read_items(path, data, defaults)
            articles = tuple(articles)
            return _worked_out(sha, articles, tuple(skipped), terms, sketch, measure)
    except InputError as exc:
        return FileRead(sha, error=(exc.source, exc.reason))
    except OSError as exc:
        return FileRead(sha, unreadable=str(exc))


def _worked_out(sha: str, articles: tuple[Article, ...], skipped: tuple[str, ...], terms: bool,
                sketch: SketchParams | None, measure: bool | None) -> FileRead:
    """A read file with what read_file was asked to work out from its texts alone."""
    measured = tuple(nonarticle.measure(a) for a in articles) if (terms if measure is None else measure) else ()
    # the body Store.put dedups when no learned boilerplate is stripped: without banners, unless empty
    readies = tuple(ahead(m[0] if m[0].strip() else a.body, sketch) for a, m in zip(articles, measured)) \
        if sketch else ()
    return FileRead(sha, articles, tuple(map(text_terms, articles)) if terms else (), measured, readies,
                    skipped=skipped)


def _exit_with_parent(parent: int) -> None:
    """In the reader process: end it when the ingesting process is gone (killed), not linger."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _read_chunk(paths: list[Path], defaults: ReadDefaults, sketch: SketchParams | None,
                level: int) -> list[FileRead]:
    """Read some files in the reader process with their non-article figures, plus (by `level`)
    their story terms (1) and dedup sketches (2)."""
    return [read_file(path, defaults, terms=level >= 1, sketch=sketch if level >= 2 else None, measure=True)
            for path in paths]


READ_CHUNK = 16  # files per task sent to the reader process
READ_AHEAD = 4  # chunks read ahead of the committing process, at most: bounds memory
TOP_LEVEL = 2  # work a reader chunk can take on beyond reading (_read_chunk)
PARALLEL_MIN_FILES = 64  # fewer files are read in the ingesting process itself


def read_ahead(paths: Sequence[Path], defaults: ReadDefaults,
               sketch: SketchParams | None = None) -> Iterator[FileRead | None]:
    """FileReads of paths in order, made by one reader process a few chunks ahead of the caller;
    None for each path (ingest_file reads it) when there are few files or a single CPU.

    The caller (the ingesting process) keeps every corpus write and every file move, so the
    commit-then-move rule is unchanged; reading, cleaning, language detection and story terms
    of the next files run meanwhile on another CPU. Story terms and dedup sketches (with
    `sketch`) are shared out: the reader takes on one more of them for the next chunk when it
    kept up with the caller (the chunk asked for was ready), one less when the caller waited;
    what it leaves, the caller works out (the same values), so neither process waits long."""
    import multiprocessing  # imported here: only an ingest of many files starts a reader process
    import os
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from itertools import islice

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if len(paths) < PARALLEL_MIN_FILES or cpus < 2:
        yield from repeat(None, len(paths))
        return
    methods = multiprocessing.get_all_start_methods()  # fork: nothing imported again, a fast start
    background_frequencies("en")  # both processes weigh terms by it: loaded once, before the fork shares it
    pool = ProcessPoolExecutor(1, multiprocessing.get_context("fork") if "fork" in methods else None,
                               initializer=_exit_with_parent, initargs=(os.getpid(),))
    chunks = iter([list(paths[i:i + READ_CHUNK]) for i in range(0, len(paths), READ_CHUNK)])
    try:
        level = TOP_LEVEL
        queued = deque(pool.submit(_read_chunk, chunk, defaults, sketch, level)
                       for chunk in islice(chunks, READ_AHEAD))
        given = 0
        while queued:
            head = queued.popleft()
            level = min(level + 1, TOP_LEVEL) if head.done() else max(level - 1, 0)
            try:
                done = head.result()
                queued.extend(pool.submit(_read_chunk, chunk, defaults, sketch, level) for chunk in islice(chunks, 1))
            except BrokenProcessPool:
                log.warning("the reader process died; the ingesting process reads the %d files left itself",
                            len(paths) - given)
                yield from repeat(None, len(paths) - given)
                return
            given += len(done)
            yield from done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ingest(config: Config, corpus: Corpus, paths: Sequence[Path] = (),
           progress: Callable[[Path], None] | None = None, batch: int = BATCH_FILES) -> IngestReport:
    """Ingest the given files or folders (the inbox by default) into the corpus.

    Files are committed in batches (one transaction each); a file leaves the inbox
    only once the batch holding its articles is committed. With many files and more
    than one CPU, a reader process reads the next files meanwhile (read_ahead)."""
    inbox = Inbox(config)
    store = Store(corpus, config)
    report = IngestReport()
    targets = [Path(p) for p in paths] or [inbox.root]
    for target in targets:
        if not target.exists():
            raise InputError(str(target), "no such file or folder")
    explicit = tuple(os.path.realpath(t) for t in targets)  # files and folders named on purpose
    if explicit and inbox.defaults.link_roots:
        inbox.defaults = replace(inbox.defaults, link_roots=inbox.defaults.link_roots + explicit)
    files = inbox_files(targets)
    if corpus.is_postgres:
        _ingest_claimed(files, inbox, store, report, progress, batch)
        log.info("ingest: %s", report.counts())
        return report
    reads = read_ahead(files, inbox.defaults, store.dedup.params)
    try:
        for start in range(0, len(files), batch):
            _commit_batch(((path, next(reads)) for path in files[start:start + batch]), inbox, store, report,
                          progress)
    finally:
        reads.close()  # stops the reader process
    log.info("ingest: %s", report.counts())
    return report


def _commit_batch(items: Iterable[tuple[Path, FileRead | None]], inbox: Inbox, store: Store, report: IngestReport,
                  progress: Callable[[Path], None] | None, turn: ContextManager = nullcontext()) -> None:
    """Decide and commit a batch of (file, what was read) in one transaction, story and outlet line
    counts written once for the batch (`turn`: a worker's turn to decide); then move its files,
    only now that the batch is committed."""
    settled = []
    with store.corpus.transaction(), turn, store.stories.batch(), store.lines.batch():
        for path, got in items:
            outcome = ingest_file(path, inbox, store, report, got)
            if outcome:
                settled.append((path, outcome))
            if progress:
                progress(path)
    for path, outcome in settled:
        inbox.settle(path, outcome)


def _claim(corpus: Corpus, inbox: Inbox, pending: Iterator[Path], batch: int) -> list[Path]:
    """Up to `batch` of the pending files claimed by this worker; a file another worker holds, or
    one already moved out of the inbox, is passed over."""
    chunk: list[Path] = []
    for path in pending:
        name = inbox.claim_name(path)
        if not corpus.claim(name):
            continue
        if os.path.lexists(path):
            chunk.append(path)
            if len(chunk) == batch:
                break
        else:
            corpus.release(name)
    return chunk


def _ingest_claimed(files: Sequence[Path], inbox: Inbox, store: Store, report: IngestReport,
                    progress: Callable[[Path], None] | None, batch: int) -> None:
    """Ingest as one of several workers on a PostgreSQL corpus: a batch of files is claimed, read
    with no lock held, then decided and committed in this worker's turn (so no two workers decide
    on the same corpus state); its files move, then its claims are released. A killed worker's
    transaction is rolled back and its claims released by the server: its files stay in the inbox."""
    corpus, pending = store.corpus, iter(files)
    while chunk := _claim(corpus, inbox, pending, batch):
        try:
            reads = [read_file(path, inbox.defaults, seen=corpus.file_status, terms=True,
                               sketch=store.dedup.params, measure=True) for path in chunk]
            _commit_batch(zip(chunk, reads), inbox, store, report, progress, turn=store.turn())
        finally:
            for path in chunk:
                corpus.release(inbox.claim_name(path))


__all__ = ["IngestReport", "Inbox", "Store", "Stored", "finish", "ingest", "inbox_files"]
