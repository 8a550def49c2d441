"""A workspace: digest.toml, inbox/, outbox/, templates/ and the corpus; one run at a time."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from digest.config import CONFIG_NAME, Config, default_text
from digest.errors import ConfigError, LockedError
from digest.store import engine
from digest.store.cache import PageCache
from digest.store.corpus import Corpus

TEMPLATES_README = """\
Put your own templates here to override the built-in ones (same file names).
A template here can extend a built-in one: {% extends "default:email.html" %}
"""


def init(folder: Path, force: bool = False) -> Path:
    """Create a workspace with a commented digest.toml documenting every option."""
    folder = Path(folder)
    config_file = folder / CONFIG_NAME
    if config_file.exists() and not force:
        raise ConfigError(f"{config_file}: already exists; use --force to overwrite it")
    for sub in ("inbox", "outbox", "templates"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    config_file.write_text(default_text(), encoding="utf-8")
    readme = folder / "templates" / "README.txt"
    if not readme.exists():
        readme.write_text(TEMPLATES_README, encoding="utf-8")
    return config_file


def open_corpus(config: Config) -> Corpus:
    """Open (and migrate) the workspace's corpus: its file, or its PostgreSQL database."""
    location = engine.locate(config)
    return Corpus(location, engine.password(config) if engine.is_url(location) else None, PageCache.of(config.settings))


@contextmanager
def locked(config: Config, shared: bool = False) -> Iterator[None]:
    """Hold the workspace lock; the OS (or PostgreSQL, for a database corpus) releases it if the
    process dies, so stale locks are taken over. `shared` (ingest workers on PostgreSQL): held
    with other shared holders, never with an exclusive one; on SQLite every hold is exclusive."""
    location = engine.locate(config)
    if engine.is_url(location):
        with engine.advisory_lock(location, engine.password(config), shared):
            yield
        return
    lock_path = location.with_suffix(".lock")
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise LockedError(
            f"{lock_path}: another digest run holds this workspace; wait for it to finish"
        ) from exc
    try:
        yield
    finally:
        lock.release()


@contextmanager
def locked_corpus(config: Config, shared: bool = False) -> Iterator[Corpus]:
    """The corpus opened under the workspace lock (see `locked`): what every command that writes it needs."""
    with locked(config, shared), open_corpus(config) as corpus:
        yield corpus
