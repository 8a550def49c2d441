"""On a real wire day (Reuters-21578, 12 Mar 1987: a day not looked at while writing the rules),
the earnings reports gather into one roundup, a line per company, and prose news stays out."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from helpers.paths import need_shared

from digest.models import Article
from digest.summarize.roundup import gather

DAY = "12-MAR-1987"


def _day_groups() -> dict[str, list[Article]]:
    """Each report of the day as its own story (the story layer is not what is tested here)."""
    path = need_shared("data/reuters/reuters21578-first-half.jsonl")
    groups = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if not item["date"].startswith(DAY + " "):
            continue
        when = datetime.strptime(item["date"].strip(), "%d-%b-%Y %H:%M:%S.%f").replace(tzinfo=timezone.utc)
        groups[item["id"]] = [Article(id=item["id"], title=item["title"], outlet="Reuters", body=item["text"],
                                      published=when, story_id=item["id"])]
    return groups


def test_a_real_wire_days_earnings_are_one_roundup_of_companies_and_news_stays_out():
    groups = _day_groups()
    roundups, rest = gather(groups, 3)
    earnings = next(r for r in roundups if r.label == "Earnings")
    assert len(earnings.lines) >= 30
    titles = [line.articles[0].title for line in earnings.lines]
    with_template = [t for t in titles if re.search(r"\b(NET|QTR|LOSS|PROFIT|EARNINGS|RESULTS|YEAR|MTHS)\b", t)]
    assert len(with_template) >= 0.9 * len(titles)  # the lines are earnings reports, not news
    assert all(line.entity and line.text for line in earnings.lines)
    assert len({line.entity for line in earnings.lines}) >= 0.9 * len(earnings.lines)  # different companies
    assert len(rest) + sum(len(r.lines) for r in roundups) == len(groups)  # nothing lost, nothing twice
    assert len(rest) + len(roundups) < 0.95 * len(groups)
