"""Jinja2 environment (workspace templates first, then the built-in ones) and the view model."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit

import jinja2
import markupsafe

from digest import __version__
from digest.config import Config
from digest.errors import RenderError
from digest.models import Article, Digest, Roundup, Section, SectionKind, Story
from digest.text.unicode_safety import direction, neutralise

SAFE_SCHEMES = ("http", "https")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def builtin_dir() -> Path:
    """Folder of the built-in templates (package digest.templates), wherever digest is installed."""
    try:
        return Path(str(resources.files("digest.templates")))
    except (ModuleNotFoundError, NotADirectoryError, TypeError):
        return Path(__file__).resolve().parents[2] / "templates"


def user_dir(config: Config) -> Path:
    """The workspace's own templates folder ([paths] templates)."""
    return config.path("templates")


def make_environment(config: Config) -> jinja2.Environment:
    """Environment searching workspace templates, then built-ins; "default:NAME" is always the built-in."""
    builtin = jinja2.FileSystemLoader(str(builtin_dir()))
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({"default": builtin}, delimiter=":"),
        jinja2.FileSystemLoader(str(user_dir(config))),
        builtin,
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=neutral_output,
    )
    env.filters["safe_url"] = safe_url
    env.filters["plural"] = plural
    env.filters["longdate"] = long_date
    env.filters["text_dir"] = direction
    env.filters["by_outlet"] = by_outlet
    return env


def render_template(config: Config, name: str, context: dict[str, Any]) -> str:
    """Render one template, turning Jinja errors into a RenderError naming the template and a fix."""
    env = make_environment(config)
    where = f"{user_dir(config)} or the built-in templates"
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template {exc.name!r} not found in {where}; "
                          f"remove the reference or copy it from the built-in templates") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}; "
                          f"fix the template or delete it to use the built-in one") from exc
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {name!r} (searched in {where}) failed: {exc}; "
                          f"fix the template or delete it to use the built-in one") from exc


def neutral_output(value: Any) -> Any:
    """Every printed value without bidi controls: the last line of defence for corpora ingested before the rule."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(neutralise(str(value)))
    return neutralise(value) if isinstance(value, str) else value


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL, else None (drops javascript:, data:, relative, ...)."""
    if not url:
        return None
    cleaned = _CONTROL.sub("", str(url))
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return cleaned


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 source' / '3 sources' ('1 story' / '2 stories' with many="stories"; '1,200 stories')."""
    return f"{count} {word}" if count == 1 else f"{count:,} {many or word + 's'}"


def long_date(value: date | datetime | None) -> str:
    """'Monday 23 November 2026' without locale dependence."""
    if value is None:
        return ""
    return f"{value:%A} {value.day} {value:%B %Y}"


@dataclass(frozen=True)
class SourceView:
    """One cited article as shown to the reader."""

    number: int  # position in the digest-wide source list (PDF appendix, text footnotes)
    outlet: str
    title: str
    url: str | None
    published: str
    carried_by: tuple[str, ...]  # outlets of near-duplicate copies of this article
    copies: tuple[tuple[str, str | None], ...] = ()  # (outlet, safe URL) of each copy


def by_outlet(sources: Sequence[SourceView]) -> list[tuple[str, list[SourceView]]]:
    """Sources grouped by outlet in order of first appearance: thirteen reports of one wire are
    shown as one outlet with a count, each report keeping its own link."""
    groups: dict[str, list[SourceView]] = {}
    for source in sources:
        groups.setdefault(source.outlet, []).append(source)
    return list(groups.items())


@dataclass(frozen=True)
class PointView:
    """One key point with its distinct sources."""

    text: str
    sources: tuple[SourceView, ...]


@dataclass(frozen=True)
class SectionView:
    """A section with a display heading."""

    heading: str | None
    kind: str
    points: tuple[PointView, ...]


@dataclass(frozen=True)
class StoryView:
    """A story with its anchor and its resolved sources."""

    anchor: str
    number: int
    title: str
    lede: str
    is_update: bool
    topic: str | None
    sections: tuple[SectionView, ...]
    sources: tuple[SourceView, ...]
    articles_count: int = 0  # every article of the story, copies included
    read_count: int | None = None  # articles condensed, when a cap left some out
    since: str = ""  # an update's first digest ("3 Dec"), shown as "Update · first sent 3 Dec"


def _published(article: Article) -> str:
    """Readable publication date, flagged when it is only the file's date."""
    if article.published is None:
        return "date unknown"
    text = f"{article.published.day} {article.published:%B %Y}"
    return f"{text} (file date)" if article.published_is_guess else text


def _section_heading(section: Section, first: bool = False) -> str | None:
    """The heading shown above a section: none for general points that open a story."""
    if section.kind == SectionKind.BACKGROUND:
        return "Background"
    if section.kind == SectionKind.GENERAL or not section.speaker:
        return None if first else "Other key points"
    return section.speaker


class _Sources:
    """Numbers every original article of the digest once, folding copies into their original."""

    def __init__(self, stories: tuple[Story, ...]):
        """Index every article of the digest and the copies of each original."""
        self.by_id: dict[str, Article] = {a.id: a for s in stories for a in s.articles}
        self.views: dict[str, SourceView] = {}
        copies: dict[str, list[tuple[str, str | None]]] = {}
        for article in self.by_id.values():
            if article.copy_of and article.copy_of in self.by_id:
                copies.setdefault(article.copy_of, []).append((article.outlet, safe_url(article.url)))
        self.copies = {k: tuple(sorted(set(v), key=lambda c: (c[0], c[1] or ""))) for k, v in copies.items()}

    def original(self, article_id: str) -> str | None:
        """The id of the article a source id stands for (its original when it is a copy)."""
        article = self.by_id.get(article_id)
        if article is None:
            return None
        if article.copy_of and article.copy_of in self.by_id:
            return article.copy_of
        return article.id

    def view(self, article_id: str) -> SourceView:
        """The numbered view of an original article, created on first use."""
        if article_id not in self.views:
            a = self.by_id[article_id]
            self.views[article_id] = SourceView(
                number=len(self.views) + 1, outlet=a.outlet, title=a.title, url=safe_url(a.url),
                published=_published(a), copies=self.copies.get(article_id, ()),
                carried_by=tuple(dict.fromkeys(outlet for outlet, _ in self.copies.get(article_id, ()))))
        return self.views[article_id]

    def for_ids(self, ids: tuple[str, ...]) -> tuple[SourceView, ...]:
        """Distinct original sources of a point, in citation order."""
        seen: list[str] = []
        for source_id in ids:
            original = self.original(source_id)
            if original is not None and original not in seen:
                seen.append(original)
        return tuple(self.view(i) for i in seen)


def _story_view(number: int, story: Story, sources: _Sources) -> StoryView:
    """Resolve a story's sections and sources into display values."""
    sections = tuple(
        SectionView(heading=_section_heading(sec, first=i == 0), kind=sec.kind,
                    points=tuple(PointView(text=p.text, sources=sources.for_ids(p.sources))
                                 for p in sec.points))
        for i, sec in enumerate(story.sections))
    # a story condensed from a capped set cites what was read; digest.json lists every article
    story_sources = sources.for_ids(story.read if story.read is not None else tuple(a.id for a in story.articles))
    return StoryView(anchor=f"story-{number}", number=number, title=story.title, lede=story.lede,
                     is_update=story.is_update, topic=story.topic, sections=sections,
                     sources=story_sources, articles_count=len(story.articles),
                     read_count=None if story.read is None else len(story.read),
                     since=f"{story.first_sent.day} {story.first_sent:%b}" if story.first_sent else "")


def story_views(digest: Digest) -> tuple[tuple[StoryView, ...], tuple[StoryView, ...], tuple[SourceView, ...]]:
    """Views of every story, of the headline-only stories past the budget ("also"), and the
    numbered source list of the condensed stories (the appendix and footnotes: on a busy day the
    "also" stories have thousands of sources, listed with their story instead)."""
    views = brief_views(digest)
    return views.stories, views.also, views.sources


@dataclass(frozen=True)
class TimelineView:
    """One line of a brief's timeline: day, headline, the story's anchor when it is condensed, its id
    and its rank among the brief's stories (0: most important)."""

    date: date
    title: str
    anchor: str | None
    sources: tuple[SourceView, ...]
    story: str = ""
    rank: int = 0


def timeline_within(timeline: Sequence[TimelineView], rows: int | None) -> tuple[tuple[TimelineView, ...], int]:
    """The `rows` most important lines of a timeline (None: all), still in date order, and how many
    were left out."""
    if rows is None or rows >= len(timeline):
        return tuple(timeline), 0
    top = set(sorted(e.rank for e in timeline)[:max(0, rows)])
    kept = tuple(e for e in timeline if e.rank in top)
    return kept, len(timeline) - len(kept)


@dataclass(frozen=True)
class BriefViews:
    """Everything a template shows, sources numbered in reading order (overview first)."""

    overview: tuple[PointView, ...]
    timeline: tuple[TimelineView, ...]
    stories: tuple[StoryView, ...]
    also: tuple[StoryView, ...]
    sources: tuple[SourceView, ...]


def brief_views(digest: Digest) -> BriefViews:
    """Views of the overview, the stories, the cited sources, then the timeline and "also"."""
    sources = _Sources(digest.stories + digest.also)
    overview = tuple(PointView(text=p.text, sources=sources.for_ids(p.sources)) for p in digest.overview)
    views = tuple(_story_view(i, s, sources) for i, s in enumerate(digest.stories, start=1))
    cited = tuple(sorted(sources.views.values(), key=lambda v: v.number))
    anchors = {s.id: v.anchor for s, v in zip(digest.stories, views)}
    rank = {s.id: k for k, s in reversed(list(enumerate(digest.stories + digest.also)))}
    timeline = tuple(TimelineView(date=e.date, title=e.title, anchor=anchors.get(e.story),
                                  sources=sources.for_ids(e.sources), story=e.story,
                                  rank=rank.get(e.story, len(digest.stories + digest.also) + k))
                     for k, e in enumerate(digest.timeline))
    also = tuple(_story_view(i, s, sources) for i, s in enumerate(digest.also, start=len(views) + 1))
    return BriefViews(overview, timeline, views, also, cited)


@dataclass(frozen=True)
class RoundupLineView:
    """One report of a roundup: whom it is about, its key line and a link to it."""

    entity: str
    text: str
    outlet: str
    title: str
    url: str | None


@dataclass(frozen=True)
class RoundupView:
    """A roundup as shown: its heading, outlet and day, and a line per report."""

    anchor: str
    heading: str
    label: str
    outlet: str
    day: str
    lines: tuple[RoundupLineView, ...]


def _roundup_view(number: int, roundup: Roundup) -> RoundupView:
    """Each line cites its story's first original article, linked directly (not in the appendix)."""
    lines = []
    for line in roundup.lines:
        first = next((a for a in line.articles if not a.copy_of), line.articles[0]) if line.articles else None
        lines.append(RoundupLineView(entity=line.entity, text=line.text, outlet=first.outlet if first else "",
                                     title=first.title if first else "", url=safe_url(first.url) if first else None))
    return RoundupView(anchor=f"roundup-{number}", heading=roundup.heading, label=roundup.label,
                       outlet=roundup.outlet, day=long_date(roundup.day), lines=tuple(lines))


def roundup_views(digest: Digest) -> tuple[RoundupView, ...]:
    """Views of the digest's roundups, in digest order."""
    return tuple(_roundup_view(i, r) for i, r in enumerate(digest.roundups, start=1))


def top_line(digest: Digest, limit: int = 140) -> str:
    """The preheader: the first story's title and lede, shortened."""
    if not digest.stories:
        return digest.roundups[0].heading if digest.roundups else "No new stories today."
    first = digest.stories[0]
    text = " ".join(f"{first.title}: {first.lede}".split()) if first.lede else first.title
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def base_context(digest: Digest, config: Config) -> dict[str, Any]:
    """Values every template receives."""
    views = brief_views(digest)
    return {
        "digest": digest,
        "title": digest.title or config.settings.digest.title,
        "date": digest.date,
        "overview": views.overview,
        "timeline": views.timeline,
        "stories": views.stories,
        "also": views.also,
        "roundups": roundup_views(digest),
        "roundup_lines": None,
        "sources": views.sources,
        "top_line": top_line(digest),
        "notes": digest.notes,
        "config": config,
        "version": __version__,
    }

