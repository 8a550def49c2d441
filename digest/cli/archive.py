"""`digest archive`: the outbox's index.html and Atom feed.xml of every built digest."""
from __future__ import annotations

import click

from digest.render import archive as archive_mod
from digest.store import workspace


@click.command()
@click.option("--rebuild", is_flag=True, help="Write index.html and feed.xml again from the corpus and the outbox.")
@click.pass_obj
def archive(obj, rebuild):
    """Show, or with --rebuild regenerate, the archive in the outbox (index.html, Atom feed.xml)."""
    config = obj.config
    outbox = config.path("outbox")
    if rebuild:
        with workspace.locked_corpus(config) as corpus:
            found = archive_mod.update(config, corpus)
    else:
        with workspace.open_corpus(config) as corpus:
            found = archive_mod.entries(config, corpus)
    base = archive_mod.base_url(config)
    click.echo(f"{len(found)} digests in {outbox / 'index.html'} and {outbox / 'feed.xml'}")
    click.echo(f"feed links: {base + 'feed.xml' if base else 'relative (set [archive] base_url for absolute ones)'}")
    if not rebuild and not (outbox / "feed.xml").is_file():
        click.echo("no feed.xml yet: run `digest archive --rebuild` (every build also updates it)")


COMMANDS = (archive,)

__all__ = ["COMMANDS", "archive"]
