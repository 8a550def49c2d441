"""The daily job at wire volume: ingest and build day by day over the Reuters wire of 1987.

Usage: python bench/day.py [--days N] [--backlog-days B] [JSONL]
(default JSONL: ../shared/data/reuters/reuters21578-first-half.jsonl)

A fresh workspace with the shipped settings first imports the backlog (the first B days of the
file in one `digest ingest`, then one `digest build`: the backlog rule archives what is older
than [build] max_age_days), then runs N days as a daily job would: that day's stories into the
inbox, `digest ingest`, `digest build --date DAY`. Each command runs in its own process; per
day it prints articles, ingest seconds and articles/s, build seconds, the peak RSS of each
command, stories (condensed + also), the largest story, email KB and PDF pages. The baseline,
measured in the same run, is what any command costs: a process that starts and imports digest.
Then two extreme days: --many generated articles (5,000) from 100 outlets in one day, and
2,000 articles of one event that join one story (ingest and build; its condensation alone is
bench/bigstory.py's figure, printed last).
Exits 1 when a pinned floor is missed: a build fails, a build peaks at 1 GB or more, an email is
over [email] max_html_kb, a PDF over [pdf] max_pages, the 2,000-article story takes 10 s or 500 MB.
Ingest speed is printed against issue 13's 1,000 articles/s but not pinned here.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

DEFAULT = HERE.parents[1] / "shared" / "data" / "reuters" / "reuters21578-first-half.jsonl"
FLOOR_BUILD_MB, INGEST_TARGET = 1024.0, 1000.0


def wire_days(path: Path) -> tuple[dict[date, list[dict]], int]:
    """The wire's stories by day (dates as the wire wrote them); how many had no readable date."""
    days: dict[date, list[dict]] = defaultdict(list)
    bad = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        try:
            item["when"] = datetime.strptime(item["date"].split(".")[0].strip(), "%d-%b-%Y %H:%M:%S")
        except ValueError:
            bad += 1
            continue
        days[item["when"].date()].append(item)
    return dict(sorted(days.items())), bad


def drop(inbox: Path, items: list[dict]) -> None:
    """Inbox files as a wire feed would leave them: title, source and date headers, then the text."""
    for item in items:
        (inbox / f"reuters-{item['id']}.txt").write_text(
            f"{item['title'].title()}\nSource: Reuters\nDate: {item['when'].isoformat()}+00:00\n\n"
            f"{item['text']}\n", encoding="utf-8")


def measured(args: list[str]) -> dict:
    """Run a command in a child process: its wall seconds, peak RSS in MB, exit code and stdout."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--measure", "--", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    peak = json.loads(lines[-1])["peak_mb"] if lines and lines[-1].startswith("{") else float("nan")
    return {"seconds": seconds, "peak_mb": peak, "code": proc.returncode, "out": "\n".join(lines[:-1]),
            "err": proc.stderr.strip().splitlines()[-1:] if proc.returncode else []}


def measure_child(args: list[str]) -> int:
    """The --measure mode: run the digest CLI here (empty args: only import it), print peak RSS."""
    from digest.cli.main import cli

    code = 0
    if args:
        try:
            cli.main(args, standalone_mode=False)
        except SystemExit as exc:
            code = int(exc.code or 0)
        except Exception as exc:  # reported by the parent as a failed build
            print(f"error: {exc}", file=sys.stderr)
            code = 1
    print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    return code


def outputs(outbox: Path, digest_id: str | None) -> dict:
    """Stories, largest story, email KB and PDF pages of a built digest."""
    if not digest_id:
        return {"stories": "0", "largest": 0, "email_kb": 0.0, "pages": 0}
    folder = outbox / digest_id
    data = json.loads((folder / "digest.json").read_text(encoding="utf-8"))
    sizes = [len(s["articles"]) for s in data["stories"] + data["also"]] or [0]
    return {"stories": f"{len(data['stories'])}+{len(data['also'])}", "largest": max(sizes),
            "email_kb": (folder / "digest.html").stat().st_size / 1024,
            "pages": len(PdfReader(str(folder / "digest.pdf")).pages)}


def build_day(config: Path, outbox: Path, day: date | None) -> dict:
    """`digest build --json` for a day; its figures and outputs."""
    args = ["--config", str(config), "build", "--json"] + (["--date", day.isoformat()] if day else [])
    run = measured(args)
    digest_id = None
    if run["code"] == 0 and run["out"].strip():
        digest_id = json.loads(run["out"]).get("digest_id")
    return {**run, **outputs(outbox, digest_id)}


def row(label: str, n: int, ingest: dict, build: dict) -> str:
    """One printed line of the table."""
    rate = n / ingest["seconds"] if ingest["seconds"] else 0.0
    return (f"{label:<12} {n:>6} {ingest['seconds']:7.1f} {rate:7.0f} {ingest['peak_mb']:7.0f} "
            f"{build['seconds']:7.1f} {build['peak_mb']:7.0f} {build['stories']:>9} {build['largest']:>6} "
            f"{build['email_kb']:7.1f} {build['pages']:>5}")


def run_days(data: Path, days: int, backlog_days: int, folder: Path) -> tuple[list[str], list[dict]]:
    """Backlog import, then `days` daily runs; the printed lines and each build's figures."""
    from digest.config import load
    from digest.store import workspace

    workspace.init(folder)
    toml = folder / "digest.toml"
    config = load(toml)
    inbox, outbox = config.path("inbox"), config.path("outbox")
    by_day, bad = wire_days(data)
    order = list(by_day)
    lines = [f"{sum(map(len, by_day.values()))} wire stories over {len(order)} days ({bad} without a readable date)"]
    lines.append(f"{'day':<12} {'art':>6} {'ing s':>7} {'art/s':>7} {'ing MB':>7} {'bld s':>7} {'bld MB':>7} "
                 f"{'stories':>9} {'large':>6} {'mailKB':>7} {'pages':>5}")
    backlog = [item for d in order[:backlog_days] for item in by_day[d]]
    drop(inbox, backlog)
    ingest = measured(["--config", str(toml), "ingest"])
    build = build_day(toml, outbox, order[backlog_days - 1])
    lines.append(row("backlog", len(backlog), ingest, build))
    from digest.store.corpus import Corpus

    corpus = Corpus(config.path("corpus"))
    archived = corpus.stats()["archived_articles"]
    corpus.close()
    lines.append(f"  (the backlog build archived {archived} articles older than [build] max_age_days)")
    print("\n".join(lines), flush=True)
    builds = [build]
    for day in order[backlog_days:backlog_days + days]:
        drop(inbox, by_day[day])
        ingest = measured(["--config", str(toml), "ingest"])
        build = build_day(toml, outbox, day)
        lines.append(row(day.isoformat(), len(by_day[day]), ingest, build))
        builds.append(build)
        print(lines[-1], flush=True)
    return lines, builds


def many_day(count: int, folder: Path) -> tuple[dict, str]:
    """One day of `count` generated articles from 100 outlets (bench/newsgen.py): ingest and build."""
    from newsgen import NewsGenerator

    from digest.config import load
    from digest.store import workspace

    workspace.init(folder)
    toml = folder / "digest.toml"
    config = load(toml)
    gen = NewsGenerator(seed=13)
    for i in range(count):
        title, body = gen.article()
        (config.path("inbox") / f"g{i:05d}.txt").write_text(
            f"{title}\nSource: Outlet {i % 100}\nDate: 2026-03-02T{6 + i * 12 // count:02d}:00:00+00:00\n\n{body}\n")
    ingest = measured(["--config", str(toml), "ingest"])
    build = build_day(toml, config.path("outbox"), date(2026, 3, 2))
    return build, row(f"{count} gen", count, ingest, build)


def story_day(count: int, folder: Path) -> tuple[dict, str]:
    """One day of `count` articles retelling one event (bench/bigstory.py's story) through the real
    ingest: they join one story, which the build condenses from a capped set."""
    import bigstory

    from digest.config import load
    from digest.store import workspace

    workspace.init(folder)
    toml = folder / "digest.toml"
    config = load(toml)
    for a in bigstory.story(count):
        (config.path("inbox") / f"{a.id}.txt").write_text(
            f"{a.title}\nSource: {a.outlet}\nDate: {a.published.isoformat()}\n\n{a.body}\n")
    ingest = measured(["--config", str(toml), "ingest"])
    build = build_day(toml, config.path("outbox"), date(2026, 3, 2))
    return build, row(f"{count} story", count, ingest, build)


def failures_of(builds: list[dict], big: dict, max_html_kb: int, max_pages: int) -> list[str]:
    """Pinned floors missed."""
    out = []
    for b in builds:
        if b["code"] != 0:
            out.append(f"a build failed: {b['err']}")
        if b["peak_mb"] >= FLOOR_BUILD_MB:
            out.append(f"a build peaked at {b['peak_mb']:.0f} MB")
        if b["email_kb"] > max_html_kb or b["pages"] > max_pages:
            out.append(f"an email of {b['email_kb']:.1f} KB or a PDF of {b['pages']} pages is over its limit")
    if "failed" in big or big["seconds"] >= 10 or big["peak_mb"] >= 500:
        out.append(f"2,000-article story: {big}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the table and the extreme day; non-zero exit when a pinned floor is missed."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--measure"]:
        return measure_child(argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--backlog-days", type=int, default=10)
    parser.add_argument("--many", type=int, default=5000, help="articles of the generated busy day (0: skip)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"{args.data}: no such file; pass the Reuters JSONL (see ../shared/data/README.md)", file=sys.stderr)
        return 2
    base = measured([])
    print(f"baseline: a process importing digest takes {base['seconds']:.2f} s and {base['peak_mb']:.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        lines, builds = run_days(args.data, args.days, args.backlog_days, Path(tmp) / "ws")
    if args.many:
        with tempfile.TemporaryDirectory() as tmp:
            build, line = many_day(args.many, Path(tmp) / "ws")
        builds.append(build)
        print(line)
    with tempfile.TemporaryDirectory() as tmp:
        build, line = story_day(2000, Path(tmp) / "ws")
    builds.append(build)
    print(line)
    import bigstory

    big = bigstory.run(bigstory.FLOOR_N, 6000)
    print(f"one 2,000-article story condensed: {big}")
    from digest.config import from_mapping

    settings = from_mapping({}, Path(".")).settings
    print(f"ingest target: {INGEST_TARGET:.0f} articles/s (issue 13 item 5; printed above, not pinned here)")
    failures = failures_of(builds, big, settings.email.max_html_kb, settings.pdf.max_pages)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
