"""The daily job: schedule times in a time zone, catch-up, clean stop on SIGTERM, the workspace lock."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from helpers.paths import REPO

from digest import config as config_mod
from digest.deliver import schedule
from digest.errors import ConfigError, DigestError, LockedError
from digest.store import workspace


def make_config(tmp_path, at, tz="UTC", poll=0):
    return config_mod.from_mapping({"digest": {"timezone": tz},
                                    "schedule": {"at": at, "poll_minutes": poll}}, tmp_path)


def test_times_are_checked(tmp_path):
    assert schedule.daily_times(make_config(tmp_path, ["19:30", "07:00"])) == [
        datetime.strptime(t, "%H:%M").time() for t in ("07:00", "19:30")]
    for bad in (["7am"], ["25:00"], ["07:00+02:00"], []):
        with pytest.raises(ConfigError, match=r"\[schedule\] at"):
            schedule.daily_times(make_config(tmp_path, bad))
    with pytest.raises(ConfigError, match="timezone"):
        schedule.next_run(make_config(tmp_path, ["07:00"], tz="Mars/Base"))


def test_next_and_last_runs_in_the_workspace_zone(tmp_path):
    config = make_config(tmp_path, ["07:00", "19:30"], tz="Europe/Kyiv")
    kyiv = ZoneInfo("Europe/Kyiv")
    now = datetime(2026, 11, 23, 8, 0, tzinfo=kyiv)
    assert schedule.next_run(config, now) == datetime(2026, 11, 23, 19, 30, tzinfo=kyiv)
    assert schedule.last_due(config, now) == datetime(2026, 11, 23, 7, 0, tzinfo=kyiv)
    late = datetime(2026, 11, 23, 20, 0, tzinfo=kyiv)
    assert schedule.next_run(config, late) == datetime(2026, 11, 24, 7, 0, tzinfo=kyiv)
    early = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # 05:00 in Kyiv: yesterday's 19:30 was last
    assert schedule.last_due(config, early) == datetime(2026, 11, 22, 19, 30, tzinfo=kyiv)


def test_missed_run_detection(tmp_path):
    config = make_config(tmp_path, ["07:00"])
    now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    assert schedule.missed(config, None, now)
    assert schedule.missed(config, datetime(2026, 11, 22, 7, 0, 5, tzinfo=timezone.utc), now)
    assert not schedule.missed(config, datetime(2026, 11, 23, 7, 0, 3, tzinfo=timezone.utc), now)


def test_last_run_time_reads_the_corpus(tmp_path):
    config = make_config(tmp_path, ["07:00"])
    assert schedule.last_run_time(config) is None
    with workspace.open_corpus(config) as corpus:
        corpus.start_run("fetch")
        corpus.start_run("run")
    last = schedule.last_run_time(config)
    assert last is not None and abs((datetime.now(timezone.utc) - last).total_seconds()) < 5


def test_scheduler_holds_daily_and_poll_jobs(tmp_path):
    config = make_config(tmp_path, ["07:00", "19:30"], tz="America/New_York", poll=15)
    scheduler = schedule.build_scheduler(config, lambda: None, threading.Event(), poll_job=lambda: None)
    daily = [j for j in scheduler.jobs if "daily" in j.tags]
    poll = [j for j in scheduler.jobs if "poll" in j.tags]
    assert len(daily) == 2 and len(poll) == 1 and poll[0].interval == 15 and poll[0].unit == "minutes"
    expected = schedule.next_run(config).astimezone().replace(tzinfo=None)  # schedule keeps local naive times
    assert min(j.next_run for j in daily) == expected
    no_poll = schedule.build_scheduler(make_config(tmp_path, ["07:00"]), lambda: None, threading.Event(),
                                       poll_job=lambda: None)
    assert [j.tags for j in no_poll.jobs] == [{"daily"}]


def _soon(seconds: int) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%H:%M:%S")


def test_run_forever_catches_up_then_runs_on_time(tmp_path):
    config = make_config(tmp_path, [_soon(2)])
    calls, stop = [], threading.Event()

    def job():
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise DigestError("first run fails: the loop must go on")
        stop.set()

    start = time.monotonic()
    worker = threading.Thread(target=schedule.run_forever, args=(config, job, stop),
                              kwargs={"last_run": lambda: None})
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and len(calls) == 2
    assert calls[0] - start < 1 and 1 <= calls[1] - start < 5  # catch-up at once, then at the time


def test_no_catch_up_when_the_last_run_is_recent(tmp_path):
    config = make_config(tmp_path, [_soon(-3600)])
    calls, stop = [], threading.Event()
    threading.Timer(1.0, stop.set).start()
    schedule.run_forever(config, lambda: calls.append(1), stop, last_run=lambda: datetime.now(timezone.utc))
    assert calls == []


def test_run_steps_stops_between_steps():
    stop, done = threading.Event(), []
    steps = [("fetch", lambda: done.append("fetch")), ("ingest", lambda: (done.append("ingest"), stop.set())),
             ("build", lambda: done.append("build"))]
    assert schedule.run_steps(steps, stop) == ["fetch", "ingest"] and done == ["fetch", "ingest"]


SIGTERM_SCRIPT = """
import sys, threading, time
from pathlib import Path
from digest import config as config_mod
from digest.deliver import schedule
out = Path(sys.argv[1])
config = config_mod.from_mapping({"schedule": {"at": ["03:00"]}}, out.parent)
stop = threading.Event()

def step(name):
    def run():
        with out.open("a") as handle:
            handle.write(name + " start\\n"); handle.flush(); time.sleep(1.0); handle.write(name + " end\\n")
    return run

def job():
    schedule.run_steps([(n, step(n)) for n in ("fetch", "ingest", "build")], stop)

schedule.run_forever(config, job, stop, last_run=lambda: None)
print("stopped cleanly")
"""


def start_in_first_step(out):
    """Start the stepped job in a subprocess and return once its first step is running."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SIGTERM_SCRIPT), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (out.exists() and "fetch start" in out.read_text()):
        time.sleep(0.05)
    return proc


def test_sigterm_stops_cleanly_between_steps(tmp_path):
    out = tmp_path / "steps.log"
    proc = start_in_first_step(out)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    assert "stopped cleanly" in stdout and "SIGTERM received" in stderr
    assert out.read_text() == "fetch start\nfetch end\n"  # the step finished, no other one began


def test_second_ctrl_c_interrupts_at_once(tmp_path):
    out = tmp_path / "steps.log"
    proc = start_in_first_step(out)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode != 0 and "KeyboardInterrupt" in stderr and "stopped cleanly" not in stdout
    assert out.read_text() == "fetch start\n"


LOCK_SCRIPT = """
import sys, time
from pathlib import Path
from digest import config as config_mod
from digest.store import workspace
config = config_mod.from_mapping({}, Path(sys.argv[1]))
with workspace.locked(config):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_second_run_is_refused_and_a_dead_holder_is_taken_over(tmp_path):
    config = config_mod.from_mapping({}, tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(LOCK_SCRIPT), str(tmp_path)],
                            stdout=subprocess.PIPE, cwd=REPO, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockedError, match="another digest run"):
            with workspace.locked(config):
                pass
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # a crash: the holder never releases the lock itself
        proc.wait(10)
    assert config.path("corpus").with_suffix(".lock").exists()
    with workspace.locked(config):
        pass


CLI_SCRIPT = """
import sys
from digest.cli.main import cli
from digest.cli.ops import COMMANDS
for command in COMMANDS:
    if command.name not in cli.commands:
        cli.add_command(command)
cli(["--config", sys.argv[1], "schedule"], prog_name="digest")
"""


def test_schedule_command_catches_up_with_digest_run_then_stops_on_sigterm(tmp_path):
    config_file = workspace.init(tmp_path / "ws")
    config = config_mod.load(config_file)
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CLI_SCRIPT), str(config_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, text=True)
    try:
        deadline, finished = time.monotonic() + 60, None
        while time.monotonic() < deadline and not finished:
            time.sleep(0.2)
            if config.path("corpus").exists():
                with workspace.open_corpus(config) as corpus:
                    finished = corpus.db.execute(
                        "SELECT id FROM runs WHERE kind = 'run' AND ended_at IS NOT NULL").fetchone()
        assert finished, "the catch-up run never finished"
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "next run" in stderr and "catching up" in stderr and "schedule stopped" in stderr
