"""PDF briefing with WeasyPrint, behind a URL fetcher that refuses the network and foreign files."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

from digest.config import Config
from digest.errors import ConfigError, RenderError
from digest.models import Digest
from digest.render.environment import (
    base_context,
    builtin_dir,
    render_template,
    timeline_within,
    user_dir,
)

log = logging.getLogger(__name__)

PDF_TEMPLATE = "pdf.html"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
# Most "also" table rows a page holds (one 8pt line each: about 55 on A4, 50 on Letter); rows are
# cut by this much per page over [pdf] max_pages, so one cut frees at least that many pages.
ROWS_PER_PAGE = 64
ROWS_FIRST_GUESS = 56  # rows per page assumed for the first try (a little under what a page holds)
# Most timeline rows a page holds (9pt, one line each: about 55 on A4); cut by this much per page over the budget.
TIMELINE_ROWS_PER_PAGE = 56
DATA_PREFIXES = ("data:image/",)  # inline images a template may embed; never fetched from outside


def _weasy_urls():
    """weasyprint.urls, imported lazily (importing WeasyPrint takes about a second)."""
    from weasyprint import urls

    return urls


class RefusedURL(ValueError):
    """A resource the PDF renderer is not allowed to fetch."""


def make_fetcher(config: Config) -> Any:
    """A WeasyPrint URLFetcher allowing only files inside the workspace and template folders."""
    urls = _weasy_urls()

    class SafeFetcher(urls.URLFetcher):
        """Refuses http(s), ftp and files outside the allowed folders; records what it refused."""

        def __init__(self, roots: tuple[Path, ...]):
            """Only local files and data: images; no redirects, short timeout."""
            super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = roots
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            """Fetch an allowed file or inline image, refuse everything else with a logged reason."""
            reason = self._refusal(url)
            if reason:
                self.refused.append(url)
                log.warning("PDF: refused to fetch %s: %s", url[:200], reason)
                raise RefusedURL(f"digest refuses to fetch {url[:200]}: {reason}")
            return super().fetch(url, headers)

        def _refusal(self, url: str) -> str | None:
            """Why `url` may not be fetched, or None when it may."""
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                ok = url.lower().startswith(DATA_PREFIXES)
                return None if ok else "only data:image/ URLs are allowed"
            if scheme != "file":
                return (f"{scheme}: URLs are never fetched (no network); put the file in "
                        f"the workspace templates folder and refer to it by a relative path")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                return None
            return f"{path} is outside the workspace and template folders"

    roots = tuple(dict.fromkeys(p.resolve() for p in (config.root, user_dir(config), builtin_dir())))
    return SafeFetcher(roots)


def page_size(config: Config) -> str:
    """[pdf] page_size as a CSS page size, refusing anything but A4 and Letter."""
    value = config.settings.pdf.page_size
    size = PAGE_SIZES.get(value.strip().lower())
    if size is None:
        raise ConfigError(f"[pdf] page_size = {value!r} is not supported; use \"A4\" or \"Letter\"")
    return size


def created_stamp(digest: Digest) -> str:
    """A fixed creation date (generated_at, else 07:00 UTC of the day): same digest, same PDF."""
    stamp = digest.generated_at or datetime.combine(digest.date, time(7, 0), tzinfo=timezone.utc)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.contextmanager
def _source_date(digest: Digest) -> Iterator[None]:
    """Pin SOURCE_DATE_EPOCH while rendering: fontTools stamps subset fonts with it instead of "now"."""
    stamp = datetime.strptime(created_stamp(digest), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def pdf_html(digest: Digest, config: Config, also_rows: int | None = None, timeline_rows: int | None = None) -> str:
    """The HTML handed to WeasyPrint (pdf.html with pdf.css inlined), listing the top `also_rows`
    "also" stories and the `timeline_rows` most important timeline lines (None: all)."""
    ctx = base_context(digest, config)
    also = ctx["also"] if also_rows is None else ctx["also"][:also_rows]
    timeline, timeline_more = timeline_within(ctx["timeline"], timeline_rows)
    ctx.update(page_size=page_size(config), created=created_stamp(digest), author=config.settings.pdf.author,
               also=also, also_more=len(ctx["also"]) - len(also), timeline=timeline, timeline_more=timeline_more)
    return render_template(config, PDF_TEMPLATE, ctx)


def render_pdf(digest: Digest, config: Config, html: str | None = None, fetcher: Any = None) -> bytes:
    """The PDF briefing as bytes (tagged PDF/UA-1); `html` overrides the rendered pdf.html. Without
    `html`, the "also" table, then a brief's timeline (its least important lines first), is cut to
    keep the PDF within [pdf] max_pages."""
    fetcher = fetcher or make_fetcher(config)
    if html is not None:
        return _write(_layout(html, config, fetcher), digest, html)
    budget = config.settings.pdf.max_pages
    rows, lines = len(digest.also), len(digest.timeline)
    if rows > ROWS_PER_PAGE:  # a long table: first see how many pages everything else takes
        others = len(_layout(pdf_html(digest, config, 0), config, fetcher).pages)
        rows = min(rows, max(0, budget - others + 1) * ROWS_FIRST_GUESS)
    while True:
        source = pdf_html(digest, config, rows, lines)
        document = _layout(source, config, fetcher)
        excess = len(document.pages) - budget
        if excess <= 0 or rows == lines == 0:
            break
        if rows:
            rows = max(0, rows - excess * ROWS_PER_PAGE)
        else:
            lines = max(0, lines - excess * TIMELINE_ROWS_PER_PAGE)
    if rows < len(digest.also) or lines < len(digest.timeline):
        log.info("PDF: listed %d of %d 'also' stories and %d of %d timeline lines in %d pages ([pdf] max_pages = %d)",
                 rows, len(digest.also), lines, len(digest.timeline), len(document.pages), budget)
    return _write(document, digest, source)


def _layout(source: str, config: Config, fetcher: Any) -> Any:
    """The laid-out WeasyPrint document (its pages are counted before writing)."""
    from weasyprint import HTML

    base_url = user_dir(config).as_uri() + "/" if user_dir(config).is_dir() else builtin_dir().as_uri() + "/"
    try:
        return HTML(string=source, base_url=base_url, url_fetcher=fetcher).render()
    except RenderError:
        raise
    except Exception as exc:  # WeasyPrint raises many types for bad CSS/HTML
        raise RenderError(f"{PDF_TEMPLATE}: WeasyPrint could not render the PDF ({type(exc).__name__}: "
                          f"{exc}); check pdf.html/pdf.css in your templates folder") from exc


def _write(document: Any, digest: Digest, source: str) -> bytes:
    """The PDF bytes of a laid-out document, with an identifier and dates derived from the content."""
    identifier = hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode("ascii")
    try:
        with _source_date(digest):
            return document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1")
    except Exception as exc:  # WeasyPrint raises many types for bad CSS/HTML
        raise RenderError(f"{PDF_TEMPLATE}: WeasyPrint could not write the PDF ({type(exc).__name__}: "
                          f"{exc}); check pdf.html/pdf.css in your templates folder") from exc
