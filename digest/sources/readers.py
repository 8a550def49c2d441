"""Turn one inbox file into Article values: one reader per format, dispatched on the suffix.

Formats:

- ``.txt``, ``.md``, ``.markdown``: plain text. Optional header lines at the very
  top, or right under the title line, or between ``---`` lines (like YAML front
  matter), one per line, ``Key: value``, case-insensitive::

      Title: US responds to Russia's demands     (else the first heading/line)
      Source: Example News                       (also "Outlet:", "Publisher:")
      URL: https://example.org/a/1               (also "Link:")
      Date: 2022-01-26                           (also "Published:"; ISO 8601, RFC 2822
                                                  or "26 January 2022")
      Author: Jane Doe                           (also "By:")
      Language: en                               (also "Lang:")

  Without a ``Title:`` header the title is the first Markdown heading among the
  first lines (``#`` stripped), else the first non-empty line left after
  boilerplate cleaning. Markdown is turned into plain text (headings, emphasis,
  code marks, list markers and quote marks dropped; links and images keep their
  text). A date-only line near the top ("27 January 2022, 05:46 PM") gives the date.
- ``.html``, ``.htm``: main text and metadata (title, date, site name, canonical
  URL, author) by trafilatura, see ``extract.py``.
- ``.eml``: Subject (``Fwd:``/``Fw:``/``TR:`` prefixes stripped) is the title, the
  From display name (else its domain) the outlet, the Date header the date; the
  text/plain part is preferred, else the HTML part goes through ``extract.py``. A
  forwarded message (attached, or inline after "Forwarded message" / "Begin
  forwarded message") is used instead of the wrapper: its own From/Date/Subject.
- ``.json``: one object or a list of objects with the fields ``title`` (required),
  ``body`` or ``text`` or ``content`` (required), ``outlet`` or ``source`` (a
  string, or an object with ``name``), ``url``, ``published`` or ``date`` or
  ``publishedAt`` (ISO 8601), ``author``, ``language`` (ISO 639-1).

Every field first loses its bidi controls and spoofing zero-width characters
(``digest.text.unicode_safety``); every body goes through ``clean.clean_body`` and ``language.detect``. When the
content gives no date, ``published`` is the file's mtime (UTC) and
``published_is_guess`` is True. The outlet, when the content names none, is
``ReadDefaults.outlet``, else the URL's domain, else the parent folder's name
unless it is "inbox", else "inbox".
"""
from __future__ import annotations

import email
import json
import re
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlparse

from digest.errors import InputError
from digest.models import Article
from digest.sources import clean, language
from digest.sources.extract import (
    decode_bytes,
    html_fragment_to_text,
    html_to_article_fields,
)
from digest.sources.dates import parse_date
from digest.sources.guard import check_json_depth, check_mime_nesting, judging, shown
from digest.text.unicode_safety import neutralise, scrub

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".eml", ".json")
HEAD_CHARS = 6000
# A first line of more words than this is the text's first paragraph, not a headline: the implicit
# title is then its first sentence (cut to this many words), and the paragraph stays in the body.
HEADLINE_WORDS = 30
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
# A text/plain part shorter than this is a stub when an HTML part exists.
PLAIN_STUB_CHARS = 200
_TEXT_FIX = "save the article as UTF-8 text, HTML, .eml or JSON"


@dataclass(frozen=True)
class ReadDefaults:
    """Values the caller supplies for what a file may not say (from [ingest] settings)."""

    outlet: str = ""
    max_bytes: int = 20 * 1024 * 1024
    min_chars: int = 80
    link_roots: tuple[str, ...] | None = None  # folders an inbox link may point into (None: any)


@dataclass(frozen=True)
class _Draft:
    """What a format reader found, before cleaning, language and defaults."""

    title: str
    text: str
    outlet: str = ""
    url: str | None = None
    published: datetime | None = None
    author: str | None = None
    language: str = ""
    label: str = ""  # "item 2" for JSON lists, used in error messages
    extracted: bool = False  # cut from a web page's layout by the extractor: no tail rules (clean.clean_body)


# ---------------------------------------------------------------- text and markdown

_HEADER = re.compile(
    r"^\s*(title|source|outlet|publisher|url|link|date|published|author|by|language|lang)\s*:\s*(\S.*)$",
    re.IGNORECASE,
)
_HEADER_FIELD = {
    "title": "title", "source": "outlet", "outlet": "outlet", "publisher": "outlet",
    "url": "url", "link": "url", "date": "published", "published": "published",
    "author": "author", "by": "author", "language": "language", "lang": "language",
}


def _next_filled(lines: list[str], i: int) -> int:
    """Index of the first non-empty line at or after i (len(lines) when none)."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _split_header(text: str) -> tuple[dict[str, str], str]:
    """Take "Key: value" lines off the top of a text file: at the very top, inside a ---
    front-matter block, or right under a first (title) line."""
    lines = text.split("\n")
    i = _next_filled(lines, 0)
    fenced = i < len(lines) and lines[i].strip() == "---"
    fields: dict[str, str] = {}
    if fenced:
        i += 1
    elif i < len(lines) and not _HEADER.match(lines[i]):
        j = _next_filled(lines, i + 1)
        if j < len(lines) and _HEADER.match(lines[j]):
            fields["title"] = lines[i].strip()
            i = j
    while i < len(lines) and (match := _HEADER.match(lines[i])):
        fields.setdefault(_HEADER_FIELD[match.group(1).lower()], match.group(2).strip())
        i += 1
    if fenced and i < len(lines) and lines[i].strip() == "---":
        i += 1
    elif fenced:
        return {}, text
    return fields, "\n".join(lines[i:])


def _heading_text(match: re.Match) -> str:
    """An ATX heading's text without its closing hashes ("## Title ##" -> "Title")."""
    return match.group(1).rstrip(" \t").rstrip("#").rstrip(" \t")


# A span or a link target never runs past the next delimiter of its kind, so an unclosed
# "**", "[" or "<" costs one scan to the next one, not one to the end of the text (a 30 KB
# line of unclosed "**" took 2 s, 2,000 spaces in a heading 8 s).
_LINK_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_MD_RULES = [
    (re.compile(r"^```.*$|^~~~.*$", re.MULTILINE), ""),
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),
    (re.compile(r"!\[([^\[\]]*)\]" + _LINK_TARGET), r"\1"),
    (re.compile(r"\[([^\[\]]+)\]" + _LINK_TARGET), r"\1"),
    (re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]"), r"\1"),
    (re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]+\S+.*$", re.MULTILINE), ""),
    (re.compile(r"<https?://([^<>\s]+)>"), r"https://\1"),
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.MULTILINE), _heading_text),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE), ""),
    (re.compile(r"\*\*(?=\S)((?:[^*\n]|\*(?!\*))+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"__(?=\S)((?:[^_\n]|_(?!_))+?)(?<=\S)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~((?:[^~\n]|~(?!~))+?)~~"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
]
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$")


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown document: markup dropped, link and image texts kept."""
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text


def _markdown_title(text: str) -> str:
    """The first Markdown heading when it stands among the first three non-empty lines."""
    lines = [line for line in text.split("\n") if line.strip()][:3]
    for line in lines:
        match = _MD_HEADING.match(line)
        if match:
            return markdown_to_text(_heading_text(match)).strip()
    return ""


def _leading_date(text: str) -> datetime | None:
    """A date-only line among the first lines ("27 January 2022, 05:46 PM") with a 4-digit year."""
    lines = [line.strip() for line in text.split("\n") if line.strip()][:8]
    for line in lines:
        if clean.is_date_line(line) and re.search(r"\b\d{4}\b", line):
            found = parse_date(line)
            if found:
                return found
    return None


def _head_title(text: str) -> str:
    """The implicit title: first line left after cleaning the top of a text (whole if short: reused)."""
    head = text if len(text) <= HEAD_CHARS else text[:HEAD_CHARS].rpartition("\n")[0] or text[:HEAD_CHARS]
    line = _first_line(clean.clean_body(head))
    if len(line.split()) <= HEADLINE_WORDS:
        return line
    words = _SENTENCE_END.split(line, 1)[0].split()
    return " ".join(words) if len(words) <= HEADLINE_WORDS else " ".join(words[:HEADLINE_WORDS]) + " …"


def _first_line(text: str) -> str:
    """The first non-empty line of a text."""
    return next((line.strip() for line in text.split("\n") if line.strip()), "")


def _read_text(path: Path, data: bytes, markdown: bool) -> list[_Draft]:
    """Read a .txt or Markdown file with optional header lines."""
    fields, text = _split_header(decode_bytes(data, path))
    title = fields.get("title", "")
    if markdown:
        title = markdown_to_text(title).strip() or _markdown_title(text)
        text = markdown_to_text(text)
    title = title or _head_title(text)
    published = parse_date(fields.get("published")) or _leading_date(text)
    return [
        _Draft(
            title=title,
            text=text,
            outlet=fields.get("outlet", ""),
            url=fields.get("url"),
            published=published,
            author=fields.get("author"),
            language=_language_code(fields.get("language", "")),
        )
    ]


# ---------------------------------------------------------------- html


def _read_html(path: Path, data: bytes) -> list[_Draft]:
    """Read a saved web page: trafilatura's main text and metadata."""
    page = html_to_article_fields(decode_bytes(data, path))
    title = page.title or _head_title(page.text)
    return [
        _Draft(
            title=title,
            text=page.text,
            outlet=page.sitename,
            url=page.url,
            published=page.published,
            author=page.author,
            extracted=True,
        )
    ]


# ---------------------------------------------------------------- email

_FWD_PREFIX = re.compile(r"^\s*(?:(?:fwd?|fw|tr|wg|enc|rv)\s*:\s*)+", re.IGNORECASE)
_FWD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht"
    r"|message transf[ée]r[ée]|mensaje reenviado)\s*-*|begin forwarded message:?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_FWD_HEADER = re.compile(r"^\s*\**(from|date|sent|subject|to|cc|reply-to)\**\s*:\s*(.*)$", re.IGNORECASE)


def _strip_subject(subject: str) -> str:
    """Remove forwarding prefixes (Fwd:, Fw:, TR:, [Fwd: ...]) from a subject."""
    subject = (subject or "").strip()
    bracketed = re.match(r"^\[fwd?:\s*(.*)\]$", subject, re.IGNORECASE)
    if bracketed:
        subject = bracketed.group(1)
    return _FWD_PREFIX.sub("", subject).strip()


def _sender_outlet(sender: str) -> str:
    """Outlet from a From value: its display name, else its domain."""
    name, _, addr = sender.rpartition("<")
    name = name.strip().strip('"').strip()
    if name:
        return name
    addr = addr.rstrip(">").strip() or sender.strip()
    return addr.rpartition("@")[2].lower()


def _forwarded_inline(text: str) -> tuple[dict[str, str], str] | None:
    """Split an inline forwarded message into its header fields and its body."""
    match = _FWD_MARKER.search(text)
    if not match:
        return None
    lines = text[match.end():].lstrip("\n").split("\n")
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines) and (header := _FWD_HEADER.match(lines[i].lstrip("> "))):
        fields.setdefault(header.group(1).lower(), header.group(2).strip())
        i = _next_filled(lines, i + 1)
    body = "\n".join(line[1:].lstrip() if line.startswith(">") else line for line in lines[i:])
    return fields, body


def _part_text(part: EmailMessage, path: Path) -> str:
    """Decoded content of one MIME part, tolerating a wrong or missing charset."""
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError, ValueError):
        return decode_bytes(part.get_payload(decode=True) or b"", path)


def _mail_text(msg: EmailMessage, path: Path) -> tuple[str, str]:
    """The message text (plain preferred, else HTML through extraction) and the HTML page title.

    A plain part that is only a stub ("view this email in your browser") gives way to the HTML part."""
    plain, html = msg.get_body(preferencelist=("plain",)), msg.get_body(preferencelist=("html",))
    if plain is None and html is None:
        raise InputError(shown(path), "the email has no text/plain or text/html part (only attachments?); "
                                      "forward the article as text or save the page as .html")
    text = _part_text(plain, path).replace("\r\n", "\n") if plain is not None else ""
    if html is None or len(text.strip()) >= PLAIN_STUB_CHARS:
        return text, ""
    page = html_to_article_fields(_part_text(html, path))
    if len(page.text) <= len(text.strip()):
        return text, ""
    return page.text, page.title


def _attached_message(msg: EmailMessage) -> EmailMessage | None:
    """A forwarded message attached as message/rfc822, if any."""
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) else inner
            if isinstance(inner, EmailMessage):
                return inner
    return None


def _read_eml(path: Path, data: bytes) -> list[_Draft]:
    """Read an email (or the article forwarded in it)."""
    check_mime_nesting(data, path)
    msg = email.message_from_bytes(data, policy=policy.default)
    if not msg.keys():
        raise InputError(shown(path), "no email headers found; save the message as a real .eml file")
    inner = _attached_message(msg)
    if inner is not None and inner.get_body(preferencelist=("plain", "html")) is not None:
        msg = inner
    subject, sender, date = str(msg["subject"] or ""), str(msg["from"] or ""), str(msg["date"] or "")
    text, page_title = _mail_text(msg, path)
    forwarded = _forwarded_inline(text)
    if forwarded:
        fields, text = forwarded
        subject = fields.get("subject") or subject
        sender = fields.get("from") or sender
        date = fields.get("date") or fields.get("sent") or date
    title = _strip_subject(subject) or page_title or _head_title(text)
    return [
        _Draft(
            title=title,
            text=text,
            outlet=_sender_outlet(sender) if sender else "",
            published=parse_date(date),
        )
    ]


# ---------------------------------------------------------------- json


def _json_items(path: Path, data: bytes) -> list:
    """Parse the JSON document; report syntax errors with line and column."""
    text = decode_bytes(data, path)
    check_json_depth(text, path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(shown(path), f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
                                      "fix the syntax (a JSON validator shows the spot)") from None
    items = doc if isinstance(doc, list) else [doc]
    if not any(isinstance(item, dict) for item in items):
        raise InputError(shown(path), "JSON must be an object or a non-empty list of objects with 'title' and 'body'")
    return items


def _json_str(item: dict, *names: str) -> str:
    """The first non-empty string among the named fields (an object's 'name' counts)."""
    for name in names:
        value = item.get(name)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, (str, int, float)) and str(value).strip():
            return str(value).strip()
    return ""


_HTML_TAG = re.compile(r"<(p|br|div|span|a|h[1-6]|li|strong|em)\b[^<>]*>", re.IGNORECASE)


def _json_body(text: str) -> str:
    """A JSON body as text: HTML markup (CMS exports) keeps its paragraphs, tags go."""
    return html_fragment_to_text(text) if len(_HTML_TAG.findall(text)) >= 2 else text


def _json_draft(path: Path, item: dict, label: str) -> _Draft:
    """One JSON object to a draft; name every missing required field."""
    title = _json_str(item, "title", "headline")
    text = _json_str(item, "body", "text", "content")
    missing = [n for n, v in (("title", title), ("body (or text/content)", text)) if not v]
    if missing:
        raise InputError(
            shown(path),
            f"{label} is missing required field(s): {', '.join(missing)}; "
            "each article needs 'title' and 'body'",
        )
    return _Draft(
        title=title,
        text=_json_body(text),
        outlet=_json_str(item, "outlet", "source", "publisher", "site"),
        url=_json_str(item, "url", "link") or None,
        published=parse_date(_json_str(item, "published", "date", "publishedAt", "published_at")),
        author=_json_str(item, "author", "byline") or None,
        language=_language_code(_json_str(item, "language", "lang")),
        label=label,
    )


def _language_code(value: str) -> str:
    """An ISO 639-1 code from "en", "EN" or "en-US"; anything else is left to detection."""
    match = re.match(r"^([a-z]{2})(?:[-_][a-z0-9]+)?$", value.strip().lower())
    return match.group(1) if match else ""


def _read_json(path: Path, data: bytes, defaults: ReadDefaults) -> tuple[list[Article], list[str]]:
    """Read one JSON article or a list of them; in a list, a bad item is left out (with why), not the file."""
    items = _json_items(path, data)
    many, articles, skipped = len(items) > 1, [], []
    for i, item in enumerate(items):
        label = f"item {i + 1}" if many else "the JSON object"
        try:
            with judging(label) if many else nullcontext():
                if not isinstance(item, dict):
                    raise InputError(shown(path), f"{label} is not an object with 'title' and 'body'")
                draft = _json_draft(path, item, label)
                articles.append(_finished(path, draft, defaults))
        except InputError as exc:
            if not many:
                raise
            skipped.append(exc.reason if exc.reason.startswith(label) else f"{label}: {exc.reason}")
    if not articles:
        raise InputError(shown(path), "no item could be read: " + "; ".join(skipped))
    return articles, skipped


# ---------------------------------------------------------------- finishing


def _finished(path: Path, draft: _Draft, defaults: ReadDefaults) -> Article:
    """A draft neutralised (before cleaning, so boilerplate rules see the visible text) and finished."""
    draft = scrub(draft)
    return _finish(path, replace(draft, title=clean.tidy_spaces(draft.title)), defaults)


def _domain(url: str | None) -> str:
    """The host of a URL without a leading "www." (empty for none, or for a malformed URL such as "https://[::1")."""
    try:
        host = urlparse(url or "").hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _outlet(draft: _Draft, path: Path, defaults: ReadDefaults) -> str:
    """Outlet precedence: content, defaults, URL domain, parent folder, "inbox"."""
    folder = path.parent.name
    for candidate in (draft.outlet, defaults.outlet, _domain(draft.url)):
        if candidate and candidate.strip():
            return candidate.strip()
    return neutralise(folder) if folder and folder.lower() != "inbox" else "inbox"


def _mtime(path: Path) -> datetime | None:
    """The file's modification time in UTC, the date guess when the content has none."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    except OSError:
        return None


def _finish(path: Path, draft: _Draft, defaults: ReadDefaults) -> Article:
    """Clean the body, check it is long enough, fill language, date and outlet."""
    body = clean.clean_body(draft.text, draft.title, tail=not draft.extracted)
    if len(body) < defaults.min_chars:
        where = f"{draft.label}: " if draft.label else ""
        raise InputError(
            shown(path),
            f"{where}no article text left after removing boilerplate ({len(body)} characters, "
            f"at least {defaults.min_chars} needed); check the file holds the article itself, "
            "or lower [ingest] min_chars",
        )
    guess = draft.published is None
    return Article(
        id="",
        title=draft.title.strip() or _first_line(body)[:200],
        outlet=_outlet(draft, path, defaults),
        body=body,
        url=draft.url or None,
        published=_mtime(path) if guess else draft.published,
        published_is_guess=guess,
        language=draft.language if len(draft.language) == 2 else language.detect(body),
        content_hash="",
        source_path=str(path),
        author=draft.author or None,
    )


def _check_size(path: Path, data: bytes, defaults: ReadDefaults) -> None:
    """Refuse oversized and empty files before any decoding."""
    if len(data) > defaults.max_bytes:
        raise InputError(shown(path), f"file is {len(data) / 1048576:.1f} MB, over the "
                                      f"{defaults.max_bytes / 1048576:.1f} MB limit; split it or raise "
                                      "[ingest] max_file_mb")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError(shown(path), f"the file is empty; put the article text in it ({_TEXT_FIX})")


def read_items(path: Path, data: bytes, defaults: ReadDefaults) -> tuple[list[Article], list[str]]:
    """Read one inbox file's bytes into articles, and why each bad item of a JSON list was left
    out; raise InputError naming the file and a fix when no article is left."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(shown(path), f"unsupported file type {suffix or '(no extension)'}; "
                                      f"supported: {', '.join(SUPPORTED)}")
    _check_size(path, data, defaults)
    if suffix == ".json":
        return _read_json(path, data, defaults)
    if suffix in (".txt", ".md", ".markdown"):
        drafts = _read_text(path, data, markdown=suffix != ".txt")
    elif suffix in (".html", ".htm"):
        drafts = _read_html(path, data)
    else:
        drafts = _read_eml(path, data)
    return [_finished(path, d, defaults) for d in drafts], []


def read(path: Path, data: bytes, defaults: ReadDefaults) -> list[Article]:
    """Read one inbox file's bytes into articles, or raise InputError naming the file and a fix
    (strict: one bad item of a JSON list refuses the file; the inbox uses read_items)."""
    articles, skipped = read_items(path, data, defaults)
    if skipped:
        raise InputError(shown(path), "; ".join(skipped))
    return articles
