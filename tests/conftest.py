"""Shared fixtures: a fresh workspace, the bundled examples, the shared data folder, and the
corpus engine: the storage and pipeline suites (ENGINE_SUITES) run once on SQLite and once on a
throwaway PostgreSQL server (helpers/postgres.py), one parametrised suite."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import postgres
from helpers.paths import EXAMPLES, TESTS, need_shared
from helpers.pipeline import Pipeline
from helpers.smtp import smtp  # noqa: F401  (fixture: a real aiosmtpd server on 127.0.0.1)

from digest import config as config_mod
from digest.store import workspace


ENGINES = ("sqlite", "postgresql")
# The storage and pipeline tests, run on both engines; the rest (rendering, mail, fuzzing) on SQLite.
ENGINE_SUITES = ("store", "dedup", "stories", "ingest", "cli", "deliver", "test_backlog.py", "test_brief.py")


def pytest_addoption(parser):
    """--engines: which corpus engines the storage and pipeline suites run on."""
    parser.addoption("--engines", default=",".join(ENGINES),
                     help="comma-separated corpus engines for the storage and pipeline tests (sqlite,postgresql)")


def pytest_configure(config):
    """Declare the marker of tests that exercise the SQLite file itself."""
    config.addinivalue_line("markers", "sqlite_only: the test reads or damages the SQLite file itself")


def pytest_generate_tests(metafunc):
    """Run the engine-dependent tests of ENGINE_SUITES on every chosen engine."""
    if "engine" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    relative = Path(metafunc.definition.fspath).relative_to(TESTS).parts
    if relative[0] in ENGINE_SUITES:
        chosen = [e for e in metafunc.config.getoption("engines").split(",") if e in ENGINES]
        metafunc.parametrize("engine", chosen)


@pytest.fixture
def engine() -> str:
    """The corpus engine of a test outside the engine suites: SQLite."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server for the session (skips when no server binaries exist)."""
    bindir = postgres.binaries()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: "
                    "install Debian's postgresql package (scripts/system-deps.sh test) to run the PostgreSQL half")
    server = postgres.Server(bindir)
    yield server
    server.stop()


def _fresh_location(engine, tmp_path, request, name: str):
    """A new corpus on the engine under test: tmp_path/name, or a fresh PostgreSQL database."""
    if engine == "sqlite":
        yield tmp_path / name
        return
    server = request.getfixturevalue("pg_server")
    url = server.fresh_database()
    yield url
    server.drop(url)


@pytest.fixture
def corpus_location(engine, tmp_path, request):
    """Where this test's corpus lives: a file in tmp_path, or a fresh PostgreSQL database."""
    yield from _fresh_location(engine, tmp_path, request, "c.sqlite")


@pytest.fixture
def second_location(engine, tmp_path, request):
    """Another corpus on the engine under test, for tests that fill one corpus from another."""
    yield from _fresh_location(engine, tmp_path, request, "second.sqlite")


def use_corpus(config_file: Path, location) -> None:
    """Point a workspace's [paths] corpus at a PostgreSQL database (a file location is left as it is)."""
    if not isinstance(location, str):
        return
    text = config_file.read_text(encoding="utf-8")
    line = f'corpus = "{location}"'
    text, found = re.subn(r'(?m)^corpus = ".*"$', line, text, count=1)
    if not found:
        text, found = re.subn(r"(?m)^\[paths\]$", f"[paths]\n{line}", text, count=1)
    config_file.write_text(text if found else f"{text}\n[paths]\n{line}\n", encoding="utf-8")


@pytest.fixture
def seeds_dir() -> Path:
    """The five real seed articles (skips when ../shared/seeds is absent)."""
    return need_shared("seeds")


@pytest.fixture
def workspace_dir(tmp_path, engine, request) -> Path:
    """A fresh workspace made by `digest init`, its corpus on the test's engine."""
    folder = tmp_path / "ws"
    workspace.init(folder)
    if engine != "sqlite":
        use_corpus(folder / "digest.toml", request.getfixturevalue("corpus_location"))
    return folder


@pytest.fixture
def ws_config(workspace_dir) -> config_mod.Config:
    """The fresh workspace's loaded config."""
    return config_mod.load(workspace_dir / "digest.toml")


@pytest.fixture
def example_workspace(tmp_path, engine, request) -> Path:
    """A copy of the bundled examples/ workspace, as `make demo` makes it, its corpus on the test's engine."""
    folder = tmp_path / "demo"
    shutil.copytree(EXAMPLES, folder)
    if engine != "sqlite":
        use_corpus(folder / "digest.toml", request.getfixturevalue("corpus_location"))
    return folder


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart from stdout."""
    return CliRunner()


@pytest.fixture
def pipe(tmp_path, corpus_location):
    """A Pipeline on a fresh corpus (a file, or a PostgreSQL database)."""
    p = Pipeline(tmp_path, location=corpus_location)
    yield p
    p.corpus.close()
