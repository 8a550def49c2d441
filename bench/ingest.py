"""Time `digest ingest` on a generated inbox of plain-text articles and HTML pages.

Prints, beside baselines measured in the same run:
- end to end: files per second and peak memory of `digest ingest` (read, clean, language,
  dedup, stories, commit), against a process that only reads and hashes the same files;
- the read stage alone: `readers.read` (decode, header, clean, language) in ms per file
  for each format, after the first file (whose one-off model loading is shown apart),
  against decoding the same bytes only.
Exit status 1 when files are left in the inbox, or when the read stage handles fewer than
READ_FLOOR plain-text files per second (issue 4 asks 1,000 articles/s end to end, so
reading must stay well under 1 ms a file).
Usage: python bench/ingest.py [--text 10000] [--html 1000]
"""
from __future__ import annotations

import argparse
import html
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newsgen import NewsGenerator  # noqa: E402

READ_FLOOR = 1000  # plain-text files per second through readers.read
ISSUE_TARGET = 1000  # plain-text articles per second end to end (issue 4)

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

# Reads every file of one suffix with readers.read, then times its parts on the same files:
# decode_bytes alone (the baseline), clean_body alone, language.detect on the cleaned bodies.
READ_STAGE = """
import json, sys, time, pathlib
from digest.sources import clean, language
from digest.sources.extract import decode_bytes
from digest.sources.readers import ReadDefaults, read
paths = sorted(p for p in pathlib.Path(sys.argv[1]).rglob("*" + sys.argv[2]) if p.is_file())
blobs = [(p, p.read_bytes()) for p in paths]
start = time.perf_counter()
read(*blobs[0], ReadDefaults())
first = time.perf_counter() - start
start = time.perf_counter()
for p, data in blobs[1:]:
    read(p, data, ReadDefaults())
reading = time.perf_counter() - start
start = time.perf_counter()
texts = [decode_bytes(data, p) for p, data in blobs[1:]]
decoding = time.perf_counter() - start
start = time.perf_counter()
bodies = [clean.clean_body(text) for text in texts]
cleaning = time.perf_counter() - start
start = time.perf_counter()
for body in bodies:
    language.detect(body)
detecting = time.perf_counter() - start
print(json.dumps({"n": len(blobs) - 1, "first": first, "read": reading, "decode": decoding,
                  "clean": cleaning, "language": detecting}))
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


def read_stage(inbox: Path, suffix: str) -> dict | None:
    """readers.read timings for the files of one suffix under inbox, in a fresh process (None if none)."""
    if not any(inbox.rglob("*" + suffix)):
        return None
    out = subprocess.run([sys.executable, "-c", READ_STAGE, str(inbox), suffix],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def print_read_stage(stages: dict[str, dict | None]) -> float | None:
    """Print the read-stage table (parts in ms/file); return plain-text files/s (None without text)."""
    print(f"{'read stage (readers.read)':28} {'files':>6} {'ms/file':>8} {'files/s':>8} "
          f"{'baseline: decode only':>22} {'clean':>6} {'language':>9} {'first file s':>13}")
    text_rate = None
    for suffix, stage in stages.items():
        if not stage or not stage["n"]:
            continue
        per = stage["read"] / stage["n"]
        part = {key: 1000 * stage[key] / stage["n"] for key in ("decode", "clean", "language")}
        print(f"{suffix:28} {stage['n']:6} {1000 * per:8.3f} {1 / per:8.0f} {part['decode']:22.3f} "
              f"{part['clean']:6.3f} {part['language']:9.3f} {stage['first']:13.2f}")
        if suffix == ".txt":
            text_rate = 1 / per
    return text_rate


def main() -> int:
    """Build the inbox, run the baselines, the read stage and `digest ingest`; print the tables."""
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
        # After ingest (which moved the files under inbox/), so its peak memory is its own.
        stages = {suffix: read_stage(ws / "inbox", suffix) for suffix in (".txt", ".html")}
    print(f"inbox: {args.text} text + {args.html} HTML = {total} files")
    print(f"{'end to end':28} {'seconds':>8} {'files/s':>9} {'peak MB':>8}")
    print(f"{'baseline: read + sha256':28} {base_s:8.2f} {total / base_s:9.0f} {base_mb:8.0f}")
    print(f"{'digest ingest':28} {run_s:8.2f} {total / run_s:9.0f} {run_mb:8.0f}")
    print(f"ratio digest/baseline time: {run_s / base_s:.1f}x; files left in inbox: {left}")
    if not args.html:
        verdict = "met" if total / run_s >= ISSUE_TARGET else "NOT met"
        print(f"issue 4 target, {ISSUE_TARGET} plain-text articles/s end to end: {verdict}")
    text_rate = print_read_stage(stages)
    status = 0 if left == 0 else 1
    if text_rate is not None and text_rate < READ_FLOOR:
        print(f"FAIL: read stage {text_rate:.0f} plain-text files/s is below the floor {READ_FLOOR}")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
