"""The outbox as a static archive: index.html lists every built digest, feed.xml is an Atom feed of them.

Both are made again from the corpus's digests table and the files in the outbox after each
build (`after_build`) or by `digest archive --rebuild`, so they never drift from the outbox.
Ids are `urn:uuid:`s of the digest id and its build time: moving the archive or setting
[archive] base_url later does not make readers see the digests again.
"""
from __future__ import annotations

import json
import logging
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from digest import __version__
from digest.config import Config
from digest.errors import ConfigError, DigestError
from digest.files import write_atomic
from digest.render.environment import long_date, render_template
from digest.store import digests
from digest.store.corpus import Corpus
from digest.store.faults import storage_error

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
INDEX_TEMPLATE = "archive.html"
FILES = (("html", "digest.html"), ("pdf", "digest.pdf"), ("text", "digest.txt"))
BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
# the inbox preview line: mail styles hide it, feed readers strip those styles and would show it
PREHEADER = re.compile(r'<div class="preheader"[^>]*>.*?</div>\s*', re.S)


@dataclass(frozen=True)
class ArchiveEntry:
    """One built digest as the archive shows it; `files` maps html/pdf/text to paths relative to the outbox."""

    digest_id: str
    day: date
    title: str
    stories: int
    built_at: datetime
    updated: datetime
    files: dict[str, str]
    html: str

    @property
    def atom_id(self) -> str:
        """Stable across rebuilds, moves and base_url changes: the digest id and when it was built."""
        stamp = self.built_at.isoformat()
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'digest:{self.digest_id}@{stamp}')}"


def base_url(config: Config) -> str:
    """[archive] base_url with one trailing slash, "" for relative links; refuse a non-absolute URL."""
    value = config.settings.archive.base_url.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"[archive] base_url = {value!r} is not an absolute http(s) address; use the public "
                          "address of the outbox, like \"https://news.example.org/digest/\", or \"\"")
    return value.rstrip("/") + "/"


def _utc(value: str | float) -> datetime:
    """A stored ISO time or a file time, as UTC to the second."""
    stamp = datetime.fromtimestamp(value, timezone.utc) if isinstance(value, float) \
        else datetime.fromisoformat(value)
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc).replace(microsecond=0)


def _entry(row, outbox: Path, fallback_title: str) -> ArchiveEntry | None:
    """The archive entry of one digests row, or None (with a warning) when its digest.html is gone."""
    folder = outbox / row["id"]  # where builds write; the recorded path is older if the workspace moved
    folder = folder if (folder / "digest.html").is_file() else Path(row["outdir"])
    page = folder / "digest.html"
    try:
        relative = folder.resolve().relative_to(outbox.resolve()).as_posix()
        html = page.read_text(encoding="utf-8")
    except (ValueError, OSError) as exc:
        log.warning("archive: digest %s left out (%s: %s); `digest build --again --date %s` renders it again",
                    row["id"], page, getattr(exc, "strerror", None) or "not in the outbox", row["date"])
        return None
    data = json.loads(row["json"] or "{}")
    built = _utc(row["built_at"])
    files = {kind: f"{relative}/{name}" for kind, name in FILES if (folder / name).is_file()}
    match = BODY.search(html)
    return ArchiveEntry(row["id"], date.fromisoformat(row["date"]), data.get("title") or fallback_title,
                        len(data.get("stories", ())), built, max(built, _utc(page.stat().st_mtime)), files,
                        PREHEADER.sub("", match.group(1) if match else html, count=1).strip())


def entries(config: Config, corpus: Corpus) -> list[ArchiveEntry]:
    """Every built digest still in the outbox, newest first."""
    outbox = config.path("outbox")
    found = (_entry(row, outbox, config.settings.digest.title) for row in digests.archived(corpus))
    return [entry for entry in found if entry is not None]


def _stamp(value: datetime) -> str:
    """An RFC 3339 time in UTC, as Atom wants it."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _link(parent: ET.Element, href: str, rel: str, kind: str, length: int | None = None) -> None:
    """An Atom link element."""
    attrs = {"rel": rel, "type": kind, "href": href}
    if length is not None:
        attrs["length"] = str(length)
    ET.SubElement(parent, f"{{{ATOM_NS}}}link", attrs)


def _atom_entry(feed: ET.Element, entry: ArchiveEntry, base: str, outbox: Path) -> None:
    """One digest as an Atom entry: its HTML as content, its text and PDF as links."""
    node = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
    ET.SubElement(node, f"{{{ATOM_NS}}}title").text = f"{entry.title}: {long_date(entry.day)}"
    ET.SubElement(node, f"{{{ATOM_NS}}}id").text = entry.atom_id
    ET.SubElement(node, f"{{{ATOM_NS}}}published").text = _stamp(entry.built_at)
    ET.SubElement(node, f"{{{ATOM_NS}}}updated").text = _stamp(entry.updated)
    types = {"html": ("alternate", "text/html"), "text": ("alternate", "text/plain"),
             "pdf": ("enclosure", "application/pdf")}
    for kind, href in entry.files.items():
        rel, mime = types[kind]
        _link(node, base + href, rel, mime, (outbox / href).stat().st_size if rel == "enclosure" else None)
    stories = "1 story" if entry.stories == 1 else f"{entry.stories} stories"
    ET.SubElement(node, f"{{{ATOM_NS}}}summary").text = f"{stories}, {long_date(entry.day)}"
    ET.SubElement(node, f"{{{ATOM_NS}}}content", {"type": "html"}).text = entry.html


def atom_feed(config: Config, found: list[ArchiveEntry], base: str) -> bytes:
    """feed.xml: an Atom 1.0 feed with the elements the W3C validator requires."""
    ET.register_namespace("", ATOM_NS)
    title = config.settings.digest.title
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = title
    oldest = found[-1].atom_id if found else config.root.as_uri()
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'archive:' + oldest)}"
    newest = max((e.updated for e in found), default=datetime(1970, 1, 1, tzinfo=timezone.utc))
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = _stamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = config.settings.pdf.author or title
    ET.SubElement(feed, f"{{{ATOM_NS}}}generator", {"version": __version__}).text = "digest"
    _link(feed, base + "feed.xml", "self", "application/atom+xml")
    _link(feed, base + "index.html", "alternate", "text/html")
    outbox = config.path("outbox")
    for entry in found:
        _atom_entry(feed, entry, base, outbox)
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def update(config: Config, corpus: Corpus) -> list[ArchiveEntry]:
    """Write outbox/index.html and outbox/feed.xml from the corpus and the outbox; return the entries."""
    base = base_url(config)
    outbox = config.path("outbox")
    found = entries(config, corpus)
    index = render_template(config, INDEX_TEMPLATE, {"title": config.settings.digest.title, "entries": found,
                                                     "feed_url": base + "feed.xml", "version": __version__})
    for name, data in (("feed.xml", atom_feed(config, found, base)), ("index.html", index.encode("utf-8"))):
        try:
            write_atomic(outbox / name, data)
        except OSError as exc:
            raise storage_error(exc, outbox) or DigestError(
                f"{outbox / name}: cannot write ({exc.strerror or exc}); check [paths] outbox is writable") from exc
    return found


def after_build(config: Config, corpus: Corpus) -> None:
    """Update the archive after a build; a failure is a warning, as the digest itself was built."""
    try:
        found = update(config, corpus)
    except DigestError as exc:
        log.warning("archive not updated: %s; the digest was built; then run `digest archive --rebuild`", exc)
        return
    log.info("archive: %d digests in %s", len(found), config.path("outbox") / "index.html")


__all__ = ["ArchiveEntry", "after_build", "atom_feed", "base_url", "entries", "update"]
