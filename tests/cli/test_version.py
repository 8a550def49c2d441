"""`digest --version`, and the same version in the email footer and the PDF's metadata."""
from __future__ import annotations

import io
from datetime import date
from importlib import metadata

from pypdf import PdfReader

from digest.cli.main import cli
from digest.config import from_mapping
from digest.render import render_html, render_pdf
from digest.render.sample import synthetic_digest

INSTALLED = metadata.version("digest")


def test_version_option_prints_the_installed_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"digest, version {INSTALLED}"


def test_email_footer_and_pdf_name_the_generator_and_its_version(tmp_path):
    digest = synthetic_digest(2, day=date(2026, 3, 2), seed=3)
    config = from_mapping({}, tmp_path)
    html = render_html(digest, config)
    footer = html[html.index('class="footer"'):]
    assert f"digest {INSTALLED}" in footer
    meta = PdfReader(io.BytesIO(render_pdf(digest, config))).metadata
    assert meta.creator == f"digest {INSTALLED}"
