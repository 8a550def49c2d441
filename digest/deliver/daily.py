"""The daily job (`digest run`, and what `digest schedule` runs): fetch, ingest, build, deliver."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from digest import build as build_mod
from digest.config import Config
from digest.deliver import smtp as deliver
from digest.deliver.schedule import run_steps
from digest.ingest import feeds, inbox
from digest.store import digests, recovery
from digest.store.corpus import Corpus

log = logging.getLogger(__name__)


@dataclass
class DailyReport:
    """Each step's report, with counts and errors combined for the run log."""

    backup: Any = None
    fetch: Any = None
    ingest: inbox.IngestReport | None = None
    build: build_mod.BuildResult | None = None
    deliver: deliver.DeliveryReport | None = None
    steps_done: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[tuple[str, str]]:
        """(file, feed or digest, reason) of every step."""
        return [item for step in (self.backup, self.fetch, self.ingest, self.deliver) if step
                for item in step.failed]

    def counts(self) -> dict[str, Any]:
        """Per-step counts for the runs table."""
        counts: dict[str, Any] = {"steps": list(self.steps_done)}
        for name in ("backup", "fetch", "ingest", "deliver"):
            step = getattr(self, name)
            if step is not None:
                counts[name] = step.counts()
        if self.build is not None:
            counts["build"] = {"stories": len(self.build.digest.stories), "digest": self.build.digest_id}
        return counts


def run_daily(config: Config, corpus: Corpus, day: date | None = None,
              progress: Callable[[Any], None] | None = None) -> DailyReport:
    """Run the configured steps in order (first the day's corpus backup, so it holds the corpus as
    it was before the run); a stop request (SIGTERM) is honoured between steps."""
    report = DailyReport()

    def step(name: str, call: Callable[[], Any]) -> tuple[str, Callable[[], None]]:
        def run() -> None:
            setattr(report, name, call())
            report.steps_done.append(name)
        return name, run

    once = _Once(corpus)
    steps = [step("backup", lambda: recovery.daily_backup(config, corpus, day or build_mod.today(config)))]
    if config.feeds:
        steps.append(step("fetch", lambda: feeds.fetch_all(config, corpus)))
    steps.append(step("ingest", lambda: inbox.ingest(config, corpus, progress=progress)))
    steps.append(step("build", lambda: once.run(lambda: build_mod.build(config, corpus, day))))
    if config.settings.run.deliver:
        steps.append(step("deliver", lambda: once.run(lambda: deliver.send_digest(config, corpus))))
    run_steps(steps)
    return report


class _Once:
    """The build and delivery of a round of `digest run` workers on one PostgreSQL corpus: each runs
    in one worker at a time (Corpus.building), and a worker that finds a digest built since it
    started leaves both to the one that built it (its stored articles wait for the next build)."""

    def __init__(self, corpus: Corpus):
        self.corpus, self.built, self.skip = corpus, digests.count(corpus), None  # digests when it started

    def run(self, call: Callable[[], Any]) -> Any:
        """The step's report, or None when another worker of this round built the digest (decided at
        the first step, the build)."""
        with self.corpus.building():
            if self.skip is None:
                self.skip = self.corpus.is_postgres and digests.count(self.corpus) > self.built
            if self.skip:
                log.info("another digest run built a digest since this one started: not built again")
                return None
            return call()
