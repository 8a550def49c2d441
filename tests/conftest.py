"""Shared fixtures: a fresh workspace, the bundled examples, the shared data folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.paths import EXAMPLES, need_shared
from helpers.pipeline import Pipeline
from helpers.smtp import smtp  # noqa: F401  (fixture: a real aiosmtpd server on 127.0.0.1)

from digest import config as config_mod
from digest.store import workspace


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


@pytest.fixture
def pipe(tmp_path):
    """A Pipeline on a fresh corpus file."""
    p = Pipeline(tmp_path)
    yield p
    p.corpus.close()
