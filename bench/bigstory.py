"""Condensing one very large story: seconds and peak memory against the story's size.

Usage: python bench/bigstory.py [N ...] [--limit-mb MB]   (default N: 10 100 2000)

Each N-article story is built from the seed story (../shared/seeds): article i is seed document
i mod 4 with its paragraphs rotated and one generated sentence of its own, from one of 150
outlets, published a minute after the previous one. Each size is condensed in a fresh child
process (peak RSS is the child's ru_maxrss), under an address-space limit of --limit-mb so that
a quadratic build fails with MemoryError instead of taking the machine down.
Exits 1 when the 2,000-article story takes 10 s or more, or 500 MB or more.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

FLOOR_S, FLOOR_MB, FLOOR_N = 10.0, 500.0, 2000
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def story(n: int) -> list:
    """n articles of one event from many outlets (see the module docstring)."""
    from newsgen import NewsGenerator
    from summarize import _variant, seeds_story

    from digest.models import Article

    documents = seeds_story(SEEDS)["documents"]
    gen = NewsGenerator(seed=11)
    start = datetime(2026, 3, 2, 6, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        text = _variant(documents[i % len(documents)], i // len(documents)) + "\n\n" + gen.sentence()
        title = text.strip().splitlines()[0][:90]
        out.append(Article(id=f"big-{i:05d}", title=title, outlet=f"Outlet {i % 150}", body=text,
                           language="en", published=start + timedelta(minutes=i)))
    return out


def child(n: int) -> dict:
    """Condense an n-article story in this process; seconds, peak RSS and what was read."""
    from digest.config import from_mapping
    from digest.summarize.condense import condense

    articles = story(n)
    config = from_mapping({}, Path("."))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = condense(articles, config)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    points = sum(len(s.points) for s in result.sections)
    return {"n": n, "seconds": seconds, "peak_mb": peak, "before_mb": before, "points": points,
            "read": n if result.read is None else len(result.read)}


def run(n: int, limit_mb: int) -> dict:
    """Condense in a child process under an address-space limit; its figures or its failure."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))

    proc = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True,
                          preexec_fn=limit)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"n": n, "failed": tail[:120]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Print seconds and peak RSS per story size; non-zero exit when the 2,000-article floor is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[10, 100, FLOOR_N])
    parser.add_argument("--limit-mb", type=int, default=6000)
    parser.add_argument("--child", type=int)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    failures = []
    for n in args.sizes:
        row = run(n, args.limit_mb)
        if "failed" in row:
            print(f"{n:>6} articles: FAILED under {args.limit_mb} MB: {row['failed']}")
        else:
            print(f"{n:>6} articles: {row['seconds']:7.2f} s, peak RSS {row['peak_mb']:7.0f} MB "
                  f"(before condensing {row['before_mb']:.0f} MB), {row['read']} read, {row['points']} points")
        if n == FLOOR_N and ("failed" in row or row["seconds"] >= FLOOR_S or row["peak_mb"] >= FLOOR_MB):
            failures.append(f"{n}-article story: {row}")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
