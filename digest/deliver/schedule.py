"""`digest schedule`: run the daily job at the [schedule] times, in the foreground, until stopped.

The job is a callable handed in by the CLI (the body of `digest run`), so this
module knows nothing of the pipeline. Times are read in [digest] timezone. A run
missed while the machine was off is caught up once at start. SIGTERM and Ctrl-C
only set a flag: the current step finishes (no half-written database row or
file) and the loop ends; a second Ctrl-C interrupts at once.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, time, timedelta
from typing import Any, Callable, Sequence

import schedule as schedule_lib

from digest.config import Config
from digest.errors import ConfigError, DigestError

log = logging.getLogger(__name__)

RUN_KIND = "run"
MAX_SLEEP = 30.0
# Set by SIGTERM/Ctrl-C under StopFlag; run_steps checks it between steps by default.
STOP = threading.Event()


def daily_times(config: Config) -> list[time]:
    """The [schedule] at times, checked ("HH:MM" or "HH:MM:SS"), sorted."""
    values = list(config.settings.schedule.at)
    if not values:
        raise ConfigError("[schedule] at is empty: list at least one time, like at = [\"07:00\"]")
    times = []
    for value in values:
        try:
            parsed = time.fromisoformat(str(value))
        except ValueError as exc:
            raise ConfigError(f"[schedule] at: {value!r} is not a time of day; use \"HH:MM\" like \"07:00\"") from exc
        if len(str(value)) not in (5, 8) or parsed.tzinfo:
            raise ConfigError(f"[schedule] at: {value!r}: write \"HH:MM\" (24-hour, no zone: "
                              "[digest] timezone applies)")
        times.append(parsed)
    return sorted(set(times))


def _occurrences(config: Config, now: datetime, days: Sequence[int]) -> list[datetime]:
    """Scheduled moments on the given day offsets around now, in the workspace zone."""
    tz = config.timezone()
    today = now.astimezone(tz).date()
    return sorted(datetime.combine(today + timedelta(days=d), t, tzinfo=tz)
                  for d in days for t in daily_times(config))


def next_run(config: Config, now: datetime | None = None) -> datetime | None:
    """The next scheduled daily run (aware, workspace zone), for `digest status`."""
    now = now or datetime.now(config.timezone())
    upcoming = [m for m in _occurrences(config, now, (0, 1, 2)) if m > now]
    return upcoming[0] if upcoming else None


def last_due(config: Config, now: datetime | None = None) -> datetime | None:
    """The latest scheduled moment at or before now (within the last two days)."""
    now = now or datetime.now(config.timezone())
    past = [m for m in _occurrences(config, now, (-1, 0)) if m <= now]
    return past[-1] if past else None


def last_run_time(config: Config, kind: str = RUN_KIND) -> datetime | None:
    """When the last daily run started, from the corpus `runs` table."""
    from digest.store.workspace import open_corpus

    with open_corpus(config) as corpus:
        started = corpus.last_started(kind)
    return datetime.fromisoformat(started) if started else None


def missed(config: Config, last: datetime | None, now: datetime | None = None) -> bool:
    """True when a scheduled run passed with no run since (machine off, daemon stopped)."""
    due = last_due(config, now)
    return due is not None and (last is None or last < due)


class StopFlag:
    """Turn SIGTERM and the first Ctrl-C into a flag checked between steps; restore handlers on exit."""

    def __init__(self, event: threading.Event | None = None):
        self.event = event if event is not None else STOP
        self._previous: dict[int, Any] = {}

    def _handle(self, signum, _frame) -> None:
        """First signal: set the flag; a second Ctrl-C: interrupt now."""
        if self.event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.warning("%s received: stopping after the current step (Ctrl-C again to interrupt now)",
                    signal.Signals(signum).name)
        self.event.set()

    def __enter__(self) -> "StopFlag":
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


def run_steps(steps: Sequence[tuple[str, Callable[[], Any]]],
              stop_event: threading.Event | None = None) -> list[str]:
    """Run named steps in order, stopping between two steps once a stop was asked for (default: STOP)."""
    stop_event = STOP if stop_event is None else stop_event
    done = []
    for name, step in steps:
        if stop_event.is_set():
            log.warning("stop requested: skipping %s", ", ".join(n for n, _ in steps[len(done):]))
            break
        log.info("step %s", name)
        step()
        done.append(name)
    return done


def _guarded(name: str, job: Callable[[], Any], stop: threading.Event) -> Callable[[], None]:
    """Wrap a job so a failure is logged and the loop goes on; nothing starts once stopping."""
    def call() -> None:
        """Run the job once unless stopping; log, never raise, its errors."""
        if stop.is_set():
            return
        log.info("%s: starting", name)
        try:
            job()
        except DigestError as exc:
            log.error("%s failed: %s", name, exc)
        except Exception:  # an unattended loop must survive a bug in one run
            log.exception("%s failed with an unexpected error", name)
        else:
            log.info("%s: done", name)
    return call


def build_scheduler(config: Config, job: Callable[[], Any], stop: threading.Event,
                    poll_job: Callable[[], Any] | None = None) -> schedule_lib.Scheduler:
    """A schedule.Scheduler with the daily job at each time and the optional feed polling."""
    scheduler = schedule_lib.Scheduler()
    tz = config.settings.digest.timezone
    config.timezone()
    for moment in daily_times(config):
        text = moment.strftime("%H:%M:%S")
        scheduler.every().day.at(text, tz).do(_guarded("daily run", job, stop)).tag("daily")
    minutes = config.settings.schedule.poll_minutes
    if minutes < 0:
        raise ConfigError(f"[schedule] poll_minutes = {minutes}: use 0 (no polling) or a number of minutes")
    if minutes and poll_job is not None:
        scheduler.every(minutes).minutes.do(_guarded("feed poll", poll_job, stop)).tag("poll")
    return scheduler


def run_forever(config: Config, job: Callable[[], Any], stop_event: threading.Event | None = None,
                poll_job: Callable[[], Any] | None = None,
                last_run: Callable[[], datetime | None] | None = None) -> None:
    """Run the daily job at the scheduled times until SIGTERM, Ctrl-C or stop_event."""
    if stop_event is None:
        STOP.clear()
    with StopFlag(stop_event) as flag:
        stop = flag.event
        scheduler = build_scheduler(config, job, stop, poll_job)
        previous = (last_run or (lambda: last_run_time(config)))()
        if missed(config, previous):
            log.info("catching up the run of %s missed (last run: %s)", last_due(config), previous or "never")
            _guarded("catch-up run", job, stop)()
        log.info("scheduled at %s (%s); next run %s", ", ".join(t.strftime("%H:%M") for t in daily_times(config)),
                 config.settings.digest.timezone, next_run(config))
        while not stop.is_set():
            scheduler.run_pending()
            idle = scheduler.idle_seconds
            stop.wait(MAX_SLEEP if idle is None else min(MAX_SLEEP, max(0.05, idle)))
        log.info("schedule stopped")


__all__ = ["StopFlag", "build_scheduler", "daily_times", "last_due", "last_run_time", "missed",
           "next_run", "run_forever", "run_steps"]
