"""Render a Digest into the files of outbox/YYYY-MM-DD/: HTML email, plain text, .eml and PDF."""
from __future__ import annotations

import dataclasses
import logging
from email.message import EmailMessage
from pathlib import Path

from digest.config import Config
from digest.errors import RenderError
from digest.files import write_atomic
from digest.models import Digest
from digest.render.email import build_message, fit_email, inline_css, render_html
from digest.render.pdf import make_fetcher, pdf_html, render_pdf
from digest.render.text import render_text
from digest.store.faults import storage_error

__all__ = ["build_message", "inline_css", "make_fetcher", "pdf_html", "render_html", "render_pdf", "render_text",
           "write_atomic", "write_outputs"]

log = logging.getLogger(__name__)


def _message(digest: Digest, config: Config, pdf: bytes | None) -> tuple[str, str, EmailMessage]:
    """HTML, text and .eml of the digest; the text lists the same "also" stories as the HTML."""
    fit = fit_email(digest, config, attached=pdf is not None)
    text = render_text(digest, config, also_limit=fit.also, roundup_lines=fit.roundup_lines)
    return fit.html, text, build_message(digest, config, fit.html, text, pdf)


def _within_message_limit(digest: Digest, config: Config, pdf: bytes) -> tuple[str, str, EmailMessage]:
    """The email, with the PDF attached when [email] attach_pdf asks for it and the whole message
    stays within [email] max_message_kb; else without it, saying so in the email."""
    limit = config.settings.email.max_message_kb * 1024
    if config.settings.email.attach_pdf:
        html, text, message = _message(digest, config, pdf)
        if len(message.as_bytes()) <= limit:
            return html, text, message
        note = (f"The PDF briefing is not attached: with it ({len(pdf) // 1024:,} KB) this email would be "
                f"larger than [email] max_message_kb = {limit // 1024:,}; it is saved as digest.pdf "
                f"next to this digest.")
        log.warning("email: %s", note)
        digest = dataclasses.replace(digest, notes=digest.notes + (note,))
    html, text, message = _message(digest, config, None)
    size = len(message.as_bytes())
    if size > limit:
        raise RenderError(f"[email] max_message_kb = {limit // 1024}: the email is {size // 1024} KB even "
                          f"without the PDF; raise max_message_kb above [email] max_html_kb")
    return html, text, message


def write_outputs(digest: Digest, config: Config, outdir: Path) -> dict[str, Path]:
    """Render every output of a digest into outdir and return their paths by kind."""
    outdir = Path(outdir)
    pdf = render_pdf(digest, config)
    html, text, message = _within_message_limit(digest, config, pdf)
    try:
        return {
            "html": write_atomic(outdir / "digest.html", html.encode("utf-8")),
            "text": write_atomic(outdir / "digest.txt", text.encode("utf-8")),
            "eml": write_atomic(outdir / "digest.eml", message.as_bytes()),
            "pdf": write_atomic(outdir / "digest.pdf", pdf),
        }
    except OSError as exc:
        raise storage_error(exc, outdir) or RenderError(f"{outdir}: cannot write the digest files ({exc.strerror or exc}); "
                          f"check the folder exists and is writable ([paths] outbox)") from exc
