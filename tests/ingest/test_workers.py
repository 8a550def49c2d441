"""Several `digest ingest` workers on one PostgreSQL corpus (issue 16 item 2): every file is
claimed by one worker, nothing is stored twice, a killed worker loses nothing."""
from __future__ import annotations

import os
import signal
import time

from helpers.workers import corpus_state, left_in, make_workspace, start_worker, write_inbox

FILES = 2000
WORKERS = 4


def _run_workers(config, inbox, kill_one: bool) -> bool:
    """Run the workers to the end, SIGKILLing one once a batch is committed; whether one was killed mid-run."""
    workers = [start_worker(config) for _ in range(WORKERS)]
    killed = False
    deadline = time.monotonic() + 600
    while any(w.poll() is None for w in workers) and time.monotonic() < deadline:
        if kill_one and not killed and any((inbox / "processed").glob("*.txt")):
            victim = next((w for w in workers if w.poll() is None), None)
            if victim is not None:
                os.kill(victim.pid, signal.SIGKILL)
                killed = True
        time.sleep(0.05)
    for worker in workers:
        worker.wait(timeout=60)
        assert worker.returncode in (0, -signal.SIGKILL), worker.stderr.read()
    return killed


def test_four_workers_and_a_killed_one_store_each_text_once_like_one_worker(pg_server, tmp_path):
    config = make_workspace(tmp_path / "many", pg_server.fresh_database())
    inbox = config.parent / "inbox"
    planted = write_inbox(inbox, FILES)
    assert _run_workers(config, inbox, kill_one=True)
    assert _run_workers(config, inbox, kill_one=False) is False  # a later run takes what the killed one left
    assert left_in(inbox) == []
    settled = list((inbox / "processed").glob("*.txt")) + list((inbox / "failed").glob("*.txt"))
    assert len(settled) == FILES and not list((inbox / "failed").glob("*.txt"))
    state = corpus_state(config)
    assert state["rows"] == len(state["articles"]) == planted["distinct"]  # every text stored once
    assert len(state["exact"]) == planted["distinct_files"] - planted["distinct"]  # each re-post dropped once
    stored = state["articles"]
    for original, copy in planted["near"]:  # (the file of each text that was stored, of its re-posts)
        first, second = (stored[next(n for n in planted["same_text"][name] if n in stored)][0] for name in (original, copy))
        assert first or second, (original, copy)  # the update is marked a copy of the original, or the reverse

    alone = make_workspace(tmp_path / "one", pg_server.fresh_database())
    write_inbox(alone.parent / "inbox", FILES)
    worker = start_worker(alone)
    assert worker.wait(timeout=600) == 0, worker.stderr.read()
    text = lambda story: frozenset(planted["same_text"][name][0] for name in story)  # noqa: E731
    one, many = ({text(s) for s in st["stories"]} for st in (corpus_state(alone), state))
    assert many == one  # the same stories (as sets of texts) as one worker makes
