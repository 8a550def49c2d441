"""Shared fixtures: a fresh workspace, the bundled examples, the shared data folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest_smtp import smtp  # noqa: F401  (fixture: a real aiosmtpd server on 127.0.0.1)

from digest import config as config_mod
from digest.ingest.inbox import Store
from digest.models import Article
from digest.store import workspace
from digest.store.corpus import Corpus

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = REPO / "examples"


def need_shared(sub: str = "") -> Path:
    """The ../shared folder (or a part of it), or skip the test with a clear message."""
    path = SHARED / sub if sub else SHARED
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs the team's shared data folder beside the repo")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    """The five real seed articles (skips when ../shared/seeds is absent)."""
    return need_shared("seeds")


@pytest.fixture
def workspace_dir(tmp_path) -> Path:
    """A fresh workspace made by `digest init`."""
    folder = tmp_path / "ws"
    workspace.init(folder)
    return folder


@pytest.fixture
def ws_config(workspace_dir) -> config_mod.Config:
    """The fresh workspace's loaded config."""
    return config_mod.load(workspace_dir / "digest.toml")


@pytest.fixture
def example_workspace(tmp_path) -> Path:
    """A copy of the bundled examples/ workspace, as `make demo` makes it."""
    folder = tmp_path / "demo"
    shutil.copytree(EXAMPLES, folder)
    return folder


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart from stdout."""
    return CliRunner()


class Pipeline:
    """The real ingest path (digest.ingest.inbox.Store) on a corpus file, for dedup and story tests."""

    def __init__(self, path: Path, settings: dict | None = None):
        self.corpus = Corpus(path / "c.sqlite")
        self.config = config_mod.from_mapping(settings or {}, path)
        self.store = Store(self.corpus, self.config)
        self.dedup, self.stories = self.store.dedup, self.store.stories

    def add(self, article: Article):
        """Ingest one article; returns (dedup decision, stored article or None when exact)."""
        stored = self.store.put(article)
        return stored.dedup, (None if stored.dedup.kind == "exact" else stored.article)

    def add_story(self, article: Article):
        """Ingest one article; returns (story decision, stored article), or (None, None) when exact."""
        stored = self.store.put(article)
        return (None, None) if stored.dedup.kind == "exact" else (stored.story, stored.article)

    def story_of(self, article: Article) -> str:
        """The story id stored now (merges may have moved it since assignment)."""
        return self.corpus.article(article.id).story_id


@pytest.fixture
def pipe(tmp_path):
    """A Pipeline on a fresh corpus file."""
    p = Pipeline(tmp_path)
    yield p
    p.corpus.close()


def crash_on_insert(monkeypatch, nth: int) -> list[str]:
    """Make Corpus.insert_article raise "power cut" at its nth call; the ids it was called with."""
    real_insert = Corpus.insert_article
    calls: list[str] = []

    def crashing(self, article):
        calls.append(article.id)
        if len(calls) == nth:
            raise RuntimeError("power cut")
        real_insert(self, article)

    monkeypatch.setattr("digest.store.corpus.Corpus.insert_article", crashing)
    return calls
