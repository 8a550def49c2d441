"""Stories on a real newswire: Reuters-21578 ingested day by day, as the daily job would, and template mixes counted.

Usage: python bench/wire.py [--days 26-FEB-1987,2-MAR-1987,...] [--before REV] [--keep DIR] [--min-words N]

Each day's reports of ../shared/data/reuters/reuters21578-first-half.jsonl (never copied into
the repository) are written to the inbox of one workspace as .txt files (Title and Date
header lines) and ingested by digest's normal path; the corpus carries over from day to day.
After each day's ingest, its stories are regrouped as that day's build would ([stories] regroup)
and recorded as sent, so later days can only add updates to them.
After each day it prints the number of stories that got members that day, the five largest,
and the template mixes: stories whose members' headlines name two or more different
companies: two headlines whose wire marks (<CBCO>, <SCHULT HOMES CORP>, (DIA)) have none in
common (a deal of two companies names both in its headlines, and is one story), or, among
unmarked earnings and offering reports (EARNINGS_OR_OFFERING), two names (the headline's words
before the template's, legal suffixes dropped; one company when one is the start of the other
or they share their first two words). A mark and an
unmarked name are not compared (a headline may name a parent or a unit). Target: zero.

By default the first DEFAULT_DAYS days of the file (26 Feb, 1 to 5 Mar 1987: 2,353 reports) run;
`--before REV` runs the same days with the story layer of an earlier commit as well.

Measured on those days: before (9f9489c) 66 template mixes, the largest story 216 reports (the
earnings and results of different companies under '<SDC SYDNEY DEVELOPMENT CORP> NINE MTHS');
after: 0 mixes, the largest story 14 reports (the Bank of England's money market forecasts of one
day, revised through the day), 1,744 stories against 1,298.

It also prints the day's digest as `digest build` groups it (not condensed): its entries
without and with [stories] roundups, the roundups, and how many of the condensed stories
([summary] stories_per_digest) are template reports. The roundup rules were written looking at
26 Feb and 2, 3, 5, 11, 18 and 19 Mar; 12, 16 and 25 Mar were not looked at. Measured: 5 Mar,
the busiest default day, 449 entries without roundups and 366 with ("Earnings: 64 companies
reported", "Offerings: 17 issuers offered", "February sales rise: 5 reports"); 26 Feb 159 ->
130, 2 Mar 408 -> 352, 3 Mar 355 -> 298, 4 Mar 340 -> 297. Not looked at: 12 Mar 391 -> 345,
16 Mar 423 -> 352, 25 Mar 382 -> 335. Template reports among the condensed stories: 0 to 3 a
day without roundups, 0 with. With `--min-words 10` (the wire's short earnings and dividend
reports kept instead of refused as non-articles) 5 Mar has 484 entries without roundups and 389
with ("Earnings: 71 companies reported", "Offerings: 18 issuers offered", ...).
Stories: the index alone (before the build's regrouping): 0 mixes, the largest story 14 reports (the Bank
of England's money market forecasts of one day, revised through the day); with each day's
regrouping and its stories recorded as sent: 0 mixes, the largest story 7 reports.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))  # bench/revision.py, also when loaded by a test

from revision import run_with_old_code, scratch_with_code_of  # noqa: E402

from digest import build  # noqa: E402
from digest import config as config_mod  # noqa: E402
from digest.ingest import inbox  # noqa: E402
from digest.models import article_day  # noqa: E402
from digest.sources.boilerplate import OutletLines  # noqa: E402
from digest.store import digests, workspace  # noqa: E402
from digest.store.corpus import Corpus  # noqa: E402

WIRE = REPO.parent / "shared" / "data" / "reuters" / "reuters21578-first-half.jsonl"
DEFAULT_DAYS = 6
MARK = re.compile(r"<\s*([A-Za-z][A-Za-z0-9.&' \-]{0,40}?)\s*>")
PAREN_MARK = re.compile(r"\(([A-Z][A-Z0-9.&' \-]{0,40})\)")  # (DIA), (MARSHALL STEEL LTD)
LEGAL = {"INC", "CORP", "CORPORATION", "CO", "COMPANY", "LTD", "PLC", "LP", "THE", "AG", "NV", "SA"}
# headline words of an earnings or securities-offering report: the company is named before them
EARNINGS_OR_OFFERING = re.compile(
    r"\b(1ST|2ND|3RD|4TH|QTR|YEAR|NET|LOSS|PROFIT|EARNINGS|SHR|OFFERING|OFFER|DEBENTURES|NOTES|SHARES|"
    r"DIVIDEND|DIV|PAYOUT|PRICED|SETS|FILES)\b")
# a headline's verb or an offering's kind ends the company's name before the template's words
# ("CONRAIL SAYS OFFERING COULD ...", "CONRAIL PUBLIC OFFERING TO BE ..." both name CONRAIL)
NAME_END = re.compile(r"\b(SAYS|SAID|SEES|PLANS|ISSUES|PUBLIC|INITIAL|TO)\b")


def wire_days() -> dict[str, list[dict]]:
    """The wire's reports by day, in the file's order (malformed dates left out)."""
    days: dict[str, list[dict]] = defaultdict(list)
    for line in WIRE.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        try:
            when = datetime.strptime(item["date"].strip(), "%d-%b-%Y %H:%M:%S.%f")
        except ValueError:
            continue
        item["when"] = when.isoformat() + "+00:00"
        days[item["date"].strip().split()[0]].append(item)
    return days


def companies(title: str) -> tuple[str, frozenset[str]]:
    """("mark" or "name", the companies a headline names): its wire marks, else, in an earnings or
    offering report, its words before the template's (legal suffixes dropped); ("", {}) when neither."""
    marks = frozenset(_plain(m.group(1)) for p in (MARK, PAREN_MARK) for m in p.finditer(title))
    if marks:
        return "mark", marks
    template = EARNINGS_OR_OFFERING.search(title.upper())
    head = title[:template.start()] if template else ""
    verb = NAME_END.search(head.upper())
    name = _plain(head[:verb.start()] if verb else head)
    return ("name", frozenset([name])) if name else ("", frozenset())


def _plain(name: str) -> str:
    """A company name without punctuation and legal suffixes, upper case."""
    words = re.sub(r"[^\w ]", " ", name.upper()).split()
    while words and words[-1] in LEGAL:
        words.pop()
    return " ".join(words)


def mixed(titles: list[str]) -> list[str]:
    """Two headlines of a story about different companies: wire marks with none in common (a deal
    of two companies names both), or names of unmarked earnings and offering reports, neither the
    start of the other; [] when there are none."""
    found = defaultdict(set)
    for kind, names in map(companies, titles):
        if kind:
            found[kind].add(names)
    for one in found["mark"]:
        other = next((o for o in found["mark"] if not o & one), None)
        if other:
            return sorted(one | other)
    names = sorted(n for names in found["name"] for n in names)
    for one in names:
        other = next((o for o in names if not _same_company(one, o)), None)
        if other:
            return [one, other]
    return []


def _same_company(one: str, other: str) -> bool:
    """Two headline names of one company: one the start of the other, or the same first two words
    ("SAPPORO BREWERIES ISSUES FIVE", "SAPPORO BREWERIES PLANS 100 MLN")."""
    a, b = one.split(), other.split()
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter] or (shorter >= 2 and a[:2] == b[:2])


def day_report(corpus: Corpus, day: str) -> tuple[int, list[tuple[int, str]], list[tuple[str, list[str]]]]:
    """Stories that got members on a day: how many, the five largest (size, a headline), template mixes."""
    iso = datetime.strptime(day, "%d-%b-%Y").date().isoformat()
    stories = [row[0] for row in corpus.db.execute(
        "SELECT DISTINCT story_id FROM story_members WHERE day = ?", (iso,))]
    sizes, mixes = [], []
    for story in stories:
        titles = [row[0] for row in corpus.db.execute("SELECT title FROM articles WHERE story_id = ?", (story,))]
        sizes.append((len(titles), titles[0] if titles else ""))
        names = mixed(titles)
        if names:
            mixes.append((story, names))
    return len(stories), sorted(sizes, reverse=True)[:5], mixes


def entries(config, corpus: Corpus, day: str) -> tuple[int, int, list[tuple[str, int]], int, int]:
    """The digest of the day's reports, grouped as `digest build` groups them (not condensed):
    entries without and with [stories] roundups, the roundups (heading, reports), and how many of
    the condensed stories ([summary] stories_per_digest) are template reports without and with."""
    iso = datetime.strptime(day, "%d-%b-%Y").date()
    articles = OutletLines(corpus).strip_all([a for a in corpus.unsent_articles() if article_day(a) == iso])
    groups = build.group_by_story(articles)
    roundups, rest = build.gather_roundups(groups, config)
    budget = config.settings.summary.stories_per_digest
    in_roundups = {line.story_id for r in roundups for line in r.lines}
    before = sum(story in in_roundups for story, _ in build.ranked_groups(groups)[:budget])
    after = sum(story in in_roundups for story, _ in build.ranked_groups(rest)[:max(1, budget - len(roundups))])
    return len(groups), len(rest) + len(roundups), [(r.heading, len(r.lines)) for r in roundups], before, after


def _regroup(config, corpus: Corpus) -> None:
    """What the day's build does to stories first: the unsent ones regrouped ([stories] regroup)."""
    if getattr(config.settings.stories, "regroup", False):  # (an earlier commit's code has none: --before)
        from digest.stories.regroup import regroup_unsent
        regroup_unsent(corpus, config, corpus.unsent_articles(), set())


def _record_sent(corpus: Corpus, day: str) -> None:
    """Then all unsent articles are recorded as sent by a digest of that day (the next days'
    articles can only update their stories)."""
    articles = corpus.unsent_articles()
    digests.record(corpus, f"wire-{day}", day, "", "{}", [(a.id, a.story_id or a.id) for a in articles])


def run(days: list[str], folder: Path, min_words: int | None = None) -> int:
    """Ingest the days one by one into one workspace; print each day's figures; the total of mixes."""
    by_day = wire_days()
    workspace.init(folder)
    if min_words is not None:  # a wire's template reports are short: keep them with a lower [ingest] min_words
        path = folder / "digest.toml"
        path.write_text(re.sub(r"^min_words = .*$", f"min_words = {min_words}", path.read_text(encoding="utf-8"),
                               count=1, flags=re.M), encoding="utf-8")
    config = config_mod.load(folder / "digest.toml")
    total = 0
    with Corpus(config.path("corpus")) as corpus:
        for day in days:
            for n, item in enumerate(by_day[day]):
                (config.path("inbox") / f"{day}-{n:04d}.txt").write_text(
                    f"Title: {item['title']}\nOutlet: Reuters\nDate: {item['when']}\n\n{item['text']}",
                    encoding="utf-8")
            inbox.ingest(config, corpus)
            _regroup(config, corpus)
            count, largest, mixes = day_report(corpus, day)
            total += len(mixes)
            print(f"{day}: {len(by_day[day])} reports, {count} stories, {len(mixes)} template mixes; largest: "
                  + "; ".join(f"{size} {title[:40]!r}" for size, title in largest))
            for story, names in mixes[:3]:
                print(f"   mix {story}: {len(names)} companies, e.g. {', '.join(names[:4])}")
            if hasattr(build, "gather_roundups"):  # a commit before roundups (--before) has none
                plain, grouped, roundups, before, after = entries(config, corpus, day)
                print(f"   digest entries: {plain} without roundups, {grouped} with; template reports among the "
                      f"condensed stories: {before} without, {after} with; roundups: "
                      + "; ".join(f"{heading!r}" for heading, _ in roundups))
            _record_sent(corpus, day)
    print(f"template mixes on {len(days)} days: {total}")
    return total


def before(days: list[str], revision: str) -> None:
    """The same run with digest's code of an earlier commit (bench/revision.py)."""
    with scratch_with_code_of(revision, "digest-wire-before-") as scratch:
        print(f"--- before: story layer of {revision}")
        run_with_old_code(scratch, "import wire, pathlib; wire.run(sys.argv[2].split(','), pathlib.Path(sys.argv[1]))",
                          str(scratch / "ws"), ",".join(days))


def main(argv: list[str] | None = None) -> int:
    """Run the days; exit 1 when a story mixes a template's companies."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", help="comma-separated days as the wire writes them, e.g. 2-MAR-1987")
    parser.add_argument("--before", help="also run the story layer of this earlier commit, e.g. 9f9489c")
    parser.add_argument("--keep", type=Path, help="keep the workspace in this (new) folder")
    parser.add_argument("--min-words", type=int, help="[ingest] min_words (default: the workspace's, 40); "
                        "the wire's earnings and dividend reports have 15 to 40 words")
    args = parser.parse_args(argv)
    if not WIRE.is_file():
        print(f"{WIRE} is absent: this bench needs the team's shared data folder beside the repo", file=sys.stderr)
        return 2
    days = args.days.split(",") if args.days else list(wire_days())[:DEFAULT_DAYS]
    if args.before:
        before(days, args.before)
        print("--- after: this checkout")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="digest-wire-")) / "ws"
    try:
        mixes = run(days, folder, args.min_words)
    finally:
        if not args.keep:
            shutil.rmtree(folder.parent, ignore_errors=True)
    return 1 if mixes else 0


if __name__ == "__main__":
    sys.exit(main())
