"""Ingest decisions stay the same when ingest is made faster: a fixed inbox of a few hundred files
(tests/helpers/fixed_inbox.py: multi-member stories, exact duplicates, near, trimmed and updated
copies, template wire reports, non-articles, every reader format) gives the stories, copies and
duplicates recorded in tests/data/decisions/expected.json.

The expectation was recorded with the code of c374d1f (main before issue 13 item 5's speed work)
by `python tests/helpers/fixed_inbox.py --record`; a change of story or dedup decisions on purpose
records it again and says why in its commit."""
from __future__ import annotations

import json

from helpers.fixed_inbox import EXPECTED, record


def test_the_fixed_inbox_gives_the_recorded_decisions(tmp_path):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    found = record(tmp_path / "ws")
    assert found["_duplicates"] == expected["_duplicates"]
    assert found["_non_articles"] == expected["_non_articles"]
    differ = sorted(name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name))
    assert not differ, f"{len(differ)} files decided differently, first: {differ[0]}: " \
                       f"{expected.get(differ[0])} -> {found.get(differ[0])}"


def test_the_fixed_inbox_holds_what_it_is_meant_to_test():
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    members: dict[str, int] = {}
    copies = 0
    for name, decided in expected.items():
        for article in decided.get("articles", []) if not name.startswith("_") else []:
            if article:
                members[article[1]] = members.get(article[1], 0) + 1
                copies += article[2] is not None
    assert len(expected["_duplicates"]) >= 10 and copies >= 20
    assert sum(1 for n in members.values() if n >= 3) >= 10  # multi-member stories
    assert sum(1 for n in members.values() if n == 1) >= 10
