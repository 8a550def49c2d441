"""Benchmark several `digest ingest` workers on one PostgreSQL corpus: throughput with 1, 2 and 4
worker processes on the same generated inbox (2,000 files with planted exact and near duplicates,
tests/helpers/workers.py), each count on a fresh database of a throwaway server (or --url's server).

    .venv/bin/python bench/workers.py                 # 2,000 files; 1, 2 and 4 workers
    .venv/bin/python bench/workers.py --files 500 --workers 1,2
    git worktree add /tmp/base main && .venv/bin/python bench/workers.py --baseline /tmp/base  # before/after

Each worker reads and parses its claimed files with no lock held, then decides and commits its batch
in its turn (one worker at a time): so more workers help as long as reading is the larger share, up
to the number of CPU cores. Prints files per second (wall), CPU milliseconds per file in the workers
and in the server (read from /proc: a throwaway server only), and articles stored, and checks every
run stored the same number of texts. With --baseline, the workers of another checkout (its digest
package) ingest the same inbox before each count's run, so a change is measured beside its baseline
on the same loaded machine.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from helpers.postgres import Server, binaries  # noqa: E402
from helpers.workers import corpus_state, left_in, make_workspace, start_worker, write_inbox  # noqa: E402


def server_cpu(server: Server | None) -> float:
    """CPU-seconds the throwaway server used so far: its postmaster and every backend it reaped
    (a worker's backend ends with the worker); 0 for a server given by --url."""
    if server is None:
        return 0.0
    pid = (server.data / "postmaster.pid").read_text().split()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def run(url: str, folder: Path, files: int, workers: int, server: Server | None,
        code: Path | None = None) -> tuple[float, float, float, int]:
    """Ingest a fresh copy of the inbox with `workers` processes (running `code`'s digest, else this
    checkout's); (files per second, workers' and server's CPU milliseconds per file, articles stored)."""
    config = make_workspace(folder, url)
    write_inbox(config.parent / "inbox", files)
    start, before, served = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN), server_cpu(server)
    procs = [start_worker(config, code) for _ in range(workers)]
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit(f"a worker failed: {proc.stderr.read()}")
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    served = server_cpu(server) - served
    assert not left_in(config.parent / "inbox")
    return files / seconds, cpu / files * 1000, served / files * 1000, corpus_state(config)["rows"]


def main(argv: list[str] | None = None) -> int:
    """Run each worker count; exit 1 when two runs stored a different number of texts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--url", help="an empty PostgreSQL database to use (with a single --workers count); "
                                      "default: a throwaway server, a new database per count")
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier commit: its workers run each "
                                                          "count first, on a database of their own")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    if args.url and args.baseline:
        parser.error("--baseline needs a database per run: leave out --url")
    server = None if args.url else Server(binaries())
    codes = [("baseline", args.baseline.resolve()), ("this checkout", None)] if args.baseline else [("", None)]
    stored = set()
    try:
        with tempfile.TemporaryDirectory(prefix="digest-bench-workers-") as work:
            for n in counts:
                figures = []
                for label, code in codes:
                    url = args.url or server.fresh_database()
                    rate, cpu, served, rows = run(url, Path(work) / f"w{n}{label[:4]}", args.files, n, server, code)
                    stored.add(rows)
                    figures.append((rate, cpu + served))
                    print(f"{n} worker(s){', ' + label if label else ''}: {rate:,.0f} files/s wall; CPU per file "
                          f"{cpu:.1f} ms in the workers, {served:.1f} ms in the server; {rows:,} articles stored",
                          flush=True)
                if len(figures) == 2:
                    (rate0, cpu0), (rate1, cpu1) = figures
                    print(f"{n} worker(s): this checkout / baseline: files/s x{rate1 / rate0:.2f}, "
                          f"CPU per file x{cpu1 / cpu0:.2f}", flush=True)
    finally:
        if server is not None:
            server.stop()
    ok = len(stored) == 1
    print(("PASS" if ok else "FAIL") + f" every run stored the same texts ({sorted(stored)})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
