"""Storage faults through the real CLI: a full disk, a file size limit, a killed build's temp file,
a run killed with SIGKILL, and a delivery killed between the SMTP server's acceptance and its record."""
from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from helpers.feeds import free_port
from helpers.paths import EXAMPLES
from helpers.smtp import Sink

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONUNBUFFERED": "1"}


def digest(ws: Path, *args: str, preexec=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `digest` command line in a workspace, as a user would."""
    return subprocess.run([sys.executable, "-m", "digest", "--config", str(ws / "digest.toml"), *args],
                          capture_output=True, text=True, env=ENV, preexec_fn=preexec, timeout=timeout)


def assert_clear_error(result: subprocess.CompletedProcess, *words: str) -> None:
    """Failed with one `error:` message naming each word, and no Python traceback."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "error:" in result.stderr, result.stderr
    for word in words:
        assert word.lower() in result.stderr.lower(), (word, result.stderr)


def fill(folder: Path) -> Path:
    """Fill the file system holding `folder` up to the last byte; the filler file is returned."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                continue
    return filler


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MB tmpfs to fill up; skips where mounting is impossible (not root, no mount rights)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a full-disk test needs a small tmpfs, and mounting one needs root; "
                    "the RLIMIT_FSIZE tests still cover file writes")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); "
                    "the RLIMIT_FSIZE tests still cover file writes")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def example_ws(root: Path) -> Path:
    """A copy of the bundled example workspace (11 real inbox files)."""
    ws = root / "ws"
    shutil.copytree(EXAMPLES, ws)
    return ws


def inbox_names(ws: Path) -> list[str]:
    """The files waiting in the inbox (not processed/ or failed/)."""
    return sorted(p.name for p in (ws / "inbox").iterdir() if p.is_file())


def articles(ws: Path) -> int:
    """Articles in the workspace's corpus, read with plain sqlite3."""
    with sqlite3.connect(ws / "corpus.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT count(*) FROM articles").fetchone()[0]


@pytest.mark.parametrize("room_kb", [0, 64], ids=["no-room-to-open", "full-mid-batch"])
def test_ingest_on_a_full_disk_is_a_clear_error_and_loses_nothing(small_disk, room_kb):
    ws = example_ws(small_disk)
    assert digest(ws, "status").returncode == 0  # the corpus exists, empty
    waiting = inbox_names(ws)
    filler = fill(small_disk)
    os.truncate(filler, filler.stat().st_size - room_kb * 1024)
    result = digest(ws, "ingest")
    assert_clear_error(result, str(ws), "full", "free")
    assert inbox_names(ws) == waiting
    assert not (ws / "inbox" / "processed").exists() or not any((ws / "inbox" / "processed").iterdir())
    filler.unlink()
    again = digest(ws, "ingest")
    assert again.returncode == 0, again.stderr
    assert articles(ws) == 11 and inbox_names(ws) == []  # 10 added + 1 copy, as a clean run


def test_build_on_a_full_disk_is_a_clear_error_records_nothing_and_leaves_no_temp_file(small_disk):
    ws = example_ws(small_disk)
    assert digest(ws, "ingest").returncode == 0
    filler = fill(small_disk)
    os.truncate(filler, filler.stat().st_size - 96 * 1024)  # room for the corpus's -shm, not for the outputs
    result = digest(ws, "build")
    assert_clear_error(result, str(ws), "full", "free")
    day = next((ws / "outbox").glob("20*"), None)
    assert day is None or not list(day.glob(".*.tmp"))
    with sqlite3.connect(ws / "corpus.sqlite") as db:
        assert db.execute("SELECT count(*) FROM digests").fetchone()[0] == 0
    filler.unlink()
    assert digest(ws, "build").returncode == 0
    assert (next((ws / "outbox").glob("20*")) / "digest.json").exists()


def _file_limit(limit: int):
    """preexec_fn: a real file size limit (writes past it fail with EFBIG; Python ignores SIGXFSZ)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_outputs_past_the_file_size_limit_are_a_clear_error(tmp_path):
    ws = example_ws(tmp_path)
    assert digest(ws, "ingest").returncode == 0
    result = digest(ws, "build", preexec=_file_limit(40 * 1024))
    assert_clear_error(result, str(ws / "outbox"), "too large", "ulimit")
    with sqlite3.connect(ws / "corpus.sqlite") as db:
        assert db.execute("SELECT count(*) FROM digests").fetchone()[0] == 0
    assert digest(ws, "build").returncode == 0


def test_a_temp_file_left_by_a_killed_write_is_removed_by_the_next_build(tmp_path):
    ws = example_ws(tmp_path)
    assert digest(ws, "ingest").returncode == 0
    day = ws / "outbox" / "2026-01-01"
    writer = subprocess.Popen([sys.executable, "-c", (
        "import os, sys, time\n"
        "os.fsync = lambda fd: time.sleep(60)\n"
        "from digest.files import write_atomic\n"
        "write_atomic(__import__('pathlib').Path(sys.argv[1]), b'{' * 300000)\n"), str(day / "digest.json")])
    deadline = time.monotonic() + 30
    while not list(day.glob(".*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert list(day.glob(".digest.json.*.tmp")), "the killed writer left no temp file"
    assert digest(ws, "build", "--date", "2026-01-01").returncode == 0
    assert not list(day.glob(".*.tmp"))
    assert (day / "digest.json").exists()


def test_a_run_killed_with_sigkill_is_marked_died_when_its_lock_is_taken_over(tmp_path):
    ws = example_ws(tmp_path)
    slow = tmp_path / "slow.py"
    slow.write_text("import time, runpy, sys\n"
                    "import digest.build as b\n"
                    "real = b.build\n"
                    "def stalled(*a, **k):\n"
                    "    print('building', flush=True); time.sleep(120)\n"
                    "b.build = stalled\n"
                    "sys.argv = ['digest'] + sys.argv[1:]\n"
                    "runpy.run_module('digest', run_name='__main__')\n")
    proc = subprocess.Popen([sys.executable, str(slow), "--config", str(ws / "digest.toml"), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
    assert proc.stdout.readline().strip() == "building"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(ws / "corpus.sqlite") as db:
        assert db.execute("SELECT status FROM runs").fetchall() == [("running",)]
    assert digest(ws, "run").returncode == 0
    with sqlite3.connect(ws / "corpus.sqlite") as db:
        rows = db.execute("SELECT id, status, ended_at, errors FROM runs ORDER BY id").fetchall()
    assert [r[1] for r in rows] == ["died", "ok"]
    assert rows[0][2] and "killed" in rows[0][3]
    status = digest(ws, "status")
    assert f"#{rows[0][0]} run     " in status.stdout and " died " in status.stdout


class KillingSink(Sink):
    """An SMTP server that takes the message, then kills the sender before answering 250."""

    victim: subprocess.Popen | None = None

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        if self.victim is not None:
            self.victim.send_signal(signal.SIGKILL)
            self.victim.wait()
            self.victim = None
        return "250 Message accepted"


def test_a_delivery_killed_after_the_server_took_it_is_not_sent_twice(tmp_path):
    sink, port = KillingSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        ws = example_ws(tmp_path)
        with open(ws / "digest.toml", "a", encoding="utf-8") as handle:
            handle.write(f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
        assert digest(ws, "ingest").returncode == 0 and digest(ws, "build").returncode == 0
        sink.victim = subprocess.Popen(
            [sys.executable, "-m", "digest", "--config", str(ws / "digest.toml"), "send"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        deadline = time.monotonic() + 60
        while sink.victim is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(sink.envelopes) == 1
        second = digest(ws, "send")
        assert len(sink.envelopes) == 1, "the digest was mailed twice"
        assert "unconfirmed" in second.stdout + second.stderr
        status = digest(ws, "status")
        assert "unconfirmed" in status.stdout and "digest send --digest" in status.stdout
        ident = status.stdout.split("unconfirmed deliveries: ")[1].split()[0]
        resend = digest(ws, "send", "--digest", ident)
        assert resend.returncode == 0, resend.stderr
        assert len(sink.envelopes) == 2
        assert "unconfirmed" not in digest(ws, "status").stdout
    finally:
        controller.stop()
