"""The `digest` command line: each command wires library stages together and nothing more."""
from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path

import click

from digest import config as config_mod
from digest.cli import archive as archive_commands
from digest.cli import corpus as corpus_commands
from digest.cli import follow as follow_commands
from digest.cli import ops
from digest.cli import search as search_commands
from digest.cli.ops import progress_bar, record_run
from digest.errors import DigestError
from digest.ingest import inbox
from digest.render import archive as archive_mod
from digest.store import audit, digests, engine, faults, nonarticles, workspace

log = logging.getLogger("digest")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _build_mod():
    """The build stage, imported on first use: it loads scikit-learn, which `ingest` does not need."""
    from digest import build

    return build


def _setup_logging(verbose: int, quiet: bool) -> None:
    """Our messages at the chosen level on stderr; other libraries' only from warnings up (-vv: all)."""
    level = logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO)
    logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.WARNING,
                        handlers=[logging.StreamHandler(sys.stderr)],
                        force=True, format=LOG_FORMAT)
    logging.getLogger("digest").setLevel(level)


class Context:
    """What every command needs: the config file path, loaded on demand."""

    def __init__(self, config_path: str):
        self.config_path = config_path
        self._config = None

    @property
    def config(self) -> config_mod.Config:
        """The workspace settings, loaded once; adds the log file handler when one is set."""
        if self._config is None:
            self._config = config_mod.load(self.config_path)
            log_file = self._config.settings.paths.log_file
            if log_file:
                handler = logging.FileHandler(self._config.root / log_file, encoding="utf-8")
                handler.setFormatter(logging.Formatter(LOG_FORMAT))
                logging.getLogger().addHandler(handler)
        return self._config

    def where(self, exc: BaseException) -> tuple[Path, Path | None]:
        """The folder a failed write went to (the file's, else the corpus's) and the corpus file."""
        corpus = self._config.path("corpus") if self._config is not None else None
        target = getattr(exc, "filename", None)
        if target:
            return Path(target).parent, corpus
        return (corpus.parent if corpus else Path(self.config_path).resolve().parent), corpus


class DigestGroup(click.Group):
    """Catches DigestError once and prints it as a one-line error."""

    def invoke(self, ctx):
        """Run the command; a DigestError, a full disk or a damaged corpus becomes `error: ...` on
        stderr and exit status 1."""
        try:
            return super().invoke(ctx)
        except DigestError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except (OSError, *engine.DRIVER_ERRORS) as exc:
            error = faults.storage_error(exc, *ctx.obj.where(exc)) if ctx.obj else None
            if error is None:
                raise
            click.echo(f"error: {error}", err=True)
            sys.exit(1)


@click.group(cls=DigestGroup)
@click.version_option(package_name="digest", prog_name="digest")
@click.option("--config", "config_path", default=config_mod.CONFIG_NAME, show_default=True,
              envvar="DIGEST_CONFIG", help="Workspace settings file; paths in it are relative to it.")
@click.option("-v", "--verbose", count=True, help="More log output (debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@click.pass_context
def cli(ctx, config_path, verbose, quiet):
    """Turn an inbox folder and news feeds into a deduplicated, condensed daily digest."""
    _setup_logging(verbose, quiet)
    ctx.obj = Context(config_path)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--force", is_flag=True, help="Overwrite an existing digest.toml.")
def init(folder, force):
    """Create a workspace in FOLDER with a commented digest.toml, inbox/ and outbox/."""
    path = workspace.init(folder, force=force)
    click.echo(f"created {path}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
def ingest(obj, paths):
    """Ingest PATHS (files or folders; the inbox by default) into the corpus."""
    config = obj.config
    files = inbox.inbox_files([Path(p) for p in paths] or [config.path("inbox")])
    with workspace.locked(config, shared=True), workspace.open_corpus(config) as corpus, \
            progress_bar(len(files), "ingest") as progress:  # shared: ingest workers on PostgreSQL
        report = record_run(corpus, "ingest", lambda: inbox.ingest(config, corpus, paths, progress), shared=True)
    _echo_ingest(report)


def _echo_ingest(report) -> None:
    """Print an ingest's counts, then each failed file and why on stderr."""
    counts = report.counts()
    click.echo(", ".join(f"{v} {k.replace('non_', 'non-').replace('_', ' ')}" for k, v in counts.items()))
    for path, reason in report.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    for path, reason in report.non_articles:
        click.echo(f"not an article: {path}: {reason}", err=True)


@cli.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Digest date (default: today).")
@click.option("--again", is_flag=True, help="Re-render the digest already built for --date; the corpus is not changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the digest as JSON on stdout.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]),
              help="Digest unsent articles dated from this day on, archived ones included "
                   "(default: the last [build] max_age_days days).")
@click.pass_obj
def build(obj, day, again, as_json, since):
    """Turn what is new in the corpus into stories and render the outputs."""
    config = obj.config
    day = day.date() if day else None
    if again and since:
        raise click.UsageError("--since picks what a new digest covers; it cannot be used with --again")
    with workspace.locked_corpus(config) as corpus:
        if again:
            result = _rebuild_day(config, corpus, day or _build_mod().today(config))
        else:
            result = _build_mod().build(config, corpus, day, since.date() if since else None)
    _echo_build(result, as_json)


def _rebuild_day(config, corpus, day: date):
    """Re-render the last digest built on a day."""
    ids = _build_mod().digest_ids_for(corpus, day)
    if not ids:
        raise DigestError(f"no digest was built on {day}; build one first with `digest build`")
    result = _build_mod().rebuild(config, corpus, ids[-1])
    archive_mod.after_build(config, corpus)
    return result


def _echo_build(result, as_json: bool) -> None:
    """Print a build as JSON, or its story count and output files."""
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    if not result.digest.stories and not result.digest.roundups:
        click.echo("Nothing new since the last digest: no stories.")
        return
    roundups = f" and {len(result.digest.roundups)} roundups" if result.digest.roundups else ""
    click.echo(f"{len(result.digest.stories)} stories{roundups} in digest {result.digest_id}")
    for kind, path in sorted(result.outputs.items()):
        click.echo(f"  {kind:5} {path}")


@cli.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Digest date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the digest as JSON on stdout.")
@click.pass_obj
def run(obj, day, as_json):
    """The daily job: fetch feeds, ingest the inbox, build the digest, deliver it as configured."""
    from digest.deliver import daily
    from digest.deliver.schedule import StopFlag

    config = obj.config
    files = inbox.inbox_files([config.path("inbox")])
    with StopFlag(), workspace.locked(config, shared=True), workspace.open_corpus(config) as corpus, \
            progress_bar(len(files), "ingest") as progress:  # shared: several run workers on PostgreSQL
        report = record_run(corpus, "run", lambda: daily.run_daily(
            config, corpus, day.date() if day else None, progress), shared=True)
    if not as_json:
        if report.fetch:
            ops.echo_fetch(report.fetch)
        _echo_ingest(report.ingest)
    if report.build:
        _echo_build(report.build, as_json)
    for ident in report.deliver.sent if report.deliver else ():
        click.echo(f"sent digest {ident}", err=as_json)
    for ident, reason in report.deliver.failed if report.deliver else ():
        click.echo(f"failed: delivery of digest {ident}: {reason}", err=True)
    for warning in report.deliver.warnings if report.deliver else ():
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (published date).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included.")
@click.option("--topic", help="Only stories whose articles contain this keyword or phrase.")
@click.option("--story", "story_id", help="Only this story id (see digest.json or dedup-report).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default brief.pdf or brief.html; with --json, none unless given).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]),
              help="pdf or html (default: the suffix of -o, else pdf).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the brief as digest JSON (overview and timeline included).")
@click.pass_obj
def brief(obj, since, until, topic, story_id, output, fmt, as_json):
    """Write a one-off briefing (PDF or HTML) from the corpus for a date range, a topic or one story:
    an overview of all its stories, a dated timeline, then the stories."""
    from digest import brief as brief_mod
    from digest.jsonio import digest_to_dict

    selection = brief_mod.Selection(since.date() if since else None, until.date() if until else None,
                                    topic, story_id)
    fmt = brief_mod.output_format(output, fmt)
    with workspace.open_corpus(obj.config) as corpus:
        if as_json and output is None:
            digest = brief_mod.compose(obj.config, corpus, selection)
        else:
            output = output or Path(f"brief.{fmt}")
            digest = brief_mod.brief(obj.config, corpus, selection, output, fmt)
    if as_json:
        click.echo(json.dumps(digest_to_dict(digest), ensure_ascii=False, indent=2))
    else:
        click.echo(f"{len(digest.stories)} stories written to {output}")


@cli.command()
@click.option("--digest", "digest_id", help="Digest id to show (default: the latest).")
@click.option("--port", type=int, default=8025, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.pass_obj
def preview(obj, digest_id, port, open_browser):
    """Serve a digest on 127.0.0.1: email at 600 and 375 px, plain text, PDF; reloads on template changes."""
    from digest.render import preview as preview_mod

    config = obj.config
    with workspace.open_corpus(config) as corpus:
        folder = _build_mod().digest_dir(config, corpus, digest_id)

    def ready(url: str) -> None:
        click.echo(f"previewing {folder} at {url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    preview_mod.serve(lambda: config_mod.load(obj.config_path), folder, port=port, on_ready=ready)


@cli.command("dedup-report")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: all).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def dedup_report(obj, since, until, as_json):
    """List duplicate groups and stories of a date range with the similarities that decided them."""
    from digest.store import audit

    with workspace.open_corpus(obj.config) as corpus:
        since, until = (since.date() if since else None), (until.date() if until else None)
        report = audit.report(corpus, since, until) | {"non_articles": nonarticles.listing(corpus, since, until)}
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(f"{len(report['duplicate_groups'])} duplicate groups, {len(report['stories'])} stories, "
               f"{len(report['non_articles'])} non-articles")
    for item in report["non_articles"]:
        click.echo(f"\nnot an article, seen {item['seen_count']}x: {item['source_path'] or item['title']}\n"
                   f"  {item['reason']}")
    for group in report["duplicate_groups"]:
        original = group["original"]
        click.echo(f"\n{original['id']} {original.get('outlet', '?')}: {original.get('title', '')}")
        for dup in group["exact"]:
            click.echo(f"  exact  {dup['outlet']}: {dup['title']} ({dup['source_path']})")
        for copy in group["copies"]:
            click.echo(f"  copy   {copy['id']} {copy['outlet']}: {copy['reason']}")
    for story in report["stories"]:
        click.echo(f"\nstory {story['id']}: {story['title']} ({', '.join(story['outlets'])})")
        for article in story["articles"]:
            click.echo(f"  {article['day']} {article['id']} {article['outlet']}: {article['reason']}")
        for merge in story["merges"]:
            click.echo(f"  merged (by {merge['article_id']}): {merge['merge']}")
        for apart in story["kept_apart"]:
            click.echo(f"  kept apart from story {apart['story_id']} (closest: {apart['article_id']}): {apart['why']}")


@cli.command()
@click.pass_obj
def status(obj):
    """Show corpus size, stories, recent digests and the last runs."""
    config = obj.config
    with workspace.open_corpus(config) as corpus:
        click.echo(f"workspace: {config.root}")
        click.echo(f"corpus:    {corpus.path} (schema version {corpus.schema_version()})")
        for key, value in corpus.stats().items():
            click.echo(f"  {key.replace('_', ' '):20} {value}")
        failed = list((config.path("inbox") / inbox.FAILED).glob("*.reason"))
        click.echo(f"  {'inbox failed files':20} {len(failed)}")
        texts, seen = nonarticles.count(corpus)
        click.echo(f"  {'non-articles':20} {texts} texts, seen {seen} times (see dedup-report)")
        click.echo("last digests:")
        for row in digests.recent(corpus):
            click.echo(f"  {row['id']:14} built {row['built_at']}  {row['outdir']}")
        click.echo("last runs:")
        for row in corpus.last_runs():
            click.echo(f"  #{row['id']} {row['kind']:7} {row['started_at']} {row['status']} {row['counts']}")
            for error in json.loads(row["errors"])[:5]:
                click.echo(f"      {error}")
        for line in ops.status_lines(config, corpus) + follow_commands.followed_lines(corpus):
            click.echo(line)
        click.echo("last duplicate decisions:")
        for row in audit.recent_copies(corpus):
            click.echo(f"  {row['article_id']} {row['kind']}: {row['reason']}")


for _command in (ops.COMMANDS + corpus_commands.COMMANDS + archive_commands.COMMANDS + search_commands.COMMANDS
                 + follow_commands.COMMANDS):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="digest")


if __name__ == "__main__":
    main()
