"""Render a Digest into the files of outbox/YYYY-MM-DD/: HTML email, plain text, .eml and PDF."""
from __future__ import annotations

from pathlib import Path

from digest.config import Config
from digest.errors import RenderError
from digest.files import write_atomic
from digest.models import Digest
from digest.render.email import build_message, inline_css, render_html
from digest.render.pdf import make_fetcher, render_pdf
from digest.render.text import render_text
from digest.store.faults import storage_error

__all__ = ["build_message", "inline_css", "make_fetcher", "render_html", "render_pdf", "render_text",
           "write_atomic", "write_outputs"]


def write_outputs(digest: Digest, config: Config, outdir: Path) -> dict[str, Path]:
    """Render every output of a digest into outdir and return their paths by kind."""
    outdir = Path(outdir)
    html = render_html(digest, config)
    text = render_text(digest, config)
    pdf = render_pdf(digest, config)
    attach = config.settings.email.attach_pdf
    message = build_message(digest, config, html, text, pdf if attach else None)
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
