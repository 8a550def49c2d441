"""`digest search`: the corpus's articles matching words or "a phrase", from its full-text index."""
from __future__ import annotations

import json
from datetime import timedelta

import click

from digest.store import search as search_mod
from digest.store import workspace


@click.command()
@click.argument("query")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles dated this day or later.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only articles dated this day or earlier.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000), help="Most articles shown.")
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@click.pass_obj
def search(obj, query, since, until, limit, as_json):
    """Find articles by words (all must occur) or "quoted phrases", best match first."""
    first = since.date().isoformat() if since else None
    before = (until.date() + timedelta(days=1)).isoformat() if until else None
    with workspace.open_corpus(obj.config) as corpus:
        rows = [dict(r) for r in search_mod.search(corpus, query, first, before, limit)]
    if as_json:
        click.echo(json.dumps({"query": query, "articles": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no article matches {query!r}")
    for row in rows:
        click.echo(f"{row['day']}  {row['outlet']}: {row['title']}  (story {row['story_id']})")
        click.echo(f"    {row['snippet']}")


COMMANDS = (search,)
__all__ = ["COMMANDS"]
