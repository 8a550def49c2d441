"""HTML email (Jinja2 + premailer, kept under the Gmail clipping size) and the .eml message."""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timezone
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from digest.config import Config
from digest.errors import ConfigError, RenderError
from digest.models import Digest
from digest.render.environment import base_context, render_template, safe_url
from digest.render.fit import largest_fitting
from digest.render.mailsize import sent_size
from digest.text.unicode_safety import neutralise

log = logging.getLogger(__name__)

EMAIL_TEMPLATE = "email.html"


def inline_css(html: str, inliner: str = "premailer") -> str:
    """Inline every <style> rule that can be inlined; media queries stay in a <style> block."""
    if inliner == "css-inline":
        return _css_inline(html)
    if inliner != "premailer":
        raise ConfigError(f"[email] inliner = {inliner!r} is not supported; "
                          f"use \"premailer\" or \"css-inline\"")
    from premailer import Premailer

    try:
        return Premailer(
            html, allow_network=False, strip_important=False, keep_style_tags=False,
            remove_classes=False, preserve_internal_links=True, disable_validation=True,
            disable_basic_attributes=["width", "height"],
            cssutils_logging_level=logging.CRITICAL, cssutils_logging_handler=logging.NullHandler(),
        ).transform()
    except Exception as exc:  # premailer raises bare exceptions for bad CSS or HTML
        raise RenderError(f"{EMAIL_TEMPLATE}: inlining the CSS failed ({exc}); "
                          f"check the CSS in your templates folder") from exc


def _css_inline(html: str) -> str:
    """The same job with css-inline (Rust, ~15x faster; same styles on our templates, see bench/render.py)."""
    try:
        import css_inline
    except ImportError as exc:
        raise ConfigError("[email] inliner = \"css-inline\" needs the css-inline package: "
                          "pip install css-inline, or use inliner = \"premailer\"") from exc
    try:
        return css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=True,
                                     load_remote_stylesheets=False).inline(html)
    except ValueError as exc:
        raise RenderError(f"{EMAIL_TEMPLATE}: inlining the CSS failed ({exc}); "
                          f"check the CSS in your templates folder") from exc


def _unsubscribe_url(config: Config) -> str | None:
    """The first http(s) URL of [email] list_unsubscribe, for the footer link."""
    value = config.settings.email.list_unsubscribe
    for candidate in re.findall(r"<([^>]*)>", value) or [value.strip()]:
        url = safe_url(candidate.strip())
        if url:
            return url
    return None


def email_context(digest: Digest, config: Config, keep: int | None, keep_also: int | None = None,
                   attached: bool | None = None, base: dict[str, Any] | None = None,
                   roundup_lines: int | None = None) -> dict[str, Any]:
    """Template values, with the stories split into shown and omitted at `keep` and the "also"
    stories listed up to `keep_also` (None: all), each roundup's first `roundup_lines` lines
    (None: [email] roundup_lines); `attached` says whether the PDF goes with it."""
    ctx = dict(base) if base is not None else base_context(digest, config)
    ctx["roundup_lines"] = config.settings.email.roundup_lines if roundup_lines is None else roundup_lines
    stories, also = ctx["stories"], ctx["also"]
    cut = len(stories) if keep is None else keep
    cut_also = len(also) if keep_also is None else keep_also
    ctx.update(shown=stories[:cut], omitted=stories[cut:], also=also[:cut_also], also_more=len(also) - cut_also,
               attach_pdf=config.settings.email.attach_pdf if attached is None else attached,
               unsubscribe_url=_unsubscribe_url(config))
    digest = ctx["digest"]
    shown_ids = {s.id for s in digest.stories[:cut]}
    carried = shown_ids | {s.id for s in digest.also[:cut_also]}
    timeline = tuple(e for e in ctx["timeline"] if e.story in carried)  # a brief's lines of the stories it holds
    ctx.update(shown_ids=shown_ids, timeline=timeline, timeline_more=len(ctx["timeline"]) - len(timeline))
    return ctx


def _size(text: str) -> int:
    """Size in bytes as a mail client counts it: after the transfer encoding."""
    return sent_size(text)


@dataclass(frozen=True)
class EmailFit:
    """The email HTML and how much of the digest it holds: condensed stories, "also" stories and
    the lines listed of each roundup."""

    html: str
    stories: int
    also: int
    roundup_lines: int = 0


class _Renders:
    """Raw and inlined renders of the email by (stories kept, "also" stories kept), each made once,
    with each roundup listing `lines` lines."""

    def __init__(self, digest: Digest, config: Config, attached: bool | None):
        """The view model is built once: on a busy day it holds thousands of "also" stories."""
        self.digest, self.config, self.attached = digest, config, attached
        self.base = base_context(digest, config)
        self.lines = config.settings.email.roundup_lines
        self.raw_cache: dict[tuple[int, int, int], str] = {}
        self.inlined_cache: dict[tuple[int, int, int], str] = {}

    def raw(self, keep: int, also: int) -> str:
        """The template rendered, CSS not yet inlined."""
        key = keep, also, self.lines
        if key not in self.raw_cache:
            ctx = email_context(self.digest, self.config, keep, also, self.attached, self.base, self.lines)
            self.raw_cache[key] = render_template(self.config, EMAIL_TEMPLATE, ctx)
        return self.raw_cache[key]

    def inlined(self, keep: int, also: int) -> str:
        """The email as sent, CSS inlined (the slow step)."""
        key = keep, also, self.lines
        if key not in self.inlined_cache:
            self.inlined_cache[key] = inline_css(self.raw(keep, also), self.config.settings.email.inliner)
        return self.inlined_cache[key]

    def fit_lines(self, stories: int, limit: int) -> None:
        """List fewer roundup lines (the rest counted) when the email with every condensed story
        would pass the limit; none when even that does not fit."""
        if not self.base["roundups"] or _size(self.inlined(stories, 0)) <= limit:
            return
        cap, self.lines = self.lines, 0
        if _size(self.inlined(stories, 0)) > limit:
            return

        def sized(k: int, render) -> int:
            self.lines = k
            return _size(render(stories, 0))

        best = largest_fitting(cap, lambda k: sized(k, self.raw), lambda k: sized(k, self.inlined), limit)
        self.lines = best
        log.info("email: listed %d lines of each roundup to stay under %d KB", best, limit // 1024)


def fit_email(digest: Digest, config: Config, attached: bool | None = None) -> EmailFit:
    """The email within [email] max_html_kb on any day: every condensed story and as many "also"
    stories (most important first) as fit; when even the condensed stories do not fit, the top ones."""
    limit = config.settings.email.max_html_kb * 1024
    renders = _Renders(digest, config, attached)
    stories, also = len(renders.base["stories"]), len(renders.base["also"])
    renders.fit_lines(stories, limit)
    if _size(renders.inlined(stories, 0)) <= limit:
        kept = largest_fitting(also, lambda k: _size(renders.raw(stories, k)),
                               lambda k: _size(renders.inlined(stories, k)), limit)
        if kept < also:
            log.info("email: listed %d of %d 'also' stories to stay under %d KB", kept, also, limit // 1024)
        return EmailFit(renders.inlined(stories, kept), stories, kept, renders.lines)
    if _size(renders.inlined(0, 0)) > limit:
        raise RenderError(f"[email] max_html_kb = {limit // 1024}: even an email without stories is "
                          f"larger; raise max_html_kb or shorten the email template")
    keep = largest_fitting(stories, lambda k: _size(renders.raw(k, 0)),
                           lambda k: _size(renders.inlined(k, 0)), limit)
    log.info("email: kept %d of %d stories to stay under %d KB", keep, stories, limit // 1024)
    return EmailFit(renders.inlined(keep, 0), keep, 0, renders.lines)


def render_html(digest: Digest, config: Config, attached: bool | None = None) -> str:
    """The email HTML with CSS inlined, within [email] max_html_kb (see fit_email)."""
    return fit_email(digest, config, attached).html


def subject(digest: Digest, config: Config) -> str:
    """[email] subject with {title} and {date} replaced (no other braces are interpreted)."""
    template = config.settings.email.subject
    title = digest.title or config.settings.digest.title
    text = template.replace("{title}", title).replace("{date}", digest.date.isoformat())
    return neutralise(" ".join(text.split()))


def message_date(digest: Digest, config: Config) -> datetime:
    """The Date header: when the digest was generated, else 07:00 of its day (deterministic)."""
    zone = config.timezone()
    if digest.generated_at is not None:
        stamp = digest.generated_at
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    return datetime.combine(digest.date, time(7, 0), tzinfo=zone)


def _message_id(digest: Digest, sender: str, html: str) -> str:
    """A Message-ID derived from the content, so the same digest gets the same id."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    digest_hash = hashlib.sha256(html.encode("utf-8")).hexdigest()[:20]
    return f"<digest.{digest.date.isoformat()}.{digest_hash}@{domain}>"


def _set_boundaries(msg: EmailMessage, seed: str) -> None:
    """Give every multipart a boundary derived from the content (reproducible .eml bytes)."""
    for index, part in enumerate(msg.walk()):
        if part.is_multipart():
            token = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:24]
            part.set_boundary(f"=_digest_{index}_{token}")


def build_message(digest: Digest, config: Config, html: str, text: str,
                  pdf_bytes: bytes | None = None) -> EmailMessage:
    """multipart/alternative (text, HTML), inside multipart/mixed with the PDF when one is given."""
    mail = config.mail_addresses()
    sender, recipients = mail.header_from, list(mail.header_to)
    msg = EmailMessage()
    try:
        msg["Subject"] = subject(digest, config)
        msg["From"] = sender
        msg["To"] = ", ".join(recipients)
        msg["Date"] = format_datetime(message_date(digest, config))
        msg["Message-ID"] = _message_id(digest, sender, html)
        unsubscribe = config.settings.email.list_unsubscribe.strip()
        if unsubscribe:
            msg["List-Unsubscribe"] = unsubscribe if "<" in unsubscribe else f"<{unsubscribe}>"
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"[email]: a header value is invalid ({exc}); check from, to, subject "
                          f"and list_unsubscribe") from exc
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    if pdf_bytes is not None:
        msg.add_attachment(pdf_bytes, maintype="application", subtype="pdf",
                           filename=f"digest-{digest.date.isoformat()}.pdf")
    _set_boundaries(msg, msg["Message-ID"])
    return msg


__all__ = ["EmailFit", "build_message", "fit_email", "inline_css", "message_date", "render_html", "subject"]
