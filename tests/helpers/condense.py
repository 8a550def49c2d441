"""Settings and the real seed story for condensation tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import from_mapping
from digest.models import Article
from helpers.paths import SEEDS

SEED_PREFIXES = ("000", "001", "002", "004")  # 003 is NV's own condensation, the model to imitate


def config(**summary):
    """Default settings with some [summary] options changed."""
    return from_mapping({"summary": summary} if summary else {}, Path("."))


def seed_articles() -> list[Article]:
    """The four outlets' articles as the ingest would give them, boilerplate lines left in."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (they live next to the repository in ../shared)")
    articles = []
    for prefix in SEED_PREFIXES:
        found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
        if not found:
            pytest.skip(f"seed {prefix}_*.txt missing from {SEEDS}")
        body = found[0].read_text(encoding="utf-8")
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        title = next(line for line in lines if len(line.split()) >= 5 and line[-1] not in ".!?")
        articles.append(Article(id=f"a{prefix}", title=title, outlet=f"outlet{prefix}", body=body,
                                language="en"))
    return articles
