"""Plain-text alternative: wrapped at 72 columns, links as numbered footnotes."""
from __future__ import annotations

import textwrap

from digest.config import Config
from digest.models import Digest
from digest.render.environment import (
    PointView,
    RoundupView,
    SourceView,
    StoryView,
    TimelineView,
    base_context,
    by_outlet,
    long_date,
    plural,
)
from digest.text.unicode_safety import neutralise

WIDTH = 72
RULE = "=" * WIDTH
THIN = "-" * WIDTH
ALSO_OUTLETS = 5  # outlets named for an "also" story (as in the email); the rest are counted


def _fill(text: str, indent: str = "", hanging: str | None = None) -> str:
    """Wrap one paragraph at WIDTH columns without breaking words or URLs."""
    return textwrap.fill(" ".join(str(text).split()), width=WIDTH, initial_indent=indent,
                         subsequent_indent=indent if hanging is None else hanging,
                         break_long_words=False, break_on_hyphens=False)


def _cite(sources: tuple[SourceView, ...]) -> str:
    """'3 sources: NV [1], Reuters [2] (also carried by Yahoo), AP [3]'."""
    names = []
    for outlet, items in by_outlet(sources):
        if len(items) > 1:  # "Reuters, 13 reports [4] [5] ...": one outlet, each report's footnote
            names.append(f"{outlet}, {len(items)} reports " + " ".join(f"[{s.number}]" for s in items))
            continue
        also = f" (also carried by {', '.join(items[0].carried_by)})" if items[0].carried_by else ""
        names.append(f"{outlet} [{items[0].number}]{also}")
    return f"{plural(len(sources), 'source')}: {', '.join(names)}"


def _contents(stories: tuple[StoryView, ...]) -> list[str]:
    """Numbered story titles, under topic headings when stories have topics."""
    lines: list[str] = []
    grouped = any(s.topic for s in stories)
    for i, story in enumerate(stories):
        if grouped and (i == 0 or story.topic != stories[i - 1].topic):
            lines += ([""] if lines else []) + [f"    {(story.topic or 'Other news').upper()}"]
        lines.append(_fill(f"{story.title}{' (update)' if story.is_update else ''}",
                           indent=f"{story.number:>2}. ", hanging="    "))
    return lines


def _story(story: StoryView) -> list[str]:
    """The lines of one story."""
    badge = " (UPDATE)" if story.is_update else ""
    lines = ["", RULE, _fill(f"{story.number}. {story.title.upper()}{badge}"), RULE]
    if story.is_update and story.since:
        lines.append(_fill(f"Update \u00b7 first sent {story.since}"))
    if story.topic:
        lines.append(_fill(f"Topic: {story.topic}"))
    if story.lede:
        lines += ["", _fill(story.lede)]
    if story.read_count is not None:
        lines += ["", _fill(f"(Condensed from {plural(story.articles_count, 'article')}, {story.read_count} read.)")]
    for section in story.sections:
        lines.append("")
        if section.heading:
            lines += [_fill(section.heading.upper()), ""]
        for point in section.points:
            lines.append(_fill(point.text, indent="  * ", hanging="    "))
            if point.sources:
                lines.append(_fill(f"({_cite(point.sources)})", indent="    "))
    if story.sources:
        lines += ["", _fill(f"Sources of this story: {_cite(story.sources).split(': ', 1)[1]}")]
    return lines


def _overview(points: tuple[PointView, ...]) -> list[str]:
    """A brief's overview: its most central points across the stories, each cited."""
    if not points:
        return []
    lines = ["", RULE, "OVERVIEW", RULE]
    for point in points:
        lines.append(_fill(point.text, indent="  * ", hanging="    "))
        if point.sources:
            lines.append(_fill(f"({_cite(point.sources)})", indent="    "))
    return lines


def _timeline(entries: tuple[TimelineView, ...], more: int) -> list[str]:
    """A brief's timeline: a line per story (day, headline, outlets), the stories not listed counted."""
    if not entries and not more:
        return []
    lines = ["", RULE, "TIMELINE", RULE, ""]
    for entry in entries:
        groups = by_outlet(entry.sources)
        outlets = ", ".join(o if len(items) == 1 else f"{o} ({len(items)} reports)" for o, items in groups[:3])
        if len(groups) > 3:
            outlets += f" +{len(groups) - 3:,}"
        lines.append(_fill(f"{entry.date.isoformat()}  {entry.title} ({outlets})", hanging=" " * 11))
    if more:
        lines += ([""] if entries else []) + [_fill(f"and {plural(more, 'more story', 'more stories')} in the PDF "
                                                    f"briefing and in digest.json.")]
    return lines


def _roundups(roundups: tuple[RoundupView, ...], limit: int | None) -> list[str]:
    """Each roundup: its heading, a line per report with its link (the first `limit`), the rest counted."""
    lines: list[str] = []
    for roundup in roundups:
        listed = roundup.lines if limit is None else roundup.lines[:limit]
        lines += ["", RULE, _fill(f"ROUNDUP: {roundup.heading.upper()}"), RULE, _fill(f"{roundup.outlet}, {roundup.day}"), ""]
        for line in listed:
            text = f"{line.entity}: {line.text}" if line.text else line.entity
            lines.append(_fill(f"{text} ({line.outlet}: {line.url or 'no link'})", indent="  * ", hanging="    "))
        if len(roundup.lines) > len(listed):
            lines += ["", _fill(f"and {len(roundup.lines) - len(listed):,} more in the PDF briefing and in digest.json.")]
    return lines


def _also(stories: tuple[StoryView, ...], more: int) -> list[str]:
    """Headline-only stories past the story budget with their outlets, and how many more are left out."""
    if not stories and not more:
        return []
    lines = ["", RULE, "ALSO IN THE NEWS", RULE, ""]
    for story in stories:
        badge = " (update)" if story.is_update else ""
        outlets = ", ".join(source.outlet for source in story.sources[:ALSO_OUTLETS])
        if len(story.sources) > ALSO_OUTLETS:
            outlets += f" +{len(story.sources) - ALSO_OUTLETS:,}"
        lines.append(_fill(f"{story.title}{badge} ({plural(len(story.sources), 'source')}: {outlets})",
                           indent="  * ", hanging="    "))
    if more:
        lines += ([""] if stories else []) + [_fill(f"{plural(more, 'more story', 'more stories')} in the PDF "
                                                    f"briefing and in digest.json.")]
    return lines


def _footnotes(sources: tuple[SourceView, ...]) -> list[str]:
    """The numbered list of every cited article with its link."""
    if not sources:
        return []
    lines = ["", THIN, "SOURCES", ""]
    for source in sources:
        lines.append(_fill(f"[{source.number}] {source.outlet}: {source.title} ({source.published})",
                           hanging=" " * (len(str(source.number)) + 3)))
        pad = " " * (len(str(source.number)) + 3)
        lines.append(pad + (source.url or "(no link)"))
        for outlet, url in source.copies:
            lines.append(_fill(f"also carried by {outlet}: {url or '(no link)'}", indent=pad))
    return lines


def render_text(digest: Digest, config: Config, also_limit: int | None = None,
                roundup_lines: int | None = None) -> str:
    """The whole digest as plain text that reads well on its own; `also_limit` lists only the top
    "also" stories and `roundup_lines` the first lines of each roundup (as many as the HTML email
    holds; None: [email] roundup_lines)."""
    ctx = base_context(digest, config)
    stories, sources = ctx["stories"], ctx["sources"]
    lines = [_fill(ctx["title"].upper()), long_date(digest.date),
             f"{plural(len(stories), 'story', 'stories')} from {plural(len(sources), 'source')}"
             + (f", {plural(len(ctx['roundups']), 'roundup')}" if ctx["roundups"] else "")]
    if stories or ctx["roundups"]:
        lines += ["", "CONTENTS", ""]
        lines += _contents(stories) + [_fill(f"Roundup: {r.heading}", indent="    ") for r in ctx["roundups"]]
    else:
        lines += ["", "No new stories since the last digest."]
    also = ctx["also"] if also_limit is None else ctx["also"][:also_limit]
    carried = {s.id for s in digest.stories} | {s.id for s in digest.also[:len(also)]}
    timeline = tuple(e for e in ctx["timeline"] if e.story in carried)  # as the HTML email lists it
    lines += _overview(ctx["overview"]) + _timeline(timeline, len(ctx["timeline"]) - len(timeline))
    for story in stories:
        lines += _story(story)
    lines += _roundups(ctx["roundups"], config.settings.email.roundup_lines if roundup_lines is None else roundup_lines)
    lines += _also(also, len(ctx["also"]) - len(also))
    lines += _footnotes(sources)
    if digest.notes:
        lines += ["", THIN] + [_fill(note) for note in digest.notes]
    return neutralise("\n".join(lines).rstrip() + "\n")  # an old corpus may still hold bidi controls
