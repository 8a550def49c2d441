"""Operations commands: `digest fetch`, `digest feeds ...`, `digest send`, `digest schedule`.

Each command only wires library functions together; digest.cli adds them to the
main group. Writes happen under the workspace lock and are recorded as runs.
"""
from __future__ import annotations

import logging
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from digest.deliver import schedule as schedule_mod
from digest.deliver import smtp as deliver
from digest.errors import ConfigError, DigestError
from digest.files import write_atomic
from digest.ingest import feeds as feeds_mod
from digest.ingest import feedtoml, opml
from digest.models import utcnow
from digest.store import digests, engine, feedstate, recovery, workspace
from digest.store.corpus import Corpus
from digest.store.faults import storage_error

log = logging.getLogger(__name__)


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[Any], None] | None]:
    """A progress callback drawing a bar on a terminal; None (quiet) under cron or a pipe."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield lambda _item: bar.update(1)


def record_run(corpus: Corpus, kind: str, step: Callable[[], Any], shared: bool = False) -> Any:
    """Run a step and record it (start, end, counts, errors) in the corpus runs table.

    Called under the workspace lock, so runs still marked 'running' are dead: they are marked 'died'
    (not under a `shared` lock on PostgreSQL: other ingest workers' runs are alive)."""
    if not (shared and corpus.is_postgres):
        corpus.mark_dead_runs(f"a {kind} run")
    run_id = corpus.start_run(kind)
    try:
        result = step()
    except BaseException as exc:
        if isinstance(exc, sqlite3.DatabaseError):
            corpus.distrust()
        where = Path(exc.filename).parent if getattr(exc, "filename", None) else corpus.path.parent
        error = storage_error(exc, where, corpus.path)  # a full disk, a damaged corpus: in words
        try:
            corpus.finish_run(run_id, "failed", {}, [str(error or exc) or type(exc).__name__])
        except engine.DRIVER_ERRORS as again:  # a full disk: the first error is the one to report
            log.warning("run #%s: its failure could not be recorded (%s)", run_id, again)
        if error is not None:
            raise error from exc
        raise
    errors = [f"{where}: {reason}" for where, reason in getattr(result, "failed", [])]
    corpus.finish_run(run_id, "ok with errors" if errors else "ok", result.counts(), errors)
    return result


def fetch_feeds(config, force: bool = False) -> feeds_mod.FetchReport:
    """Poll the feeds under the lock and record the run: `digest fetch` and the schedule's polling
    (shared: on PostgreSQL several fetch and ingest workers run at once, feeds.py)."""
    with workspace.locked_corpus(config, shared=True) as corpus:
        with progress_bar(len(config.feeds), "feeds") as progress:
            return record_run(corpus, "fetch",
                              lambda: feeds_mod.fetch_all(config, corpus, progress=progress, force=force),
                              shared=True)


def echo_fetch(report: feeds_mod.FetchReport) -> None:
    """Print a fetch's counts, then each feed's problem on stderr."""
    counts = {k: v for k, v in report.counts().items() if v}
    click.echo(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()) or "no feeds configured")
    for url, new in report.moved:
        click.echo(f"moved: {url} -> {new}: update url in digest.toml", err=True)
    for url, reason in report.failed:
        click.echo(f"failed: {url}: {reason}", err=True)
    for url, warning in report.warnings:
        click.echo(f"warning: {url}: {warning}", err=True)


@click.command()
@click.option("--force", is_flag=True, help="Also poll feeds backing off after errors or disabled by HTTP 410.")
@click.pass_obj
def fetch(obj, force):
    """Poll the [[feed]]s of digest.toml and store their new entries in the corpus."""
    echo_fetch(fetch_feeds(obj.config, force))


@click.group()
def feeds():
    """List, add, import, export, remove, disable and enable the news feeds listed in digest.toml."""


def _config_file(config) -> Path:
    """The digest.toml that `feeds add`, `import`, `remove`, `disable` and `enable` edit."""
    if config.file is None:
        raise ConfigError("no digest.toml to write to; pass --config PATH")
    return Path(config.file)


@feeds.command("list")
@click.pass_obj
def feeds_list(obj):
    """Show each feed with its state: last check, errors, back-off, entries taken."""
    config = obj.config
    specs = feeds_mod.feed_specs(config)
    if not specs:
        click.echo("no feeds: add one with `digest feeds add URL` or `digest feeds import FILE.opml`")
        return
    with workspace.open_corpus(config) as corpus:
        states = {row["url"]: row for row in feedstate.feed_rows(corpus)}
    for spec in specs:
        row = states.get(spec.url, {})
        label = " ".join(x for x in (spec.name, f"[{spec.topic}]" if spec.topic else "",
                                     "(full article)" if spec.full_article else "",
                                     "(disabled: not fetched)" if not spec.enabled else "") if x)
        click.echo(f"{spec.url}  {label}".rstrip())
        click.echo(f"    {row.get('status', 'never fetched')}, checked {row.get('checked_at') or '-'}, "
                   f"{row.get('entries', 0)} entries, {row.get('failures', 0)} failures in a row")
        if row.get("next_try"):
            click.echo(f"    backing off until {row['next_try']}")
        if row.get("fetch_url") and row["fetch_url"] != spec.url:
            click.echo(f"    moved to {row['fetch_url']}: update url in digest.toml")
        if row.get("last_error"):
            click.echo(f"    last error: {row['last_error']}")


@feeds.command("add")
@click.argument("url")
@click.option("--name", default="", help="Outlet name shown in the digest (default: the feed's title).")
@click.option("--topic", default="", help="Topic or section for this feed's articles.")
@click.option("--full-article", is_flag=True, help="Fetch each entry's page: for feeds that carry only teasers.")
@click.pass_obj
def feeds_add(obj, url, name, topic, full_article):
    """Append a [[feed]] table for URL to digest.toml (comments and layout are kept)."""
    config = obj.config
    spec = feeds_mod.FeedSpec(url=url.strip(), name=name, topic=topic, full_article=full_article)
    if not spec.url.startswith(("http://", "https://")):
        raise ConfigError(f"{url!r}: a feed url starts with http:// or https://")
    with workspace.locked(config):
        added = opml.append_feeds(_config_file(config), [spec])
    if not added:
        raise ConfigError(f"{spec.url} is already a [[feed]] in {config.file}")
    click.echo(f"added {spec.url} to {config.file}; run `digest fetch` to poll it")


@feeds.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def feeds_import(obj, file):
    """Append the feeds of an OPML export (any feed reader) to digest.toml; folders become topics."""
    config = obj.config
    specs = opml.read_opml(file)
    with workspace.locked(config):
        added = opml.append_feeds(_config_file(config), specs, comment=f"imported from {file.name}")
    click.echo(f"{len(added)} feeds added, {len(specs) - len(added)} already listed, from {file}")


@feeds.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def feeds_export(obj, file):
    """Write the feeds as OPML 2.0 (topics as folders) to FILE, or to stdout without FILE."""
    config = obj.config
    created = opml.file_time(config.file) if config.file else utcnow()
    text = opml.write_opml(feeds_mod.feed_specs(config), config.settings.digest.title, created)
    if file is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(file, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot write the OPML export ({exc.strerror or exc}); "
                          "choose a writable path") from exc
    click.echo(f"{len(feeds_mod.feed_specs(config))} feeds written to {file}", err=True)


@feeds.command("remove")
@click.argument("url")
@click.pass_obj
def feeds_remove(obj, url):
    """Delete the [[feed]] table of URL from digest.toml (comments elsewhere are kept)."""
    with workspace.locked(obj.config):
        feedtoml.remove_feed(_config_file(obj.config), url)
    click.echo(f"removed {url.strip()} from {obj.config.file}")


@feeds.command("disable")
@click.argument("url")
@click.pass_obj
def feeds_disable(obj, url):
    """Keep the feed of URL listed in digest.toml but stop fetching it (enabled = false)."""
    _switch(obj.config, url, False)
    click.echo(f"disabled {url.strip()}: `digest fetch` skips it until `digest feeds enable`")


@feeds.command("enable")
@click.argument("url")
@click.pass_obj
def feeds_enable(obj, url):
    """Fetch the feed of URL again after `digest feeds disable` (enabled = true)."""
    _switch(obj.config, url, True)
    click.echo(f"enabled {url.strip()}; run `digest fetch` to poll it")


def _switch(config, url: str, enabled: bool) -> None:
    """Set one feed's `enabled` in digest.toml under the workspace lock."""
    with workspace.locked(config):
        feedtoml.set_enabled(_config_file(config), url, enabled)


@click.command()
@click.option("--digest", "digest_id", help="Digest id (YYYY-MM-DD[-N]); default: every undelivered recent one.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; nothing is mailed or marked.")
@click.pass_obj
def send(obj, digest_id, dry_run):
    """Mail built digests over SMTP ([smtp], [email] to); a failure is retried by the next run."""
    config = obj.config
    with workspace.locked_corpus(config) as corpus:
        if dry_run:
            report = deliver.send_digest(config, corpus, digest_id, dry_run=True)
        else:
            report = record_run(corpus, "send", lambda: deliver.send_digest(config, corpus, digest_id))
    for text in report.previews:
        click.echo(text)
    for ident in report.sent:
        click.echo(f"sent digest {ident}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not (report.previews or report.sent or report.failed):
        click.echo("nothing to send: every recent digest was delivered (use --digest ID to resend)")
    for ident, reason in report.failed:
        click.echo(f"failed: digest {ident}: {reason}", err=True)
    if report.failed:
        sys.exit(1)


def status_lines(config, corpus: Corpus) -> list[str]:
    """Lines for `digest status`: the next scheduled run, feeds in trouble, undelivered digests."""
    lines = []
    try:
        nxt = schedule_mod.next_run(config)
        lines.append(f"next scheduled run: {nxt:%Y-%m-%d %H:%M %Z} (`digest schedule`, [schedule] at)")
    except ConfigError as exc:
        lines.append(f"schedule: {exc}")
    rows = feedstate.feed_rows(corpus)
    configured = {spec.url for spec in feeds_mod.feed_specs(config)}
    bad = [r for r in rows if r["url"] in configured and r["status"] in ("error", "disabled")]
    lines.append(f"feeds: {len(configured)} configured, {len(bad)} failing")
    for row in bad:
        wait = f", next try {row['next_try']}" if row["next_try"] else ""
        lines.append(f"  {row['url']}: {row['status']} ({row['failures']}x{wait}): {row['last_error']}")
    pending = digests.undelivered(corpus)
    if pending:
        lines.append(f"undelivered digests: {', '.join(r[0] for r in pending[-5:])} (`digest send`)")
    saved = recovery.backups(config)
    lines.append(f"corpus backups: {len(saved)} in {config.path('backups')}"
                 + (f", newest {saved[-1].name}" if saved else " (the daily run makes one; `digest corpus backup`)"))
    unsure = deliver.unconfirmed(corpus)
    if unsure:
        lines.append(f"unconfirmed deliveries: {', '.join(i for i, _ in unsure)} (sending began but the process "
                     "stopped before the server's answer was recorded: check the mailbox, then "
                     "`digest send --digest ID` to resend)")
    return lines


def _daily_job(ctx: click.Context) -> Callable[[], None]:
    """The `digest run` command of the main group, invoked with its defaults."""
    root = ctx.find_root()
    run = root.command.get_command(root, "run") if isinstance(root.command, click.Group) else None
    if run is None:
        raise DigestError("the `run` command is missing from this digest build; it is the scheduled job")
    return lambda: ctx.invoke(run)


@click.command("schedule")
@click.pass_context
def schedule(ctx):
    """Run the daily job at [schedule] at times in the foreground (systemd, containers, a terminal)."""
    config = ctx.obj.config
    schedule_mod.daily_times(config)
    nxt = schedule_mod.next_run(config)
    click.echo(f"digest schedule: next run {nxt:%Y-%m-%d %H:%M %Z}; stop with Ctrl-C or SIGTERM", err=True)
    poll = None
    if config.settings.schedule.poll_minutes > 0 and config.feeds:
        poll = lambda: echo_fetch(fetch_feeds(config))  # noqa: E731
    schedule_mod.run_forever(config, _daily_job(ctx), poll_job=poll)


COMMANDS = (fetch, feeds, send, schedule)

__all__ = ["COMMANDS", "echo_fetch", "status_lines", "feeds", "fetch", "fetch_feeds", "progress_bar", "record_run",
           "schedule", "send"]
