"""`digest follow` / `digest unfollow`: stories kept open past [stories] window_days, listed by `status`."""
from __future__ import annotations

import click

from digest.errors import DigestError
from digest.store import follows, workspace
from digest.store.corpus import Corpus


@click.command()
@click.argument("story_id")
@click.pass_obj
def follow(obj, story_id):
    """Follow a story: later articles that match it strongly join it past [stories] window_days."""
    config = obj.config
    with workspace.locked_corpus(config) as corpus:
        if not follows.story_exists(corpus, story_id):
            raise DigestError(f"{config.path('corpus')}: no story {story_id!r}; story ids are in digest.json "
                              "(stories[].id), `digest search` and `digest dedup-report`")
        new = follows.follow(corpus, story_id)
    click.echo(f"following story {story_id}" if new else f"story {story_id} was followed already")


@click.command()
@click.argument("story_id")
@click.pass_obj
def unfollow(obj, story_id):
    """Stop following a story: it closes after [stories] window_days again."""
    config = obj.config
    with workspace.locked_corpus(config) as corpus:
        ended = follows.unfollow(corpus, story_id)
    if not ended:
        raise DigestError(f"story {story_id!r} is not followed; `digest status` lists the followed stories")
    click.echo(f"no longer following story {story_id}")


def followed_lines(corpus: Corpus) -> list[str]:
    """Lines for `digest status`: the followed stories, with their size and latest day."""
    rows = follows.followed(corpus)
    lines = [f"followed stories: {len(rows)}" + ("" if rows else " (`digest follow STORY_ID`)")]
    for row in rows:
        lines.append(f"  {row['story_id']} {row['title']!r}: {row['articles']} articles, latest "
                     f"{row['last_day'] or '-'}, followed since {row['followed_at'][:10]}")
    return lines


COMMANDS = (follow, unfollow)
__all__ = ["COMMANDS", "followed_lines"]
