"""Build topic sets for `bench/summarize.py --topic` from the shared AllSides data.

Usage: python bench/topics.py [--out DIR]   (default: a fresh folder under the system temp dir)

Writes tune.jsonl and report.jsonl there (never into the repository): one line per topic,
{"id", "documents": [{"title", "date", "outlet", "text"}], "summaries": [reference]}.

A topic is every AllSides story whose headlines (left, centre or right) match one of the
TOPICS patterns below (a story goes to the first topic it matches), split by date: stories of
April and May 2021 make the tuning sets, June and July the reported ones, so no week is in
both. A set needs MIN_STORIES stories that have a centre article.

The data has no human topic summaries, so the reference is written by a third outlet: the
documents are the left and right outlets' articles, and the reference is the centre outlet's
article of each story (AllSides' centre column: AP, Reuters, The Hill, ...), in date order, its
opening sentences up to an equal share of REFERENCE_WORDS per story. It says what each event
was in a neutral outlet's words, without sharing their sentences with the documents.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digest.summarize.sentences import split_sentences  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "allsides" / "stories-2021-04-to-07.jsonl"
SPLIT_DAY = "2021-06-01"  # stories before it tune, from it on report
MIN_STORIES = 3
REFERENCE_WORDS = 250
TOPICS = {
    "infrastructure": r"infrastructure",
    "capitol-attack": r"jan\. 6|january 6|6 january|capitol (riot|attack)|1/6|insurrection",
    "israel-gaza": r"gaza|hamas|israel",
    "voting-laws": r"voting|voter|ballot",
    "jobs": r"jobless|jobs|unemployment|employers added|hiring",
    "inflation": r"inflation|consumer prices",
    "covid-origins": r"wuhan|lab leak|lab-leak|origins",
    "masks": r"\bmasks?\b",
    "vaccines": r"vaccin|pfizer|moderna|\bshots?\b|doses",
    "border": r"border|migrant|immigra|refugee",
    "putin": r"putin",
    "trump-platforms": r"facebook|twitter|social media",
    "trump-prosecution": r"trump organization|manhattan da|cfo|grand jury",
    "cyberattacks": r"ransomware|cyber|hack|pipeline shutdown",
    "afghanistan": r"afghan",
    "supreme-court": r"supreme court",
    "abortion": r"abortion|roe v",
    "transgender": r"transgender",
    "condo-collapse": r"condo|surfside|building collapse|miami building",
}


def stories_of(path: Path) -> dict[str, list[dict]]:
    """AllSides articles grouped by story."""
    stories: dict[str, list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            stories.setdefault(row["story_id"], []).append(row)
    return stories


def topic_of(articles: list[dict]) -> str | None:
    """The first topic whose pattern one of the story's headlines matches."""
    titles = " | ".join(a["title"] for a in articles).lower()
    return next((name for name, pattern in TOPICS.items() if re.search(pattern, titles)), None)


def reference(centres: list[dict], words: int = REFERENCE_WORDS) -> str:
    """Each centre article's opening sentences, an equal share of the word budget per story."""
    share = max(20, words // max(1, len(centres)))
    parts = []
    for article in centres:
        taken: list[str] = []
        for sentence in split_sentences(" ".join(article["text"].split()), "en"):
            if taken and len(" ".join(taken + [sentence]).split()) > share:
                break
            taken.append(sentence)
        parts.append(" ".join(taken))
    return "\n".join(parts)


def topic_sets(path: Path) -> dict[str, list[dict]]:
    """{"tune": [...], "report": [...]} topic lines."""
    grouped: dict[tuple[str, str], list[list[dict]]] = {}
    for articles in stories_of(path).values():
        centre = [a for a in articles if a["article_id"].endswith("-center")]
        topic = topic_of(articles)
        if topic and centre and len(articles) >= 2:
            part = "tune" if min(a["date"] for a in articles)[:10] < SPLIT_DAY else "report"
            grouped.setdefault((part, topic), []).append(sorted(articles, key=lambda a: a["date"]))
    out: dict[str, list[dict]] = {"tune": [], "report": []}
    for (part, topic), stories in sorted(grouped.items()):
        if len(stories) < MIN_STORIES:
            continue
        stories.sort(key=lambda s: (s[0]["date"], s[0]["story_id"]))
        documents = [{"title": a["title"], "date": a["date"], "outlet": a["outlet"], "text": a["text"]}
                     for s in stories for a in s if not a["article_id"].endswith("-center")]
        centres = [a for s in stories for a in s if a["article_id"].endswith("-center")]
        out[part].append({"id": f"{part}-{topic}", "documents": documents, "summaries": [reference(centres)]})
    return out


def main(argv: list[str] | None = None) -> int:
    """Write tune.jsonl and report.jsonl; print where."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="folder to write into (default: a new temp folder)")
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(f"{DATA} is absent: the AllSides data lives in ../shared/data (see its README)", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="digest-topics-"))
    out.mkdir(parents=True, exist_ok=True)
    for part, lines in topic_sets(DATA).items():
        path = out / f"{part}.jsonl"
        path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        print(f"{path}: {len(lines)} topics, {sum(len(t['documents']) for t in lines)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
