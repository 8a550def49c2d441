"""Time `digest ingest` on a generated inbox of plain-text articles and HTML pages.

Prints articles per second and the peak memory of the ingest process, beside a
baseline measured in the same run: a process that only reads and hashes the same files.
Usage: python bench/ingest.py [--text 10000] [--html 1000]
"""
from __future__ import annotations

import argparse
import html
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newsgen import NewsGenerator  # noqa: E402

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | Bench Times</title>
<meta property="og:site_name" content="Bench Times"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<aside>Share this article on Facebook and X</aside><footer>&copy; 2026 Bench Times</footer></body></html>"""

BASELINE = """
import hashlib, sys, pathlib
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*")):
    if p.is_file():
        hashlib.sha256(p.read_bytes()).hexdigest()
"""


def make_inbox(folder: Path, n_text: int, n_html: int) -> None:
    """Write n_text .txt articles and n_html .html pages."""
    gen = NewsGenerator(seed=11)
    for i in range(n_text):
        title, body = gen.article()
        (folder / f"t{i:06d}.txt").write_text(f"{title}\nSource: Bench Wire\n\n{body}\n")
    for i in range(n_html):
        title, body = gen.article()
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
        (folder / f"h{i:05d}.html").write_text(PAGE.format(title=html.escape(title), paragraphs=paras))


def timed_child(cmd: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=int, default=10000)
    parser.add_argument("--html", type=int, default=1000)
    args = parser.parse_args()
    digest = str(Path(sys.executable).with_name("digest"))
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run([digest, "init", str(ws)], check=True, stdout=subprocess.DEVNULL)
        make_inbox(ws / "inbox", args.text, args.html)
        total = args.text + args.html
        base_s, base_mb = timed_child([sys.executable, "-c", BASELINE, str(ws / "inbox")])
        run_s, run_mb = timed_child([digest, "-q", "--config", str(ws / "digest.toml"), "ingest"])
        left = sum(1 for p in (ws / "inbox").iterdir() if p.is_file())
    print(f"inbox: {args.text} text + {args.html} HTML = {total} files")
    print(f"{'system':28} {'seconds':>8} {'files/s':>9} {'peak MB':>8}")
    print(f"{'baseline: read + sha256':28} {base_s:8.2f} {total / base_s:9.0f} {base_mb:8.0f}")
    print(f"{'digest ingest':28} {run_s:8.2f} {total / run_s:9.0f} {run_mb:8.0f}")
    print(f"ratio digest/baseline time: {run_s / base_s:.1f}x; files left in inbox: {left}")
    return 0 if left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
