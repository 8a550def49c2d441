"""Time `digest ingest` on a generated inbox of plain-text articles and HTML pages.

Prints, beside baselines measured in the same run:
- end to end: wall seconds, files per second, CPU seconds (the ingesting process plus its
  reader process) and peak memory of `digest ingest` (read, clean, language, non-article
  check, dedup, stories, commit), against a process that only reads and hashes the same files;
- the read stage alone: `readers.read` (decode, header, clean, language) in ms per file
  for each format, after the first file (whose one-off model loading is shown apart),
  against decoding the same bytes only;
- with --stages, a second ingest of the same files timed inside: CPU ms per file of each
  stage of the ingesting process, and of the reader process. With more than one CPU and
  PARALLEL_MIN_FILES files or more, `ingest` reads, cleans, detects languages and counts story
  terms in a reader process while the ingesting process commits: on a machine with a free
  second core the wall time is that of the ingesting process alone, so its CPU per file is
  the figure that sets the rate. On a machine shared with other jobs, judge by CPU figures.
Exit status 1 when files are left in the inbox, when `digest ingest` peaks at PEAK_FLOOR_MB
or more (issue 13 item 4: the generated files have no date, so all of them lie in every
article's story window), or when the read stage handles fewer than READ_FLOOR plain-text files
per second.

Measured on this 2-core machine, otherwise idle (10,000 text + 1,000 HTML, --stages), the
code before and after the shared-out work measured back to back: end to end 32.1 s wall,
342 files/s (324 before; 339-362 over three runs; 179 before the reader process and batched
story writes), 56.8 s CPU (194 files per CPU-second), peak 600 MB; the ingesting process
takes 2.49 ms a file (2.51 before: story assignment 1.18, story bookkeeping 0.36, dedup
check 0.20, outlet lines 0.13), the reader process 2.61 ms (2.63). The two processes now
share the work evenly: the reader works out story terms and dedup sketches only while it
keeps up (read_ahead), so the rate is set by their CPU total, not by the slower of them;
the HTML pages (3.6 ms each to read) no longer stall the ingesting process. The read stage
alone: 0.64 ms a text file, 3.6 ms an HTML page. Issue 4's 1,000 articles/s is met by the
dedup path itself (bench/dedup.py); end to end, story assignment is the largest part of
the ingesting process.
Usage: python bench/ingest.py [--text 10000] [--html 1000] [--stages]
"""
from __future__ import annotations

import argparse
import html
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newsgen import NewsGenerator  # noqa: E402

READ_FLOOR = 1000  # plain-text files per second through readers.read
PEAK_FLOOR_MB = 600.0  # ingest peak RSS (issue 13 item 4): the inbox is undated, every file in every window
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

# Runs `ingest` in this process with CPU timers around its stages: where the ingesting
# process spends its time per file, and what the reader process (read_ahead) took.
STAGES = """
import json, resource, sys, time
from digest import config as config_mod
from digest.store import workspace
from digest.store.corpus import Corpus
from digest.dedup.check import Deduplicator
from digest.sources import boilerplate
from digest.ingest import inbox
from digest.stories.index import StoryIndex
spent = {}
def timed(owner, name, label):
    original = getattr(owner, name, None)
    if original is None:
        return
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start
    setattr(owner, name, wrapper)
try:
    from digest.sources import nonarticle
except ImportError:
    nonarticle = None
for owner, name, label in [
        (inbox, "read_file", "read (in this process)"), (inbox.Store, "put", "Store.put, all of it"),
        (boilerplate.OutletLines, "strip", "  outlet lines strip"), (inbox, "finish", "  finish (content hash)"),
        (nonarticle, "judge", "  non-article judge"), (Deduplicator, "check", "  dedup check"),
        (StoryIndex, "assign", "  stories assign"), (Corpus, "insert_article", "  insert article"),
        (Deduplicator, "remember", "  dedup remember"), (StoryIndex, "remember", "  stories remember"),
        (boilerplate.OutletLines, "remember", "  outlet lines remember"),
        (StoryIndex, "flush", "stories flush (per batch)")]:
    timed(owner, name, label)
config = config_mod.load(sys.argv[1])
start = time.process_time()
with workspace.open_corpus(config) as corpus:
    inbox.ingest(config, corpus)
main = time.process_time() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"main": main, "reader": usage.ru_utime + usage.ru_stime, "stages": spent}))
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


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished children and their own waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_child(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (with its reader process) and peak RSS (MB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, _children_cpu() - cpu, max(peak, before) / 1024


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


def stage_table(ws: Path, files: int) -> None:
    """Ingest a copy of the inbox with CPU timers around the stages; print ms per file."""
    out = subprocess.run([sys.executable, "-c", STAGES, str(ws / "digest.toml")],
                         check=True, capture_output=True, text=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    print(f"{'CPU per file, by stage':40} {'ms/file':>8}")
    print(f"{'ingesting process, all of it':40} {1000 * found['main'] / files:8.3f}")
    for label, seconds in found["stages"].items():
        print(f"{label:40} {1000 * seconds / files:8.3f}")
    print(f"{'reader process (read_ahead), all of it':40} {1000 * found['reader'] / files:8.3f}")


def main() -> int:
    """Build the inbox, run the baselines, the read stage and `digest ingest`; print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=int, default=10000)
    parser.add_argument("--html", type=int, default=1000)
    parser.add_argument("--stages", action="store_true", help="also time each stage (a second ingest)")
    args = parser.parse_args()
    digest = str(Path(sys.executable).with_name("digest"))
    with tempfile.TemporaryDirectory() as tmp:
        ws, again = Path(tmp) / "ws", Path(tmp) / "again"
        for folder in (ws, again):
            subprocess.run([digest, "init", str(folder)], check=True, stdout=subprocess.DEVNULL)
        make_inbox(ws / "inbox", args.text, args.html)
        if args.stages:
            shutil.rmtree(again / "inbox")
            shutil.copytree(ws / "inbox", again / "inbox")
        total = args.text + args.html
        base = timed_child([sys.executable, "-c", BASELINE, str(ws / "inbox")])
        run = timed_child([digest, "-q", "--config", str(ws / "digest.toml"), "ingest"])
        left = sum(1 for p in (ws / "inbox").iterdir() if p.is_file())
        # After ingest (which moved the files under inbox/), so its peak memory is its own.
        stages = {suffix: read_stage(ws / "inbox", suffix) for suffix in (".txt", ".html")}
        print(f"inbox: {args.text} text + {args.html} HTML = {total} files")
        print(f"{'end to end':28} {'wall s':>8} {'files/s':>9} {'CPU s':>8} {'files/CPU-s':>12} {'peak MB':>8}")
        for label, (wall, cpu, peak) in (("baseline: read + sha256", base), ("digest ingest", run)):
            print(f"{label:28} {wall:8.2f} {total / wall:9.0f} {cpu:8.2f} {total / cpu:12.0f} {peak:8.0f}")
        print(f"ratio digest/baseline: wall {run[0] / base[0]:.1f}x, CPU {run[1] / base[1]:.1f}x; "
              f"files left in inbox: {left}")
        if not args.html:
            verdict = "met" if total / run[0] >= ISSUE_TARGET else "NOT met"
            print(f"issue 4 target, {ISSUE_TARGET} plain-text articles/s end to end: {verdict}")
        text_rate = print_read_stage(stages)
        if args.stages:
            stage_table(again, total)
    status = 0 if left == 0 else 1
    if run[2] >= PEAK_FLOOR_MB:
        print(f"FAIL: digest ingest peaked at {run[2]:.0f} MB, the floor is under {PEAK_FLOOR_MB:.0f} MB")
        status = 1
    if text_rate is not None and text_rate < READ_FLOOR:
        print(f"FAIL: read stage {text_rate:.0f} plain-text files/s is below the floor {READ_FLOOR}")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
