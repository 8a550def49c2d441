"""One-off briefings (PDF or HTML) from the corpus: by date range, topic phrase or story, no scheduled
run needed. A brief opens with an overview of all its stories and a dated timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from digest import render
from digest.build import group_by_story, make_stories, output_time
from digest.config import Config
from digest.errors import DigestError
from digest.files import write_atomic
from digest.models import Article, Digest, utcnow
from digest.sources.boilerplate import OutletLines
from digest.summarize import overview
from digest.store import search
from digest.store.corpus import Corpus


@dataclass(frozen=True)
class Selection:
    """Which corpus articles a briefing covers."""

    since: date | None = None
    until: date | None = None
    topic: str | None = None
    story: str | None = None

    def describe(self) -> str:
        """Human words for the cover ("on 'arms control', 2026-03-01 to 2026-03-05")."""
        parts = []
        if self.topic:
            parts.append(f"on “{self.topic}”")
        if self.story:
            parts.append(f"story {self.story}")
        if self.since or self.until:
            parts.append(f"{self.since or '…'} to {self.until or '…'}")
        return ", ".join(parts)


def select(corpus: Corpus, selection: Selection) -> list[Article]:
    """Originals and copies matching the selection (dates on published, else ingestion time)."""
    until = (selection.until + timedelta(days=1)).isoformat() if selection.until else None
    since = selection.since.isoformat() if selection.since else None
    stories = {selection.story} if selection.story else None
    if selection.topic:  # the full-text index finds the stories that mention it: cost follows the matches
        found = search.matching_stories(corpus, f'"{selection.topic}"', since, until)
        stories = found & stories if stories is not None else found
    articles = OutletLines(corpus).strip_all(corpus.articles_dated(since, until, stories))
    return articles


FORMATS = ("pdf", "html")


def compose(config: Config, corpus: Corpus, selection: Selection) -> Digest:
    """The briefing of the selected stories: overview, timeline, then the stories (corpus unchanged)."""
    articles = select(corpus, selection)
    if not articles:
        raise DigestError(f"no article in the corpus matches {selection.describe() or 'the selection'}; "
                          "check `digest status` or widen --since/--until")
    stories, also = make_stories(group_by_story(articles), config, sent_stories=set())
    everything = tuple(stories) + tuple(also)
    title = config.settings.digest.title + (f": {selection.describe()}" if selection.describe() else "")
    return Digest(date=selection.until or utcnow().date(), title=title, stories=tuple(stories),
                  also=tuple(also), generated_at=output_time(), overview=overview.overview(everything, config),
                  timeline=overview.timeline(everything))


def output_format(output: Path | None, chosen: str | None) -> str:
    """The format asked for (--format), else the output's suffix when it names one, else PDF."""
    if chosen:
        return chosen
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    if suffix in ("htm", "html"):
        return "html"
    return "pdf"


def brief(config: Config, corpus: Corpus, selection: Selection, output: Path, fmt: str = "pdf") -> Digest:
    """Write the briefing of the selected stories to output as PDF or HTML; the corpus is not changed."""
    if fmt not in FORMATS:
        raise DigestError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    digest = compose(config, corpus, selection)
    data = render.render_pdf(digest, config) if fmt == "pdf" else render.pdf_html(digest, config).encode("utf-8")
    write_atomic(Path(output), data)
    return digest
