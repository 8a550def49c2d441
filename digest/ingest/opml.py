"""OPML import and export (what every feed reader reads) and [[feed]] tables appended to digest.toml.

digest.toml is never rewritten: new tables are appended as text, so the user's
comments and layout stay as they were, and the result is checked before it is
saved (atomically).
"""
from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from digest.config import merge
from digest.errors import ConfigError, InputError
from digest.files import write_atomic
from digest.ingest.feeds import FeedSpec

MAX_OPML_BYTES = 10 * 1024 * 1024
# digest's own outline attributes (full_article, enabled); other feed readers ignore them
DIGEST_NS = "urn:x-digest:opml:1"


def _attr(element: ET.Element, name: str) -> str:
    """An attribute looked up without regard to case (xmlUrl, xmlurl, XMLURL)."""
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def _flag(outline: ET.Element, name: str, default: bool) -> bool:
    """One of digest's own true/false outline attributes, written by `digest feeds export`."""
    value = outline.get(f"{{{DIGEST_NS}}}{name}", "").strip().lower()
    return default if value not in ("true", "false") else value == "true"


def _walk(element: ET.Element, topic: str) -> Iterator[FeedSpec]:
    """Feed outlines under element; a folder outline's text becomes its feeds' topic."""
    for outline in element.findall("outline"):
        url = _attr(outline, "xmlUrl")
        label = _attr(outline, "title") or _attr(outline, "text")
        if url:
            if urlsplit(url).scheme in ("http", "https"):
                yield FeedSpec(url=url, name="" if label == url else label, topic=topic,
                               full_article=_flag(outline, "fullArticle", False),
                               enabled=_flag(outline, "enabled", True))
        else:
            yield from _walk(outline, label or topic)


def read_opml(path: Path) -> list[FeedSpec]:
    """The feeds of an OPML file, in order, without duplicates."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_OPML_BYTES:
            raise InputError(str(path), "file over 10 MB: not an OPML subscription list")
        root = ET.fromstring(path.read_bytes())
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from exc
    except ET.ParseError as exc:
        raise InputError(str(path), f"not valid XML ({exc}); export the subscriptions again as OPML") from exc
    body = root.find("body")
    if root.tag.lower() != "opml" or body is None:
        raise InputError(str(path), "not an OPML file (no <opml><body>); export the subscriptions as OPML")
    specs, seen = [], set()
    for spec in _walk(body, ""):
        if spec.url not in seen:
            seen.add(spec.url)
            specs.append(spec)
    return specs


def feed_table(spec: FeedSpec) -> str:
    """A [[feed]] table in TOML (JSON strings are valid TOML basic strings)."""
    lines = ["[[feed]]", f"url = {json.dumps(spec.url, ensure_ascii=False)}"]
    if spec.name:
        lines.append(f"name = {json.dumps(spec.name, ensure_ascii=False)}")
    if spec.topic:
        lines.append(f"topic = {json.dumps(spec.topic, ensure_ascii=False)}")
    if spec.full_article:
        lines.append("full_article = true")
    if not spec.enabled:
        lines.append("enabled = false")
    return "\n".join(lines) + "\n"


def append_feeds(config_file: Path, specs: Iterable[FeedSpec], comment: str = "") -> list[FeedSpec]:
    """Append [[feed]] tables for the feeds not yet listed; return those added."""
    config_file = Path(config_file)
    text = config_file.read_text(encoding="utf-8")
    present = {str(t.get("url", "")) for t in tomllib.loads(text).get("feed", [])}
    new = []
    for spec in specs:
        if spec.url not in present:
            present.add(spec.url)
            new.append(spec)
    if not new:
        return []
    addition = ("\n" if text and not text.endswith("\n") else "") + "\n"
    addition += (f"# {comment}\n" if comment else "") + "\n".join(feed_table(s) for s in new)
    save_checked(config_file, text + addition, "adding [[feed]] tables")
    return new


def save_checked(config_file: Path, text: str, change: str) -> dict:
    """Check an edited digest.toml loads, then save it atomically: a bad edit never reaches the file."""
    try:
        data = tomllib.loads(text)
        merge(data, str(config_file))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_file}: {change} would break the file ({exc}); "
                          "is `feed` defined another way in it?") from exc
    write_atomic(config_file, text.encode("utf-8"))
    return data


def _outline(parent: ET.Element, spec: FeedSpec) -> None:
    """One feed outline: the attributes every reader knows, then digest's own."""
    label = spec.name or spec.url
    attrs = {"type": "rss", "text": label, "title": label, "xmlUrl": spec.url}
    if spec.full_article:
        attrs[f"{{{DIGEST_NS}}}fullArticle"] = "true"
    if not spec.enabled:
        attrs[f"{{{DIGEST_NS}}}enabled"] = "false"
    ET.SubElement(parent, "outline", attrs)


def write_opml(specs: Iterable[FeedSpec], title: str, created: datetime) -> str:
    """OPML 2.0 of the feeds, a folder per topic, as Miniflux, FreshRSS, NetNewsWire and rss2email import it."""
    ET.register_namespace("digest", DIGEST_NS)
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(created.astimezone(timezone.utc), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for spec in specs:
        parent = body
        if spec.topic:
            if spec.topic not in folders:
                folders[spec.topic] = ET.SubElement(body, "outline", {"text": spec.topic, "title": spec.topic})
            parent = folders[spec.topic]
        _outline(parent, spec)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def file_time(path: Path) -> datetime:
    """When a file last changed, for an export's dateCreated: the same list exports the same bytes."""
    return datetime.fromtimestamp(Path(path).stat().st_mtime, timezone.utc)


__all__ = ["append_feeds", "feed_table", "file_time", "read_opml", "save_checked", "write_opml"]
